package telemetry_test

import (
	"context"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/telemetry"
)

// The SDK's counters reach Prometheus as counters (with `_total`), its gauges as gauges and its
// timers as histograms, each with the tags given.
func TestSDKMetricTypes(t *testing.T) {
	tel, err := telemetry.New(context.Background(), telemetry.Config{Service: "test"})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	opts, err := tel.ClientOptions(client.Options{})
	require.NoError(t, err)

	h := opts.MetricsHandler.WithTags(map[string]string{"kind": "handover_accepted"})
	h.Counter("handover_webhooks_undelivered").Inc(2)
	h.Counter("handover_webhooks_undelivered").Inc(1)
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_request_latency").Record(1500000) // 1.5 ms

	families, err := tel.Registry.Gather()
	require.NoError(t, err)
	byName := map[string]*dto.MetricFamily{}
	for _, f := range families {
		byName[f.GetName()] = f
	}

	counter := byName["handover_webhooks_undelivered_total"]
	require.NotNil(t, counter, "the counter is served with _total")
	require.Equal(t, dto.MetricType_COUNTER, counter.GetType())
	require.Len(t, counter.GetMetric(), 1)
	require.Equal(t, 3.0, counter.GetMetric()[0].GetCounter().GetValue())
	require.Contains(t, counter.GetMetric()[0].GetLabel(), &dto.LabelPair{Name: ptr("kind"), Value: ptr("handover_accepted")})
	require.NotContains(t, byName, "handover_webhooks_undelivered", "and not as a gauge")

	require.Equal(t, dto.MetricType_GAUGE, byName["temporal_num_pollers"].GetType())
	require.Equal(t, 3.0, byName["temporal_num_pollers"].GetMetric()[0].GetGauge().GetValue())
	require.Equal(t, dto.MetricType_HISTOGRAM, byName["temporal_request_latency_seconds"].GetType())
	require.Equal(t, uint64(1), byName["temporal_request_latency_seconds"].GetMetric()[0].GetHistogram().GetSampleCount())
}

func ptr(s string) *string { return &s }
