package properties_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// TestDeleteAtTheCut: a trace cut at its time limit need not show the
// world's delete of that very instant; a complete trace, or a delete
// before the cut, must.
func TestDeleteAtTheCut(t *testing.T) {
	s := &model.Scenario{}
	s.Pod.Name = "p"
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	p, ok := properties.ByID("delete-requests-honoured")
	require.True(t, ok)
	acts := []model.Action{{At: 0, Kind: model.ActContainerStarted, Container: "app"}}
	check := func(at, end time.Duration, complete bool) []properties.Violation {
		s.Events = []model.Event{{At: metav1.Duration{Duration: at}, Type: model.EventDelete}}
		return properties.CheckProps(ctxOf(s), []properties.Property{p}, acts, end, complete)
	}
	require.Empty(t, check(30*time.Second, 30*time.Second, false), "cut in the delete's instant")
	require.Len(t, check(29*time.Second, 30*time.Second, false), 1, "a delete before the cut must be seen")
	require.Len(t, check(30*time.Second, 30*time.Second, true), 1, "a complete trace must show it")
}
