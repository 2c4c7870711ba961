package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podconform/podconform/internal/check"
)

const goFuzzHeader = "go test fuzz v1\n"

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: seedzip OUT.zip FILE...")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "seedzip:", err)
		os.Exit(1)
	}
}

// write writes the seeds of files to out, atomically.
func write(out string, files []string) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		seed, err := input(data)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		w, err := zw.Create(fmt.Sprintf("%03d-%s", i, filepath.Base(file)))
		if err != nil {
			return err
		}
		if _, err := w.Write(seed); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return check.WriteFileAtomic(out, buf.Bytes())
}

// input returns the libFuzzer input that gives a one-argument target data
// (a go test fuzz corpus file's one []byte or string value, decoded).
func input(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte(goFuzzHeader)) {
		v, err := decodeGoFuzz(string(data[len(goFuzzHeader):]))
		if err != nil {
			return nil, err
		}
		data = v
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	return append(out, data...), nil
}

// decodeGoFuzz decodes the one value of a go test fuzz corpus file:
// []byte("...") or string("...").
func decodeGoFuzz(body string) ([]byte, error) {
	body = strings.TrimSpace(body)
	for _, prefix := range []string{"[]byte(", "string("} {
		if lit, ok := strings.CutPrefix(body, prefix); ok && strings.HasSuffix(lit, ")") {
			s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
			if err != nil {
				return nil, fmt.Errorf("go test fuzz value: %w", err)
			}
			return []byte(s), nil
		}
	}
	return nil, fmt.Errorf("go test fuzz value: want one []byte(...) or string(...), got %.40q", body)
}
