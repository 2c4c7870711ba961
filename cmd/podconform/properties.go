package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/podconform/podconform/properties"
)

const propertiesHelp = `Usage: podconform properties [ID...]

Lists the named invariants podconform checks on every trace, with what each
checks, the sentence of the semantics it encodes, what a trace must report
for it to apply (needs: the observables) and its timing: exact (it pins an
action's time with no slack, so it is not checked on an implementation that
may act later than the model, such as a real kubelet) or tolerant. With IDs,
shows only those.

Flags:
`

func listProperties(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("properties", flag.ContinueOnError)
	fs.SetOutput(stderr)
	short := fs.Bool("short", false, "one line per property: ID and title")
	fs.Usage = func() { fmt.Fprint(fs.Output(), propertiesHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	props := properties.All()
	if fs.NArg() > 0 {
		props = props[:0:0]
		for _, id := range fs.Args() {
			p, ok := properties.ByID(id)
			if !ok {
				fmt.Fprintf(stderr, "podconform properties: no property %q (run 'podconform properties --short' for the list)\n", id)
				return 2
			}
			props = append(props, p)
		}
	}
	for i, p := range props {
		if *short {
			fmt.Fprintf(stdout, "%-36s %s\n", p.ID, p.Title)
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s\n  %s\n", p.ID, p.Title)
		for _, line := range wrap(p.Doc, 76) {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
		fmt.Fprintf(stdout, "  source: %s\n", p.Source)
		fmt.Fprintf(stdout, "  needs: %s; timing: %s\n", strings.Join(p.Needs.Names(), ", "), timing(p))
	}
	if !*short {
		fmt.Fprintf(stdout, "\n%d properties\n", len(props))
	}
	return 0
}

// timing names a property's timing: exact or tolerant.
func timing(p properties.Property) string {
	if p.Exact {
		return "exact"
	}
	return "tolerant"
}

func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
