// Package ci holds CI recipes for podconform's users (podconform.yml, a
// GitHub Actions workflow) and the test that runs their steps locally.
package ci
