//go:build race

package properties_test

// raceEnabled: the race detector makes everything ~10 times slower; the
// heaviest tests do less (the plain run does all of it).
const raceEnabled = true
