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
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// JUnit renders the summary as JUnit XML: one test suite for the adapter,
// one test case per invariant checked, one per refinement check (at the
// run's tolerance and at 0) and one for the adapter's own health. A failing
// case lists its counterexamples with the command that replays each; an
// invariant no scenario exercised is skipped ("not exercised"), never
// passed.
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
	suite.Properties = append(suite.Properties, junitProperty{"level", s.Config.Level})
	// Each failure under every check it breaks (its message for that
	// check).
	type hit struct {
		o   *Outcome
		at  string
		msg string
	}
	byProp := map[string][]hit{}
	for _, f := range s.Failures {
		for _, b := range f.Broken {
			byProp[b.ID] = append(byProp[b.ID], hit{f, b.At, b.Message})
		}
		if f.Divergence != nil {
			byProp["refinement"] = append(byProp["refinement"], hit{f, f.Divergence.At, f.Divergence.Message})
		}
		switch {
		case f.ExactDivergence != nil:
			byProp["refinement-exact"] = append(byProp["refinement-exact"], hit{f, f.ExactDivergence.At, f.ExactDivergence.Message})
		case f.Divergence != nil:
			byProp["refinement-exact"] = append(byProp["refinement-exact"], hit{f, f.Divergence.At, f.Divergence.Message})
		}
		if f.Verdict == AdapterError {
			byProp["adapter-error"] = append(byProp["adapter-error"], hit{f, f.At, f.Message})
		}
	}
	body := func(hs []hit) string {
		var b strings.Builder
		for _, h := range hs {
			fmt.Fprintf(&b, "%s (%s) at %s: %s\n", h.o.Name, h.o.Source, h.at, h.msg)
			if h.o.Replay != "" {
				fmt.Fprintf(&b, "  replay: %s\n", h.o.Replay)
			}
		}
		return b.String()
	}
	level := s.Decider().Level
	// counts says a check's failures fail the run at its level: the
	// exact-timing invariants and the refinement at 0 count at the exact
	// level only, the refinement not at the invariants level.
	counts := func(p PropertyStat) bool {
		switch {
		case level == LevelExact:
			return true
		case p.Exact:
			return false
		case p.ID == "refinement":
			return level == LevelRefinement
		}
		return true
	}
	add := func(p PropertyStat) {
		c := junitCase{Name: p.ID, Classname: class, SystemOut: fmt.Sprintf("checked on %d scenarios, exercised by %d, violated in %d", p.Checked, p.Exercised, p.Violated)}
		if !counts(p) {
			c.SystemOut += fmt.Sprintf("; it does not count at the %s level", level)
		}
		if hs := byProp[p.ID]; len(hs) > 0 && counts(p) {
			c.Failure = &junitFailure{Message: fmt.Sprintf("violated in %d scenario(s); %d listed (failures at the %s level); first: %s", p.Violated, len(hs), s.Decider().Level, hs[0].msg), Type: p.ID, Body: body(hs)}
			suite.Failures++
		} else if p.Violated > 0 && counts(p) {
			c.Failure = &junitFailure{Message: fmt.Sprintf("violated in %d scenario(s), none of them failures at the %s level (see summary.json's levels)", p.Violated, s.Decider().Level), Type: p.ID}
			suite.Failures++
		} else if p.Exercised == 0 {
			c.Skipped = &junitSkipped{Message: fmt.Sprintf("not exercised: none of the %d scenarios checked gave it anything to judge", p.Checked)}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, p := range s.Properties {
		add(p)
	}
	add(s.Refinement)
	add(s.RefinementExact)
	hc := junitCase{Name: "adapter-health", Classname: class, SystemOut: fmt.Sprintf("%d scenarios run", s.Totals.Scenarios)}
	if s.StartError != "" {
		hc.SystemOut = "no scenario ran"
		hc.Error = &junitFailure{Message: "the adapter did not start: " + s.StartError, Type: "adapter-start"}
		suite.Errors++
	} else if fs := byProp["adapter-error"]; len(fs) > 0 {
		hc.Error = &junitFailure{Message: fmt.Sprintf("%d adapter error(s); first: %s", len(fs), fs[0].msg), Type: "adapter-error", Body: body(fs)}
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
