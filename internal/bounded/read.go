package bounded

import (
	"fmt"
	"io"
	"os"
)

// Limits for the files podconform reads.
const (
	// ScenarioBytes bounds a scenario file (the largest pod the API server
	// accepts is far smaller).
	ScenarioBytes = 8 << 20
	// ResultBytes bounds a file a run wrote (summary.json, a trace, a
	// self-test score). A trace within a run's budget is under 64 MiB.
	ResultBytes = 256 << 20
)

// ReadFile reads path whole if it holds at most max bytes; a longer file
// is an error naming it and what it was read as ("a scenario file").
func ReadFile(path string, max int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError names the path
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d MiB, the most %s may be", path, max>>20, what)
	}
	return data, nil
}
