package main

import (
	"bytes"
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/internal/ociimage"
)

func main() {
	ref := flag.String("ref", "", "the image's name, registry/repository:tag")
	out := flag.String("out", "", "the archive to write")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: podconform-image --ref REF --out FILE BINARY")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *ref == "" || *out == "" || flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := build(*ref, *out, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "podconform-image:", err)
		os.Exit(1)
	}
}

func build(ref, out, binary string) error {
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	if err := static(data); err != nil {
		return fmt.Errorf("%s: %w", binary, err)
	}
	var buf bytes.Buffer
	digest, err := ociimage.Write(&buf, ociimage.Image{
		Ref:          ref,
		Files:        []ociimage.File{{Path: "podconform", Mode: 0o755, Data: data}},
		Dirs:         []string{"tmp"},
		Entrypoint:   []string{"/podconform"},
		Env:          []string{"PATH=/", "TMPDIR=/tmp"},
		Architecture: runtime.GOARCH,
		OS:           "linux",
	})
	if err != nil {
		return err
	}
	if err := check.WriteFileAtomic(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Printf("%s: %s %s\n", out, ref, digest)
	return nil
}

// static checks that data is a Linux ELF executable with no interpreter
// (a static binary: the image has no libc).
func static(data []byte) error {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not an ELF executable: %w", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dynamically linked (build it with CGO_ENABLED=0)")
		}
	}
	return nil
}
