// Command podconform runs scenarios through the reference Pod lifecycle
// model. Each subcommand lives in its own file and is a thin call into a
// library package.
package main
