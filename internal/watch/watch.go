package watch

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/podconform/podconform/model"
)

// Row is one line of `kubectl get pod -w`.
type Row struct {
	At time.Duration
	model.KubectlRow
	Age string
}

// Rows replays trace over pod (the scenario's manifest) and returns a row
// for the first status and for every status after which one of the visible
// columns changed, as kubectl would print it. A delete sets the pod's
// deletion timestamp, so later rows say Terminating; rows stop when the API
// object is removed. If all is set, every status update gives a row even
// when no column changed (kubectl prints each watch event).
func Rows(pod *v1.Pod, epoch time.Time, trace []model.Action, all bool) []Row {
	p := pod.DeepCopy()
	var rows []Row
	var last model.KubectlRow
	var status *v1.PodStatus
	emit := func(at time.Duration) {
		if status == nil {
			return
		}
		r := model.Kubectl(p, status, epoch.Add(at))
		if !all && len(rows) > 0 && r == last {
			return
		}
		last = r
		rows = append(rows, Row{At: at, KubectlRow: r, Age: duration.HumanDuration(at)})
	}
	for i := range trace {
		a := &trace[i]
		switch a.Kind {
		case model.ActStatus:
			status = a.Status
			emit(a.At)
		case model.ActDeleteRequested:
			MarkDeleted(p, epoch, a)
			emit(a.At)
		case model.ActPodRemoved:
			return rows
		}
	}
	return rows
}

// Write prints rows as kubectl does, with a header and aligned columns.
func Write(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tREADY\tSTATUS\tRESTARTS\tAGE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Ready, r.Status, r.Restarts, r.Age)
	}
	return tw.Flush()
}

// Statuses returns just the STATUS column of rows, for tests and summaries.
func Statuses(rows []Row) string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = r.Status
	}
	return strings.Join(s, " ")
}

// MarkDeleted records delete request a on pod p, as the API server does:
// the first delete sets the deletion timestamp (its time plus its grace),
// every one the grace period. kubectl's columns read both.
func MarkDeleted(p *v1.Pod, epoch time.Time, a *model.Action) {
	if p.DeletionTimestamp == nil {
		ts := metav1.NewTime(epoch.Add(a.At + time.Duration(a.Grace)*time.Second))
		p.DeletionTimestamp = &ts
	}
	g := a.Grace
	p.DeletionGracePeriodSeconds = &g
}
