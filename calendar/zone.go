package calendar

import (
	"encoding/binary"
	"fmt"
	"time"
)

// zoneStep is how far apart the zone is sampled for offset changes; no zone changes its offset
// twice within it.
const zoneStep = 6 * time.Hour

// Snapshot returns the calendar with the rules of its time zone from shortly before from until
// both span and span of its open time have passed captured in it (Zone), so that its maths never
// consults a time zone database again: a workflow replayed on a machine whose database differs
// computes the same deadlines. Deadlines count open time, which a week has far less of than 168
// hours (a year of it on a Mon-Fri 08:00-18:00 desk takes three years and four months), so span
// of plain time alone would end before the deadlines it is meant to cover. Past the captured
// rules the last offset holds. The snapshot counts with CurrentMaths (Maths): the maths of an
// action's deadlines is fixed when it starts, as its zone's rules are.
func (c Calendar) Snapshot(from time.Time, span time.Duration) (Calendar, error) {
	out := c.Normalized()
	out.Zone = nil
	out.Maths = CurrentMaths
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return Calendar{}, fmt.Errorf("loading time zone %q: %w", c.TimeZone, err)
	}
	until := from.Add(span)
	if k, err := out.Compile(); err == nil {
		if open := k.openSpanBound(from, span); open.After(until) {
			until = open
		}
	}
	out.Zone = captureZone(loc, from.Add(-48*time.Hour), until)
	return out, nil
}

// openSpanBound is an instant by which span of the clock's open time has surely passed since
// from, found without walking the days (a walk of the years it can take cost milliseconds per
// created action): the whole weeks that hold span and every open minute its holidays could take
// from them, and two more for the hour a DST change can take and the part week at each end. It is
// at most as far as a deadline's walk goes (maxDays).
func (k *Clock) openSpanBound(from time.Time, span time.Duration) time.Time {
	var week, longestDay time.Duration
	for _, spans := range k.week {
		var day time.Duration
		for _, s := range spans {
			day += time.Duration(s.close-s.open) * time.Minute
		}
		week, longestDay = week+day, max(longestDay, day)
	}
	limit := from.AddDate(0, 0, maxDays)
	if week <= 0 {
		return limit
	}
	need := span + time.Duration(len(k.holidays))*longestDay
	weeks := int(need/week) + 3
	if weeks >= maxDays/7 {
		return limit
	}
	return from.AddDate(0, 0, 7*weeks)
}

// captureZone encodes the offsets loc has between from and until as TZif (version 2) data, the
// form time.LoadLocationFromTZData reads.
func captureZone(loc *time.Location, from, until time.Time) []byte {
	type kind struct {
		name   string
		offset int
	}
	var (
		kinds []kind
		chars []byte
		names []byte // each kind's index into chars
		at    []int64
		index []byte
	)
	kindOf := func(k kind) byte {
		for i, known := range kinds {
			if known == k {
				return byte(i)
			}
		}
		kinds = append(kinds, k)
		names = append(names, byte(len(chars)))
		chars = append(append(chars, k.name...), 0)
		return byte(len(kinds) - 1)
	}
	zoneAt := func(sec int64) kind {
		name, offset := time.Unix(sec, 0).In(loc).Zone()
		return kind{name, offset}
	}
	start := from.Unix()
	prev := zoneAt(start)
	kindOf(prev)
	for t := start; t < until.Unix() && len(kinds) < 255; t += int64(zoneStep / time.Second) {
		next := zoneAt(t + int64(zoneStep/time.Second))
		if next == prev {
			continue
		}
		// The first second of the new offset lies in (t, t+step]: halve until found.
		lo, hi := t, t+int64(zoneStep/time.Second)
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if zoneAt(mid) == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		next = zoneAt(hi)
		at = append(at, hi)
		index = append(index, kindOf(next))
		prev = next
	}

	header := func(times, types, nchars int) []byte {
		h := append([]byte("TZif2"), make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, times, types, nchars} {
			h = binary.BigEndian.AppendUint32(h, uint32(n))
		}
		return h
	}
	// An empty version-1 block, then the 64-bit block readers use.
	data := header(0, 0, 0)
	data = append(data, header(len(at), len(kinds), len(chars))...)
	for _, sec := range at {
		data = binary.BigEndian.AppendUint64(data, uint64(sec))
	}
	data = append(data, index...)
	for i, k := range kinds {
		data = binary.BigEndian.AppendUint32(data, uint32(int32(k.offset)))
		data = append(data, 0, names[i])
	}
	return append(data, chars...)
}
