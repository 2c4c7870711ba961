package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/podconform/podconform/internal/runner"
)

// hostileScenario carries markup, quotes and unicode wherever a scenario
// takes free text: description, annotations, commands, env values.
const hostileScenario = `apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: hostile
  description: '<script>alert("description")</script> & "quotes" ''single'''
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: hostile
    annotations:
      note: "</pre></details><script>alert('annotation')</script>"
  spec:
    initContainers:
    - name: setup
      image: "busybox"
      command: ["sh", "-c", "echo \"<img src=x onerror=alert(1)>\" ünïcødé ‮ snowman ☃"]
      env:
      - name: EVIL
        value: "</style><script>alert('env')</script>"
    containers:
    - name: app
      image: busybox
      command: ["sh", "-c", "echo '<svg onload=alert(2)>'"]
behaviour:
  containers:
    setup:
      attempts:
      - exitAfter: 5s
        exitCode: 0
`

func TestHostileInputIsEscaped(t *testing.T) {
	src := filepath.Join(t.TempDir(), "hostile.yaml")
	require.NoError(t, os.WriteFile(src, []byte(hostileScenario), 0o644))
	dir := mutantRun(t, "app-during-init", 0, src)

	// An adapter can lie: put markup into what it reports, too (the
	// summary's message and the observed trace's container and reason).
	sumPath := filepath.Join(dir, runner.SummaryFile)
	raw, err := os.ReadFile(sumPath)
	require.NoError(t, err)
	var sum map[string]any
	require.NoError(t, json.Unmarshal(raw, &sum))
	f0 := sum["failures"].([]any)[0].(map[string]any)
	f0["message"] = `<script>alert("message")</script>`
	f0["observed"] = `"><svg onload=alert(3)>`
	raw, err = json.Marshal(sum)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(sumPath, raw, 0o644))
	shown := f0["shrunk"]
	if shown == nil {
		shown = f0["file"]
	}
	obsPath := strings.TrimSuffix(filepath.Join(dir, filepath.FromSlash(shown.(string))), ".yaml") + runner.ObservedSuffix
	obs, err := os.ReadFile(obsPath)
	require.NoError(t, err)
	obs = bytes.ReplaceAll(obs, []byte(`"container":"app"`), []byte(`"container":"<script>alert(4)</script>"`))
	require.NoError(t, os.WriteFile(obsPath, obs, 0o644))

	in, err := Load(dir, "")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, Render(&b, Build(in)))
	page := b.String()

	// The text is all there, escaped.
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;message&#34;)&lt;/script&gt;`,
		`&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(&#39;annotation&#39;)&lt;/script&gt;`,
		`&lt;/style&gt;&lt;script&gt;alert(&#39;env&#39;)&lt;/script&gt;`,
		`&lt;img src=x onerror=alert(1)&gt;`,
		`&lt;svg onload=alert(2)&gt;`,
		`&lt;script&gt;alert(4)&lt;/script&gt;`,
		`ünïcødé`, `☃`,
	} {
		assert.Contains(t, page, want)
	}
	// And none of it became markup.
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>"} {
		assert.NotContains(t, page, bad)
	}
	doc := parseHTML(t, b.Bytes())
	assert.Len(t, elements(doc, "script"), 1, "only the page's own script")
	for _, n := range elements(doc, "") {
		for _, a := range n.Attr {
			assert.False(t, strings.HasPrefix(strings.ToLower(a.Key), "on"), "<%s %s=%q>", n.Data, a.Key, a.Val)
		}
		if n.Data == "svg" {
			cls := attr(n, "class")
			assert.True(t, strings.Contains(cls, "timeline") || strings.Contains(cls, "tl-swatch"), "an <svg> that is neither a timeline nor the legend's: %q", cls)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
