package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Saying no worker runs takes two looks a whole check apart; once it says so, it looks again
// within noneRecheck, so that a worker back is told soon.
func TestWorkerWatchLooksSoonerOnceItSaysNone(t *testing.T) {
	w := newWorkerWatch(nil, 0)
	require.Equal(t, DefaultWorkerCheck, w.wait(), "none seen yet")
	w.noneSeen = 1
	require.Equal(t, DefaultWorkerCheck, w.wait(), "one look found none: the second waits a whole check")
	w.noneSeen = 2
	require.Equal(t, noneRecheck, w.wait(), "saying none, it looks again soon")
	quick := newWorkerWatch(nil, 100*time.Millisecond)
	quick.noneSeen = 3
	require.Equal(t, 100*time.Millisecond, quick.wait(), "never later than its own check")
}
