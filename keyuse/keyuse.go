// Package keyuse finds which encryption keys the workflow histories Temporal keeps still need: a
// key can leave HANDOVER_ENCRYPTION_OLD_KEYS once no open run holds a payload it encrypted (the
// worker replays open runs' histories) and the closed runs that do are past the namespace's
// retention, and once no customer's data key is wrapped by it (rewrap-keys moves those).
package keyuse

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/handover/handover/codec"
)

// Named is how many open runs a Key names: enough to look one up, not a listing.
const Named = 10

// Key is what the histories still hold under one key.
type Key struct {
	ID string `json:"id"`
	// OpenRuns counts the open workflow runs whose history holds a payload under the key, and
	// Open names the first Named of them by workflow ID.
	OpenRuns int      `json:"open_runs"`
	Open     []string `json:"open,omitempty"`
	// ClosedRuns counts the closed runs (kept for the namespace's retention) that hold one, and
	// LastClosed is when the last of them closed.
	ClosedRuns int       `json:"closed_runs"`
	LastClosed time.Time `json:"last_closed,omitzero"`
}

// Usage is what a scan found.
type Usage struct {
	// Runs counts the workflow runs read, Open those of them still open.
	Runs int `json:"runs"`
	Open int `json:"open"`
	// Retention is how long the namespace keeps a closed run's history.
	Retention time.Duration `json:"retention"`
	// Keys are the keys the histories hold payloads under, the most used first.
	Keys []Key `json:"keys"`
}

// Key answers the key of that ID as the scan found it (zero counts when no history needs it).
func (u Usage) Key(id string) Key {
	if i := slices.IndexFunc(u.Keys, func(k Key) bool { return k.ID == id }); i >= 0 {
		return u.Keys[i]
	}
	return Key{ID: id}
}

// Scan reads the history of every workflow run the namespace keeps, open and closed, and counts
// the runs that hold payloads (inputs, Update arguments and results, memos, failures) under each
// key. It reads every history, as a reprojection does.
func Scan(ctx context.Context, c client.Client, namespace string) (Usage, error) {
	var u Usage
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return u, fmt.Errorf("describing namespace %s: %w", namespace, err)
	}
	u.Retention = ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
	keys := map[string]*Key{}
	var token []byte
	for {
		page, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, NextPageToken: token, PageSize: 500})
		if err != nil {
			return u, fmt.Errorf("listing workflows: %w", err)
		}
		for _, ex := range page.GetExecutions() {
			wid, rid := ex.GetExecution().GetWorkflowId(), ex.GetExecution().GetRunId()
			found := map[string]bool{}
			it := c.GetWorkflowHistory(ctx, wid, rid, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			gone := false
			for it.HasNext() {
				e, err := it.Next()
				var notFound *serviceerror.NotFound
				if errors.As(err, &notFound) {
					gone = true // deleted since it was listed (its retention ended): it needs no key
					break
				}
				if err != nil {
					return u, fmt.Errorf("reading history of %s run %s: %w", wid, rid, err)
				}
				keysIn(e.ProtoReflect(), found)
			}
			if gone {
				continue
			}
			// Open until it closes (running, or paused): a closed run has its close time.
			open := ex.GetCloseTime() == nil
			u.Runs++
			if open {
				u.Open++
			}
			for id := range found {
				k := keys[id]
				if k == nil {
					k = &Key{ID: id}
					keys[id] = k
				}
				if !open {
					k.ClosedRuns++
					if at := ex.GetCloseTime().AsTime(); at.After(k.LastClosed) {
						k.LastClosed = at
					}
					continue
				}
				k.OpenRuns++
				if len(k.Open) < Named {
					k.Open = append(k.Open, wid)
				}
			}
		}
		token = page.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	for _, k := range keys {
		slices.Sort(k.Open)
		u.Keys = append(u.Keys, *k)
	}
	slices.SortFunc(u.Keys, func(a, b Key) int {
		return cmp.Or(cmp.Compare(b.OpenRuns, a.OpenRuns), cmp.Compare(b.ClosedRuns, a.ClosedRuns), cmp.Compare(a.ID, b.ID))
	})
	return u, nil
}

// payloadName is the protobuf name of a Temporal payload, wherever a history event holds one.
const payloadName = protoreflect.FullName("temporal.api.common.v1.Payload")

// keysIn adds to found the key of every encrypted payload m holds, at any depth.
func keysIn(m protoreflect.Message, found map[string]bool) {
	if m.Descriptor().FullName() == payloadName {
		if p, ok := m.Interface().(*commonpb.Payload); ok {
			if id := p.GetMetadata()[codec.MetadataKeyID]; len(id) > 0 {
				found[string(id)] = true
			}
		}
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					keysIn(mv.Message(), found)
					return true
				})
			}
		case fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind:
		case fd.IsList():
			for i := range v.List().Len() {
				keysIn(v.List().Get(i).Message(), found)
			}
		default:
			keysIn(v.Message(), found)
		}
		return true
	})
}
