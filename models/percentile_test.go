package models

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Percentiles interpolate between the two nearest values (PERCENTILE.INC): the median of two times
// held is their midpoint, not the lower one.
func TestPercentileInterpolates(t *testing.T) {
	t.Parallel()
	require.InDelta(t, 227.0, percentile([]float64{94, 360}, 0.5), 1e-9)
	require.InDelta(t, 333.4, percentile([]float64{94, 360}, 0.9), 1e-9)
	require.InDelta(t, 7.0, percentile([]float64{7}, 0.5), 1e-9)
	require.InDelta(t, 2.0, percentile([]float64{1, 2, 3}, 0.5), 1e-9)
	require.InDelta(t, 3.7, percentile([]float64{1, 2, 3, 4}, 0.9), 1e-9)
	require.InDelta(t, 4.0, percentile([]float64{1, 2, 3, 4}, 1), 1e-9)
	require.InDelta(t, 1.0, percentile([]float64{1, 2, 3, 4}, 0), 1e-9)
}

// A percentile is to the millisecond: the interpolation's float noise (0.19000000000000003) and
// the microseconds of the times it is of are not a figure a manager reads (nor are they in the
// totals of time held, which a one-action median equals: TestReportE2E).
func TestPercentileIsToTheMillisecond(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0.19, percentile([]float64{0.1, 0.2}, 0.9))
	require.Equal(t, 2.979, percentile([]float64{2.4105, 3.042134}, 0.9))
	require.Equal(t, 1.235, percentile([]float64{1.234567}, 0.5))
}
