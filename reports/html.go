package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"path/filepath"

	"github.com/podconform/podconform/internal/check"
)

// The page's template, styles and script are real files, embedded.
//
//go:embed assets/*.tmpl assets/*.css assets/*.js
var assets embed.FS

var (
	pageTmpl = template.Must(template.New("report").ParseFS(assets, "assets/*.tmpl"))
	pageCSS  = mustAsset("assets/report.css") + "\n" + mustAsset("assets/timeline.css")
	pageJS   = mustAsset("assets/report.js")
	// The Content-Security-Policy forbids every fetch and admits only the
	// page's own style sheet and script, by hash: even an escaping mistake
	// could not run an injected script or load anything.
	pageCSP = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:", hash(pageCSS), hash(pageJS))
)

func mustAsset(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Render writes the report page of p to w.
func Render(w io.Writer, p *Page) error {
	return pageTmpl.ExecuteTemplate(w, "page", struct {
		Page *Page
		CSS  template.CSS
		JS   template.JS
		CSP  string
	}{p, template.CSS(pageCSS), template.JS(pageJS), pageCSP})
}

// Write renders the report of a run's output directory into
// DIR/report.html, atomically, and returns its path. selfTest names a
// self-test score file to include ("": DIR/selftest.json if present).
func Write(dir, selfTest string) (string, error) { return WriteFor(dir, selfTest, "") }

// WriteFor is Write with the commands shown written for invocation (see
// Input.Invocation).
func WriteFor(dir, selfTest, invocation string) (string, error) {
	in, err := Load(dir, selfTest)
	if err != nil {
		return "", err
	}
	in.Invocation = invocation
	var b bytes.Buffer
	if err := Render(&b, Build(in)); err != nil {
		return "", fmt.Errorf("rendering the report: %w", err)
	}
	path := filepath.Join(dir, ReportFile)
	if err := check.WriteFileAtomic(path, b.Bytes()); err != nil {
		return "", fmt.Errorf("writing the report: %w", err)
	}
	return path, nil
}
