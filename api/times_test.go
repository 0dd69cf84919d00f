package api

import (
	"testing"
	"time"
)

func TestParseTimeIsRFC3339(t *testing.T) {
	good := map[string]time.Time{
		"2026-12-07T10:00:00Z":             time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
		"2026-12-07t10:00:00z":             time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
		"2026-12-07T10:00:00+05:30":        time.Date(2026, 12, 7, 4, 30, 0, 0, time.UTC),
		"2026-12-07T10:00:00-23:59":        time.Date(2026, 12, 8, 9, 59, 0, 0, time.UTC),
		"2026-12-07T10:00:00.123456+12:45": time.Date(2026, 12, 6, 21, 15, 0, 123456000, time.UTC),
		"2026-12-07T10:00:00-00:00":        time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
	}
	for in, want := range good {
		got, err := parseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{
		"2026-12-07T10:00:00+24:00", "2026-12-07T10:00:00+23:60", "2026-12-07T10:00:00-24:59",
		"2026-12-07T10:00:00+25:00", "2026-12-07 10:00:00Z", "2026-12-07", "2026-12-07T10:00:00",
		"2026-02-29T10:00:00Z", "", "Z",
	} {
		if got, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", in, got)
		}
	}
}
