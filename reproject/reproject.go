// Package reproject rebuilds the read model from the workflows: every action workflow run that
// Temporal still keeps (open and closed, each run of a continue-as-new chain) is replayed from its
// history, and the projections the workflow made along the way (its state and every timeline event)
// are written again. Writing is idempotent, so it can run over a live read model, a partial one or
// an empty one.
package reproject

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Result counts what a rebuild wrote, and names the runs it could not replay.
type Result struct {
	Runs    int       `json:"runs"`
	Actions int       `json:"actions"`
	Events  int       `json:"events"`
	Failed  []Failure `json:"failed,omitempty"`
}

// Failure is a workflow run whose history could not be read or replayed (encrypted with a key the
// process does not have, say): the rebuild goes on without it.
type Failure struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Error      string `json:"error"`
}

// Run replays every action workflow run in the client's namespace and writes its projections to
// the store. A run that cannot be replayed does not stop the others: they are all written, and
// the error that ends the call then names how many failed and the first of them.
func Run(ctx context.Context, c client.Client, namespace string, keys *codec.Keyring, store *models.Store, log *slog.Logger) (Result, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var res Result
	capture := &captured{}
	replayer, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{
		DataConverter: keys.DataConverter(), FailureConverter: keys.FailureConverter(),
		Interceptors: []interceptor.WorkerInterceptor{capture},
	})
	if err != nil {
		return res, err
	}
	replayer.RegisterWorkflowWithOptions(workflows.ActionWorkflow, workflow.RegisterOptions{Name: workflows.ActionWorkflowName})
	logger := sdklog.NewStructuredLogger(log.With("component", "reproject"))

	type action struct {
		state    workflows.State
		revision *int
		events   map[int64]workflows.Event
	}
	byID := map[string]*action{}
	var token []byte
	for {
		page, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: fmt.Sprintf("WorkflowType = '%s'", workflows.ActionWorkflowName),
			NextPageToken: token, PageSize: 500,
		})
		if err != nil {
			return res, fmt.Errorf("listing action workflows: %w", err)
		}
		for _, ex := range page.GetExecutions() {
			wid, rid := ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId()
			if !strings.HasPrefix(wid, workflows.ActionWorkflowIDPrefix) {
				continue
			}
			history, err := fetch(ctx, c, wid, rid)
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			capture.batches = nil
			if err == nil {
				err = replayer.ReplayWorkflowHistory(logger, history)
			}
			if err != nil {
				log.Warn("workflow run not replayed: going on without it", "workflow_id", wid, "run_id", rid, "error", err)
				res.Failed = append(res.Failed, Failure{WorkflowID: wid, RunID: rid, Error: err.Error()})
				continue
			}
			res.Runs++
			for _, b := range capture.batches {
				a := byID[b.State.ID]
				if a == nil {
					a = &action{events: map[int64]workflows.Event{}}
					byID[b.State.ID] = a
				}
				if b.State.Version >= a.state.Version {
					a.state = b.State
				}
				if b.Revision != nil {
					a.revision = b.Revision
				}
				for _, e := range b.Events {
					a.events[e.Seq] = e
				}
			}
		}
		token = page.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	acts := &activities.Activities{Store: store}
	for _, a := range byID {
		p := workflows.Projection{State: a.state, Revision: a.revision}
		for _, e := range a.events {
			p.Events = append(p.Events, e)
		}
		sort.Slice(p.Events, func(i, j int) bool { return p.Events[i].Seq < p.Events[j].Seq })
		if _, err := acts.ProjectAction(ctx, p); err != nil {
			return res, fmt.Errorf("writing action %s: %w", a.state.ID, err)
		}
		res.Actions++
		res.Events += len(p.Events)
	}
	log.Info("read model rebuilt from the workflows", "runs", res.Runs, "actions", res.Actions, "events", res.Events, "failed", len(res.Failed))
	if n := len(res.Failed); n > 0 {
		f := res.Failed[0]
		return res, fmt.Errorf("%d workflow run(s) could not be replayed and were left out (the others were written); the first, %s run %s: %s", n, f.WorkflowID, f.RunID, f.Error)
	}
	return res, nil
}

func fetch(ctx context.Context, c client.Client, wid, rid string) (*historypb.History, error) {
	it := c.GetWorkflowHistory(ctx, wid, rid, false, 0)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("reading history of %s run %s: %w", wid, rid, err)
		}
		h.Events = append(h.Events, e)
	}
	return h, nil
}

// captured records the projections a replayed workflow asks for.
type captured struct {
	interceptor.WorkerInterceptorBase
	batches []workflows.Projection
}

func (c *captured) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &inbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, c: c}
}

type inbound struct {
	interceptor.WorkflowInboundInterceptorBase
	c *captured
}

func (i *inbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&outboundCapture{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, c: i.c})
}

type outboundCapture struct {
	interceptor.WorkflowOutboundInterceptorBase
	c *captured
}

func (o *outboundCapture) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	if activityType == workflows.ProjectActivityName && len(args) == 1 {
		if p, ok := args[0].(workflows.Projection); ok {
			o.c.batches = append(o.c.batches, p)
		}
	}
	return o.Next.ExecuteLocalActivity(ctx, activityType, args...)
}

// aheadWindow is how long before the read model's latest write Ahead looks: a workflow task
// takes milliseconds, so one that never took effect wrote within moments of the process's end.
const aheadWindow = 2 * time.Minute

// aheadLimit bounds the workflows Ahead asks, newest first.
const aheadLimit = 500

// Ahead puts back the actions whose read model is ahead of their workflow. The projection writes
// from inside the workflow task of a change, before Temporal records the task: a process that
// stops at once in between (kill -9, a power cut, the embedded Temporal with it) leaves the read
// model showing a change the workflow never made (an action completed that is open, a handover
// never asked), until the workflow's next change. At the start of a worker, the actions written
// within aheadWindow before the latest write are compared with their workflows (a query answers
// once a task in flight has been recorded or thrown away), and one whose read model holds a later
// version is written back to its workflow's state (models.Store.RollBack). It answers how many.
func Ahead(ctx context.Context, c client.Client, store *models.Store, log *slog.Logger) (int, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	recent, err := store.LatestWritten(ctx, aheadWindow, aheadLimit)
	if err != nil {
		return 0, err
	}
	rolled := 0
	for _, a := range recent {
		v, err := c.QueryWorkflow(ctx, workflows.ActionWorkflowID(a.ID), "", workflows.QueryState)
		var missing *serviceerror.NotFound
		switch {
		case errors.As(err, &missing):
			continue // gone from Temporal (its retention has passed): nothing to compare
		case ctx.Err() != nil:
			return rolled, ctx.Err()
		case err != nil:
			// A worker that cannot replay the workflow's history answers that its query is
			// unknown: most often one without the encryption key the history was written with.
			log.WarnContext(ctx, "an action's workflow could not be asked whether its read model is ahead of it (a worker that cannot read its history, without the encryption key it was written with say, answers that the query is unknown)",
				"action_id", a.ID, "error", err)
			continue
		}
		var st workflows.State
		if err := v.Get(&st); err != nil {
			log.WarnContext(ctx, "an action's workflow state could not be read", "action_id", a.ID, "error", err)
			continue
		}
		if st.Version >= a.Version {
			continue
		}
		tasks := make([]models.Task, 0, len(st.Messages))
		for _, m := range st.Messages {
			tasks = append(tasks, models.Task{Seq: m.Seq, Kind: models.KindTellCustomer, TriedSeq: m.TriedSeq})
		}
		done, err := store.RollBack(ctx, activities.ActionRow(st), tasks)
		if err != nil {
			return rolled, err
		}
		if done {
			rolled++
			log.WarnContext(ctx, "the read model showed a change its workflow never made (a process stopped before Temporal recorded it): put back to the workflow's state",
				"action_id", a.ID, "read_model_version", a.Version, "workflow_version", st.Version)
		}
	}
	return rolled, nil
}
