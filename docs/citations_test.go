package docs

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The citation rules. Every text file of the repository (tracked, or new and
// not ignored) is read; a citation must name something the repository has,
// or an upstream path (pkg/kubelet/..., staging/..., k8s.io/..., test/e2e...),
// which is not checked.
var (
	// (a) Notes outside the repository: the developers' background notes
	// and anything under a shared/ directory beside the checkout. (The
	// name is split so that this file does not cite it.)
	outsideNotes = regexp.MustCompile(`SEMANTICS` + `\.md|(?:^|[^\w/.-])(?:\.\./)*shared/|/work/shared`)
	// (b) In-repository documents cited by path.
	docPath = regexp.MustCompile(`(?:^|[^\w/.-])(docs/[\w.-]+(?:/[\w.-]+)*\.md)`)
	// (c) Section numbers. Every § number in the repository refers to
	// docs/semantics.md.
	sectionRef = regexp.MustCompile(`§(\d+)(?:\.(\d+))?`)
	// (d) Repository-relative paths of source and data files: a path that
	// starts with one of the repository's top-level directories.
	repoPath = regexp.MustCompile(`(?:^|[^\w/.-])((?:model|properties|internal|adapters|cmd|trace|scenario|gen|reports|corpus|fuzz|docs|scripts|deploy)/[\w.-]+(?:/[\w.-]+)*\.(?:go|md|yaml|yml|sh|py|mjs|js|css|tmpl|html|json|trace|watch))\b`)
	// A file name that stands for any file a run writes, as in
	// fuzz/testdata/counterexamples/NAME.yaml: not checked.
	placeholder = regexp.MustCompile(`^[A-Z][A-Z0-9_]*\.\w+$`)
	// Markdown links to relative paths, checked relative to the file.
	mdLink = regexp.MustCompile(`\]\(([^)\s#]+)(?:#[^)\s]*)?\)`)

	// The numbered parts of docs/semantics.md.
	sectionHeading = regexp.MustCompile(`(?m)^## (\d+)\. `)
	ruleHeading    = regexp.MustCompile(`(?m)^\*\*§(\d+)\.(\d+) `)
)

// semanticsFile is the document § numbers refer to, from the repository root.
const semanticsFile = "docs/semantics.md"

// sections returns the section ("4") and rule ("4.3") numbers of a
// semantics document, and the problems with its numbering: duplicates, and
// rules outside a section.
func sections(doc []byte) (map[string]bool, []string) {
	have := map[string]bool{}
	var problems []string
	for _, m := range sectionHeading.FindAllSubmatch(doc, -1) {
		n := string(m[1])
		if have[n] {
			problems = append(problems, semanticsFile+": section §"+n+" appears twice")
		}
		have[n] = true
	}
	for _, m := range ruleHeading.FindAllSubmatch(doc, -1) {
		n := string(m[1]) + "." + string(m[2])
		if have[n] {
			problems = append(problems, semanticsFile+": rule §"+n+" appears twice")
		}
		if !have[string(m[1])] {
			problems = append(problems, semanticsFile+": rule §"+n+" has no section "+string(m[1]))
		}
		have[n] = true
	}
	return have, problems
}

// checkFile returns the bad citations of one file. name is its path from the
// repository root (slash-separated); exists reports whether a path from the
// root is in the repository; have holds the numbers of docs/semantics.md.
func checkFile(name string, text []byte, exists func(string) bool, have map[string]bool) []string {
	var problems []string
	lines := bytes.Split(text, []byte("\n"))
	for i, line := range lines {
		at := name + ":" + strconv.Itoa(i+1) + ": "
		for _, m := range outsideNotes.FindAll(line, -1) {
			problems = append(problems, at+"cites a file outside the repository: "+strings.TrimSpace(string(m)))
		}
		missing := map[string]bool{}
		for _, m := range docPath.FindAllSubmatch(line, -1) {
			if p := string(m[1]); !exists(p) {
				missing[p] = true
			}
		}
		for _, m := range repoPath.FindAllSubmatch(line, -1) {
			// A path from the root, or from the citing file's directory
			// (a testdata manifest naming its own files).
			if p := string(m[1]); !exists(p) && !exists(path.Join(path.Dir(name), p)) && !placeholder.MatchString(path.Base(p)) {
				missing[p] = true
			}
		}
		for _, p := range sortedKeys(missing) {
			problems = append(problems, at+"cites "+p+", which is not in the repository")
		}
		for _, m := range sectionRef.FindAllSubmatch(line, -1) {
			n := string(m[1])
			if len(m[2]) > 0 {
				n += "." + string(m[2])
			}
			if !have[n] {
				problems = append(problems, at+"cites §"+n+", which "+semanticsFile+" does not have")
			}
		}
		if strings.HasSuffix(name, ".md") {
			for _, m := range mdLink.FindAllSubmatch(line, -1) {
				target := string(m[1])
				if strings.Contains(target, ":") || strings.HasPrefix(target, "/") {
					continue // a URL, or an absolute path the test cannot judge
				}
				p := path.Clean(path.Join(path.Dir(name), target))
				if !exists(p) {
					problems = append(problems, at+"links to "+target+", which is not in the repository")
				}
			}
		}
	}
	return problems
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// repoFiles lists the repository's files from its root: tracked files and
// new ones that are not ignored (git), or, without git, every file below the
// root outside .git and the directories builds and runs write.
func repoFiles(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	t.Logf("git ls-files: %v; walking the tree instead", err)
	skip := map[string]bool{".git": true, "bin": true, "out": true, "node_modules": true}
	var files []string
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (skip[d.Name()] || strings.HasSuffix(d.Name(), "-results")) {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCitationsInRepository fails if any citation in the repository names a
// file that is not in it: the developers' notes outside the checkout
// (SEMANTICS-dot-md, shared/), a docs/*.md or repository path that does not
// exist, a relative Markdown link that leads nowhere, or a § number that
// docs/semantics.md does not have.
func TestCitationsInRepository(t *testing.T) {
	root := ".."
	files := repoFiles(t, root)
	inRepo := map[string]bool{}
	dirs := map[string]bool{}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			continue // deleted in the work tree
		}
		inRepo[f] = true
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	exists := func(p string) bool { return inRepo[p] || dirs[strings.TrimSuffix(p, "/")] }

	doc, err := os.ReadFile(filepath.Join(root, semanticsFile))
	if err != nil {
		t.Fatalf("%s: %v", semanticsFile, err)
	}
	have, problems := sections(doc)
	if len(have) == 0 {
		t.Fatalf("%s has no numbered sections", semanticsFile)
	}

	checked := 0
	for _, f := range files {
		if !inRepo[f] || strings.Contains(f, "/testdata/fuzz/") || f == "docs/citations_test.go" {
			// Fuzz inputs are random bytes, not prose; this file's made-up
			// citations are TestCitationRules' bad examples.
			continue
		}
		text, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(text[:min(len(text), 8000)], 0) >= 0 {
			continue // binary
		}
		checked++
		problems = append(problems, checkFile(f, text, exists, have)...)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if checked < 100 {
		t.Errorf("only %d files checked: is the repository root %s?", checked, root)
	}
}

// TestCitationRules shows each rule catching what it is for, on made-up
// files, and letting good citations through.
func TestCitationRules(t *testing.T) {
	have, problems := sections([]byte("## 1. One\n\n**§1.1 A rule.** Text.\n\n## 4. Four\n\n**§4.3 Another.** Text.\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	exists := func(p string) bool {
		return p == "docs/semantics.md" || p == "model/kubelet.go" || p == "docs" || p == "docs/upstream-differences.md"
	}
	for _, tc := range []struct {
		name, file, text string
		bad              int
	}{
		{"good", "properties/x.go", "// docs/semantics.md §4.3 and §1.1 (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff; model/kubelet.go)", 0},
		{"outside notes", "properties/x.go", `Source: "` + "SEMANTICS" + `.md §4: ..."`, 1},
		{"shared path", "model/doc.go", "// see ../shared/" + "NOTES.md for the facts", 1},
		{"missing doc", "README.md", "see docs/semantic.md", 1},
		{"missing section", "corpus/x.yaml", "source: docs/semantics.md §4.9", 1},
		{"missing bare section", "model/mutation.go", `"first restart is immediate (§11)"`, 1},
		{"missing repo path", "docs/a.md", "in `model/kubelet_pods.go`", 1},
		{"placeholder file name", "fuzz/doc.go", "// written to fuzz/testdata/counterexamples/NAME.yaml", 0},
		{"upstream paths pass", "docs/a.md", "pkg/kubelet/kubelet_pods.go getPhase, staging/src/k8s.io/client-go/util/flowcontrol/backoff.go, k8s.io/kubernetes/cmd/kubelet/app/server.go", 0},
		{"markdown link", "docs/a.md", "[x](upstream-differences.md#21) [y](missing.md) [z](https://kubernetes.io/docs/x.md)", 1},
	} {
		got := checkFile(tc.file, []byte(tc.text), exists, have)
		if len(got) != tc.bad {
			t.Errorf("%s: %d problems, want %d: %q", tc.name, len(got), tc.bad, got)
		}
	}
	if _, p := sections([]byte("## 2. Two\n\n**§2.1 A.**\n\n**§2.1 B.**\n\n**§3.1 C.**\n")); len(p) != 2 {
		t.Errorf("numbering problems %q, want a duplicate and a rule without its section", p)
	}
}
