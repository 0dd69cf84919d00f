package api

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/handover/handover/workflows"
)

// workerSeen is how recently a worker must have polled to count: a poll is held open for up to
// about 70 s, so a live worker polls again within that.
const workerSeen = 90 * time.Second

// liveWorkers counts the workers that polled the action task queue for workflow tasks within
// workerSeen, as Temporal saw them.
func liveWorkers(ctx context.Context, tc client.Client) (int, error) {
	// The enhanced description gathers the pollers of every partition of the queue. The plain one
	// describes the root partition alone, which a worker polling only the others (one killed soon
	// after it started, say) never reached: the count then left that worker out.
	desc, err := tc.DescribeTaskQueueEnhanced(ctx, client.DescribeTaskQueueEnhancedOptions{
		TaskQueue:      workflows.TaskQueue,
		TaskQueueTypes: []client.TaskQueueType{client.TaskQueueTypeWorkflow},
		ReportPollers:  true,
	})
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, version := range desc.VersionsInfo {
		for _, p := range version.TypesInfo[client.TaskQueueTypeWorkflow].Pollers {
			if time.Since(p.LastAccessTime) <= workerSeen {
				seen[p.Identity] = true
			}
		}
	}
	return len(seen), nil
}

// DefaultWorkerCheck is how often the pages look up whether any worker is running.
const DefaultWorkerCheck = 15 * time.Second

// workerWatch tells the pages when no worker takes the actions' work: every change people send
// then waits (a form answers "Not confirmed" after the command timeout), and so do due times and
// escalations. It looks at most every `every`, in the background, so that no page waits on it,
// and says so only after two looks in a row found none: a process starting its worker beside the
// API is not reported in the moment before its first poll. A look Temporal does not answer leaves
// what it knew (the engine's own outage is answered on each command).
type workerWatch struct {
	temporal client.Client
	every    time.Duration

	mu       sync.Mutex
	looked   time.Time
	looking  bool
	noneSeen int // looks in a row that found no worker
}

func newWorkerWatch(tc client.Client, every time.Duration) *workerWatch {
	if every <= 0 {
		every = DefaultWorkerCheck
	}
	return &workerWatch{temporal: tc, every: every}
}

// noneRecheck is how soon the watch looks again once it says no worker runs: a worker that is
// back (restarted, or polling again after Temporal restarted) is told within it, not a whole
// check later (the pages and /readyz went on saying none for 15 s after Temporal was back).
// Saying none still takes two looks a whole check apart.
const noneRecheck = 2 * time.Second

// wait is how long after a look the next is made.
func (w *workerWatch) wait() time.Duration {
	if w.noneSeen >= 2 {
		return min(w.every, noneRecheck)
	}
	return w.every
}

// none says whether the last two looks found no worker, starting another look when it is time.
func (w *workerWatch) none() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.looking && time.Since(w.looked) >= w.wait() {
		w.looking = true
		go w.look()
	}
	return w.noneSeen >= 2
}

func (w *workerWatch) look() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := liveWorkers(ctx, w.temporal)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.looking, w.looked = false, time.Now()
	switch {
	case err != nil:
	case n == 0:
		w.noneSeen++
	default:
		w.noneSeen = 0
	}
}
