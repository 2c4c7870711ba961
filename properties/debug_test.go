package properties_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/trace"
)

func TestDebugScenario(t *testing.T) {
	k, err := strconv.Atoi(os.Getenv("DBG"))
	if err != nil {
		t.Skip()
	}
	walkMode := os.Getenv("DBGWALK") != ""
	var r *rand.Rand
	if walkMode {
		r = rand.New(rand.NewPCG(99, uint64(envInt("PROPERTIES_SEED", 3))))
	} else {
		r = rand.New(rand.NewPCG(20260101, uint64(envInt("PROPERTIES_SEED", 7))))
	}
	for j := 0; j < k; j++ {
		doc := randomDoc(r, j)
		if walkMode {
			walk(t, doc.Model(), r, 1500)
		}
	}
	doc := randomDoc(r, k)
	fmt.Println(describe(doc))
	var acts []model.Action
	var end time.Duration
	var complete bool
	if walkMode {
		acts, end, complete = walk(t, doc.Model(), r, 1500)
	} else {
		acts, end, complete = run(t, doc.Model(), 20*time.Minute)
	}
	for i, a := range acts {
		if a.Kind == model.ActStatus {
			fmt.Print(excerpt(acts[i:i+1], 0))
			continue
		}
		fmt.Printf("[%d] %s\n", i, trace.Describe(a))
	}
	fmt.Println("complete", complete, end)
	for _, v := range properties.Check(ctxOf(doc.Model()), acts, end, complete) {
		fmt.Println(v.Error())
	}
}
