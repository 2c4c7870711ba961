package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// interspersed reorders args so that flags may follow positional arguments
// (`simulate FILE -o json`), as kubectl users expect; "--" ends flags.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, pos...)
}

// wantsHelp reports whether args ask for help (-h, -help or --help before
// any "--"); the command then prints its usage to standard output only.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// flagSet says whether flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseArgs parses a subcommand's arguments, flags anywhere (interspersed).
// Asked for help, it prints the usage to stdout: done, exit 0. A bad flag
// (the flag package has printed why to the flag set's output): done, exit
// 2. Otherwise not done: the command goes on.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	help := wantsHelp(args)
	if !help {
		err := fs.Parse(interspersed(fs, args))
		if err == nil {
			return 0, false
		}
		if !errors.Is(err, flag.ErrHelp) {
			return 2, true
		}
	}
	fs.SetOutput(stdout)
	fs.Usage()
	return 0, true
}
