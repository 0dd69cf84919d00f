package api

import (
	"errors"
	"strings"
	"time"
)

// parseTime reads an RFC 3339 time as RFC 3339 (section 5.6) defines it: Go's time.Parse takes
// offsets up to +24:59 (and a minute of 60), reading "+24:00" as a day earlier, and refuses the
// lower-case "t" and "z" the RFC allows.
func parseTime(v string) (time.Time, error) {
	v = strings.ToUpper(v) // the only letters of the form are T and Z
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, err
	}
	if !strings.HasSuffix(v, "Z") {
		offset := v[len(v)-5:] // hh:mm of a ±hh:mm offset, which time.Parse has checked for
		if offset[:2] > "23" || offset[3:] > "59" {
			return time.Time{}, errors.New("the offset must be at most ±23:59")
		}
	}
	// A time this product can hold and answer with: JSON has no year past 9999 (nor before 1,
	// where a report's default window would reach from one in the year 1), and nothing here
	// happened before 1970.
	if y := t.UTC().Year(); y < 1970 || y > 9999 {
		return time.Time{}, errors.New("the time must be from 1970 to 9999")
	}
	return t, nil
}
