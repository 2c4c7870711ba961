package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// TestRBACManifest: deploy/cluster-rbac.yaml grants the service account
// what the adapter calls (README, "Pointing it at your own cluster"): on
// pods create, get, list, watch and delete; on events list and watch; on
// service accounts get; and get on its namespace. It was checked on the
// local node: a run with that account's token passes, and with the events
// rule removed it fails at once, naming the events it cannot watch.
func TestRBACManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "cluster-rbac.yaml"))
	require.NoError(t, err)
	granted := map[string]bool{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var head struct{ Kind string }
		require.NoError(t, yaml.Unmarshal([]byte(doc), &head))
		if head.Kind != "Role" && head.Kind != "ClusterRole" {
			continue
		}
		var r rbacv1.Role
		require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &r))
		for _, rule := range r.Rules {
			for _, res := range rule.Resources {
				for _, v := range rule.Verbs {
					granted[head.Kind+":"+res+":"+v] = true
				}
			}
		}
	}
	for _, need := range []string{
		"Role:pods:create", "Role:pods:get", "Role:pods:list", "Role:pods:watch", "Role:pods:delete",
		"Role:events:list", "Role:events:watch", "Role:serviceaccounts:get", "ClusterRole:namespaces:get",
	} {
		require.True(t, granted[need], need)
	}
}
