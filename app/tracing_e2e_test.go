package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/handover/handover/app"
	"github.com/handover/handover/telemetry"
)

// One trace runs from the HTTP request through the Update into the workflow: the API's span and
// the workflow's spans share a trace ID.
func TestTraceFromRequestIntoWorkflow(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := app.StartDev(ctx, app.DevConfig{
		DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Demo: true, NoTemporalUI: true,
		Telemetry: telemetry.Config{Service: "handover-test", SpanExporter: spans},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Stop(context.Background()) })
	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call("POST", "/api/v1/actions", newAction("alice"), &a))

	var httpTrace string
	names := map[string]string{} // span name -> trace ID
	for _, s := range spans.GetSpans() {
		names[s.Name] = s.SpanContext.TraceID().String()
		if s.Name == "POST /api/v1/actions" || s.Name == "/api/v1/actions" {
			httpTrace = s.SpanContext.TraceID().String()
		}
	}
	require.NotEmpty(t, httpTrace, "no span for the HTTP request among %v", keys(names))
	var inWorkflow []string
	for name, trace := range names {
		if trace == httpTrace && (strings.Contains(name, "Workflow") || strings.Contains(name, "Update")) {
			inWorkflow = append(inWorkflow, name)
		}
	}
	require.NotEmpty(t, inWorkflow, "no workflow span in the request's trace among %v", keys(names))
	t.Logf("spans in the request's trace: %v", inWorkflow)
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
