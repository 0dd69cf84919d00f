package activities_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/workflows"
)

// counted is a metrics handler that adds up its counters by name and tags, for a test to read.
type counted struct {
	mu     *sync.Mutex
	tags   map[string]string
	counts map[string]int64
}

func newCounted() counted {
	return counted{mu: &sync.Mutex{}, tags: map[string]string{}, counts: map[string]int64{}}
}

func (c counted) WithTags(tags map[string]string) client.MetricsHandler {
	merged := map[string]string{}
	for k, v := range c.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return counted{mu: c.mu, tags: merged, counts: c.counts}
}

func (c counted) Counter(name string) client.MetricsCounter {
	return countedCounter{c: c, key: name + "{kind=" + c.tags["kind"] + "}"}
}
func (c counted) Gauge(string) client.MetricsGauge { return client.MetricsNopHandler.Gauge("") }
func (c counted) Timer(string) client.MetricsTimer { return client.MetricsNopHandler.Timer("") }

func (c counted) count(key string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}

type countedCounter struct {
	c   counted
	key string
}

func (cc countedCounter) Inc(n int64) {
	cc.c.mu.Lock()
	defer cc.c.mu.Unlock()
	cc.c.counts[cc.key] += n
}

// A shift's leftover, whose delivery is tried once and kept rather than retried, counts as given
// up when it fails (handover_webhooks_undelivered, kind shift_left_over), as the deliveries the
// workflows give up on do: an operator alerting on that counter hears that the integration missed
// it. One delivered counts nothing.
func TestShiftLeftoverNotDeliveredIsCounted(t *testing.T) {
	store := frontDesk(t, aliceOffCarolOn()...)
	ctx := context.Background()
	require.NoError(t, store.ApplyProjection(ctx, aliceOwns("a", "Airport taxi", "assigned", time.Now().UTC(), 3), nil))
	hook := &receiver{status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	bob := workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: deskTeam, OnShift: true, Active: true}
	left := func(shift string) workflows.ShiftLeftovers {
		return workflows.ShiftLeftovers{ShiftID: shift, FromID: "alice", StartedBy: "alice", Items: []workflows.ShiftItem{
			{ActionID: "a", To: bob, Status: workflows.ShiftItemDeclined, Reason: "too busy"},
		}}
	}
	metrics := newCounted()
	var suite testsuite.WorkflowTestSuite
	suite.SetMetricsHandler(metrics)
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	key := workflows.MetricWebhooksUndelivered + "{kind=" + workflows.NotifyShiftLeftOver + "}"

	_, err := env.ExecuteActivity(acts.NotifyShiftLeftovers, left("s1"))
	require.NoError(t, err, "a receiver that is down fails nothing")
	require.Equal(t, int64(1), metrics.count(key))

	hook.answer(http.StatusOK)
	_, err = env.ExecuteActivity(acts.NotifyShiftLeftovers, left("s2"))
	require.NoError(t, err)
	require.Equal(t, int64(1), metrics.count(key), "delivered: nothing more counted")
	require.Len(t, hook.received(), 1)
}
