package trace

import (
	"bytes"
	"testing"
	"time"

	"github.com/podconform/podconform/model"
)

// checkDecoded checks a document that decoded: it must encode in both
// forms, each encoding must decode to an equal document, and re-encoding
// that must give the same bytes.
func checkDecoded(t *testing.T, d *Document) {
	t.Helper()
	var enc bytes.Buffer
	if err := Encode(&enc, d); err != nil {
		t.Fatalf("decoded document does not encode: %v", err)
	}
	d2, err := Decode(bytes.NewReader(enc.Bytes()))
	if err != nil {
		t.Fatalf("encoding does not decode: %v\n%s", err, enc.Bytes())
	}
	if !Equal(d, d2) {
		t.Fatalf("JSON round trip changed the document:\n%s", enc.Bytes())
	}
	var enc2 bytes.Buffer
	if err := Encode(&enc2, d2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc.Bytes(), enc2.Bytes()) {
		t.Fatalf("JSON re-encoding differs:\n%s\n%s", enc.Bytes(), enc2.Bytes())
	}

	var txt bytes.Buffer
	if err := EncodeText(&txt, d); err != nil {
		t.Fatalf("decoded document does not encode as text: %v", err)
	}
	d3, err := DecodeText(bytes.NewReader(txt.Bytes()))
	if err != nil {
		t.Fatalf("text encoding does not decode: %v\n%s", err, txt.Bytes())
	}
	if !Equal(d, d3) {
		t.Fatalf("text round trip changed the document:\n%s", txt.Bytes())
	}
	var txt2 bytes.Buffer
	if err := EncodeText(&txt2, d3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(txt.Bytes(), txt2.Bytes()) {
		t.Fatalf("text re-encoding differs:\n%s\n%s", txt.Bytes(), txt2.Bytes())
	}
	for _, a := range d.Actions {
		_ = Describe(a)
	}
}

// fuzzSeeds are small valid documents: one per action of kindsDoc, one
// with a realistic status, and an empty one. (Small seeds keep the
// fuzzer's minimisation of new inputs cheap; the PodStatus decoder is
// slow under coverage instrumentation.)
func fuzzSeeds() []*Document {
	var docs []*Document
	for _, a := range kindsDoc().Actions {
		docs = append(docs, New("s", "p", "pod", []model.Action{a}))
	}
	docs = append(docs, New("s", "p", "pod", []model.Action{
		{Kind: model.ActSandboxCreated},
		{At: 50 * time.Second, Kind: model.ActStatus, Status: status(50*time.Second, "Running", false)},
	}))
	return append(docs, emptyDoc())
}

func FuzzDecode(f *testing.F) {
	for _, d := range fuzzSeeds() {
		f.Add(encodeJSON(f, d))
	}
	f.Add([]byte(jsonDoc(`{"at":"1.5m","kind":"DeleteRequested","grace":0,"force":false}`)))
	f.Add([]byte(jsonDoc(`{"at":"0s","kind":"Status","status":{"startTime":"2026-01-01T00:00:00+01:00",` +
		`"containerStatuses":[{"name":"a","ready":true,"restartCount":0,"image":"","imageID":"",` +
		`"allocatedResources":{"cpu":"1000m"}}]}}`)))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		if err != nil {
			if d != nil {
				t.Fatal("document and error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkDecoded(t, d)
	})
}

func FuzzDecodeText(f *testing.F) {
	for _, d := range fuzzSeeds() {
		f.Add(encodeText(f, d))
	}
	f.Add([]byte("# podconform trace v1alpha1 pod=x profile=\"\" scenario=\"a b\"\r\n\n# c\n" +
		"  1m30s\tDeleteRequested force   grace=30\n90s ContainerExited web#+1 reason=\"\\u00e9\" exitCode=-0\n" +
		"90s Status   {\"phase\": \"Running\", \"startTime\": \"2026-01-01T00:00:00-07:00\"}  "))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeText(bytes.NewReader(data))
		if err != nil {
			if d != nil {
				t.Fatal("document and error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkDecoded(t, d)
	})
}
