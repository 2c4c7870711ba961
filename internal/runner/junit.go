package runner

import (
	"encoding/xml"
	"fmt"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// JUnit renders the summary as JUnit XML: one test suite for the adapter,
// one test case per invariant checked, one for the refinement check and one
// for the adapter's own health. A failing case lists its counterexamples
// with the command that replays each.
func (s *Summary) JUnit() ([]byte, error) {
	class := "podconform." + s.Adapter.Name
	suite := junitSuite{Name: "podconform/" + s.Adapter.Name}
	suite.Properties = []junitProperty{
		{"adapter", s.Adapter.Name},
		{"seed", fmt.Sprint(s.Config.Seed)},
		{"checks", fmt.Sprint(s.Config.Checks)},
		{"tolerance", s.Config.Tolerance},
		{"shard", s.Config.Shard},
		{"version", s.Version},
	}
	byProp := map[string][]*Outcome{}
	for _, f := range s.Failures {
		byProp[f.Property] = append(byProp[f.Property], f)
	}
	body := func(fs []*Outcome) string {
		var b strings.Builder
		for _, f := range fs {
			fmt.Fprintf(&b, "%s (%s) at %s: %s\n", f.Name, f.Source, f.At, f.Message)
			if f.Replay != "" {
				fmt.Fprintf(&b, "  replay: %s\n", f.Replay)
			}
		}
		return b.String()
	}
	add := func(id string, checked int) {
		c := junitCase{Name: id, Classname: class, SystemOut: fmt.Sprintf("checked on %d scenarios", checked)}
		if fs := byProp[id]; len(fs) > 0 {
			c.Failure = &junitFailure{Message: fmt.Sprintf("%d counterexample(s); first: %s", len(fs), fs[0].Message), Type: id, Body: body(fs)}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, p := range s.Properties {
		add(p.ID, p.Checked)
	}
	add("refinement", s.Refinement.Checked)
	hc := junitCase{Name: "adapter-health", Classname: class, SystemOut: fmt.Sprintf("%d scenarios run", s.Totals.Scenarios)}
	if fs := byProp["adapter-error"]; len(fs) > 0 {
		hc.Error = &junitFailure{Message: fmt.Sprintf("%d adapter error(s); first: %s", len(fs), fs[0].Message), Type: "adapter-error", Body: body(fs)}
		suite.Errors++
	}
	suite.Cases = append(suite.Cases, hc)
	suite.Tests = len(suite.Cases)
	root := junitSuites{Name: "podconform", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
