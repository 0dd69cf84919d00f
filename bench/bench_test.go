package bench_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/bench"
)

// TestBenchSmoke runs the bench machinery at a tiny size against the embedded stack and checks
// that its JSON carries every figure with a sane value and an exact read model. It asserts
// nothing about speed: figures come from `handover bench`, not from tests.
func TestBenchSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	profile := filepath.Join(t.TempDir(), "cpu.prof")
	b, err := bench.Start(ctx, bench.Config{CPUProfile: profile})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })

	res, err := b.Measure(ctx, bench.Options{Actions: 5, Concurrency: 2, Escalations: 2})
	require.NoError(t, err)
	raw, err := json.Marshal(res)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	for _, field := range []string{
		"lifecycles_per_second", "bare_engine_lifecycles_per_second", "ratio_to_bare_engine",
		"api_p50_ms", "api_p99_ms", "projection_lag_p99_ms", "escalation_delay_p99_ms",
		// The embedded stack runs in this process, so its CPU time is counted.
		"api_cpu_ms_per_lifecycle", "bare_cpu_ms_per_lifecycle", "cpu_ratio_to_bare_engine",
	} {
		v, ok := got[field].(float64)
		require.True(t, ok, "%s missing from %s", field, raw)
		require.Greater(t, v, 0.0, field)
	}
	require.Equal(t, true, got["projection_exact"], string(raw))
	require.Contains(t, res.Summary(), "CPU per lifecycle: API ", "the text output has the CPU figures too")
	require.Equal(t, 5, res.Actions)
	require.Equal(t, 2, res.Escalations)
	require.LessOrEqual(t, res.APIP50Ms, res.APIP99Ms)
	require.LessOrEqual(t, res.ProjectionLagP50Ms, res.ProjectionLagP99Ms)
	// An escalation cannot show before its deadline; the delay is measured from it.
	require.GreaterOrEqual(t, res.EscalationDelayP50Ms, 0.0)
	// A lifecycle is at least a start and three Updates in the engine's history, of either kind.
	require.GreaterOrEqual(t, res.BareHistoryEvents, 15, string(raw))
	require.GreaterOrEqual(t, res.APIHistoryEvents, 15, string(raw))
	require.Len(t, res.Phases, 4)
	total := map[string]int{}
	for _, p := range res.Phases {
		total[p.Kind] += p.Lifecycles
	}
	require.Equal(t, map[string]int{"api": 5, "bare": 5}, total)
	// Paced: lifecycles start at a fixed rate, so a phase of 4 lasts at least the 3 intervals
	// between their starts, and both kinds still drive every lifecycle to its end.
	paced, err := b.Measure(ctx, bench.Options{Actions: 8, Concurrency: 2, Escalations: 2, Rate: 20})
	require.NoError(t, err)
	require.True(t, paced.ProjectionExact)
	require.Equal(t, 20.0, paced.Rate)
	require.Len(t, paced.Phases, 4)
	for _, p := range paced.Phases {
		require.Equal(t, 4, p.Lifecycles, p.Kind)
		require.GreaterOrEqual(t, p.Seconds, 0.15, "%s phase of 4 at 20/s", p.Kind)
	}
	_, err = b.Measure(ctx, bench.Options{Actions: 8, Concurrency: 2, Rate: -1})
	require.Error(t, err)
	// One CPU profile per measured phase, named by its kind and place.
	for _, name := range []string{"cpu.bare-1.prof", "cpu.api-2.prof", "cpu.api-3.prof", "cpu.bare-4.prof"} {
		st, err := os.Stat(filepath.Join(filepath.Dir(profile), name))
		require.NoError(t, err)
		require.Greater(t, st.Size(), int64(0), name)
	}
}
