package reports

import v1 "k8s.io/api/core/v1"

func statusOf(phase string) *v1.PodStatus { return &v1.PodStatus{Phase: v1.PodPhase(phase)} }
