package app_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

// metricValue reads one sample from the Prometheus text format.
func metricValue(t *testing.T, body, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` ([0-9.e+-]+)$`).FindStringSubmatch(body)
	require.NotNil(t, m, "no series %s", series)
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	return v
}

// scrape reads /metrics, which answers 200 whatever part is down.
func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", raw)
	return string(raw)
}

// /metrics shows HTTP traffic and the domain figures of what the earlier subtests did.
func testMetrics(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))

	body := scrape(t, st.URL)
	require.Contains(t, body, "handover_read_model_up 1")
	require.Contains(t, body, "handover_temporal_up 1")

	require.GreaterOrEqual(t, metricValue(t, body, `handover_http_requests_total{method="POST",route="/api/v1/actions",status="201"}`), 1.0)
	require.GreaterOrEqual(t, metricValue(t, body, `handover_handovers_pending`), 1.0, "the handover just made is pending")
	require.GreaterOrEqual(t, metricValue(t, body, `handover_actions_open{status="handover_pending"}`), 1.0)
	require.GreaterOrEqual(t, metricValue(t, body, `handover_escalations_total{reason="not_checked"}`), 1.0, "the deadlines subtest escalated for want of a check")
	require.GreaterOrEqual(t, metricValue(t, body, `handover_escalations_total{reason="no_action"}`), 1.0, "and up the ladder")
	require.GreaterOrEqual(t, metricValue(t, body, `handover_escalations_total{reason="by_hand"}`), 1.0, "a manager escalated by hand")
	for _, reason := range []string{"not_assigned", "not_accepted", "not_checked", "no_action", "not_done", "by_hand"} {
		// Every kind is served, at 0 before its first escalation.
		require.GreaterOrEqual(t, metricValue(t, body, `handover_escalations_total{reason="`+reason+`"}`), 0.0)
	}
	require.GreaterOrEqual(t, metricValue(t, body, `handover_time_to_accept_seconds_count`), 1.0, "earlier subtests accepted handovers")
	require.GreaterOrEqual(t, metricValue(t, body, `handover_workers{task_queue="handover"}`), 1.0, "the stack's worker polls the action task queue")
	require.Contains(t, body, "handover_actions_overdue ")
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
	require.Eventually(t, func() bool {
		return metricValue(t, scrape(t, st.URL), `handover_actions_paused`) >= 1
	}, 10*time.Second, 50*time.Millisecond, "the action just paused is counted")
	require.GreaterOrEqual(t, metricValue(t, scrape(t, st.URL), `handover_actions_paused_longest_seconds`), 0.0)
	require.Regexp(t, `(?m)^temporal_request_total\{`, body, "the Temporal SDK's own metrics are served too")
	require.Regexp(t, `(?m)^temporal_local_activity_total\{`, body, "projections run as local activities")
}
