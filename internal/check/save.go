package check

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// Counterexample returns a copy of doc marked as a counterexample of v on
// the model with mutation mut, run until until. Its name is derived from
// the property and the scenario's content, so the same failure gets the
// same name.
func Counterexample(doc *scenario.Document, v *properties.Violation, mut model.Mutation, until time.Duration) (*scenario.Document, error) {
	c := *doc
	c.Metadata.Counterexample = nil
	c.Metadata.Name = "" // the name is part of the content hash below; set it after
	body, err := c.Marshal()
	if err != nil {
		return nil, fmt.Errorf("marshalling counterexample: %w", err)
	}
	sum := sha256.Sum256(body)
	prefix := v.ID
	if mut != 0 {
		prefix = mutationName(mut) + "-" + prefix
	}
	c.Metadata.Name = prefix + "-" + hex.EncodeToString(sum[:])[:10]
	c.Metadata.Counterexample = &scenario.Counterexample{
		Property: v.ID,
		Model:    mutationName(mut),
		At:       metav1.Duration{Duration: v.At},
		Message:  v.Message,
		Until:    metav1.Duration{Duration: until},
	}
	if c.Metadata.Description == "" {
		c.Metadata.Description = "Counterexample to " + v.ID + " found by podconform."
	}
	return &c, nil
}

func mutationName(mut model.Mutation) string {
	for _, mi := range model.Mutations() {
		if mi.Mutation == mut {
			return mi.Name
		}
	}
	if mut != 0 {
		return fmt.Sprintf("mutation-%d", uint32(mut))
	}
	return ""
}

// Save writes doc to dir/<name>.yaml atomically: a temporary file in the
// same directory is written, synced and renamed, and the directory synced,
// so a crash leaves either the old state or the whole file, never a part.
// It returns the path.
func Save(dir string, doc *scenario.Document) (string, error) {
	body, err := doc.Marshal()
	if err != nil {
		return "", fmt.Errorf("marshalling %s: %w", doc.Metadata.Name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, doc.Metadata.Name+".yaml")
	return path, WriteFileAtomic(path, body)
}

// WriteFileAtomic writes data to path through a synced temporary file and a
// rename.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file private; results are for sharing.
	if err = f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if _, err = f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Replay runs a saved counterexample as it was found: on the model it names,
// with its time limit, checking every property. It reports the violation the
// run produced (nil if none) and whether it is the one recorded.
func Replay(doc *scenario.Document) (*Result, bool, error) {
	ce := doc.Metadata.Counterexample
	opt := Options{KeepTrace: true}
	if ce != nil {
		if ce.Model != "" {
			mut, ok := model.MutationByName(ce.Model)
			if !ok {
				return nil, false, fmt.Errorf("unknown model %q", ce.Model)
			}
			opt.Mutation = mut
		}
		opt.Until = ce.Until.Duration
	}
	res, err := Run(doc, opt)
	if err != nil {
		return nil, false, err
	}
	same := ce != nil && res.Violation != nil && res.Violation.ID == ce.Property
	return res, same, nil
}
