package runner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// TestOnProfileIgnoresNames: with --profile, a corpus scenario that sets
// the same values under another name (a counterexample saved with the
// local node's profile file, re-run with the node's kubelet configuration)
// runs; one with other values is skipped; one with none takes the run's.
func TestOnProfileIgnoresNames(t *testing.T) {
	minute := &metav1.Duration{Duration: time.Minute}
	run := model.Profile{Name: scenario.KubeletConfigProfileName, BackoffMax: minute}
	docs := []*scenario.Document{
		{Metadata: scenario.Metadata{Name: "none"}},
		{Metadata: scenario.Metadata{Name: "same"}, Scenario: model.Scenario{Profile: model.Profile{Name: "podconform-localnode", BackoffMax: minute}}},
		{Metadata: scenario.Metadata{Name: "other"}, Scenario: model.Scenario{Profile: model.Profile{Name: scenario.KubeletConfigProfileName}}},
	}
	kept, files, skipped := onProfile(docs, []string{"none.yaml", "same.yaml", "other.yaml"}, run)
	require.Equal(t, []string{"none.yaml", "same.yaml"}, files)
	require.Equal(t, []string{"other.yaml"}, skipped)
	require.Equal(t, run, kept[0].Profile)
	require.Equal(t, "podconform-localnode", kept[1].Profile.Name, "a kept scenario keeps its own profile")
}
