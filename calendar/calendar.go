// Package calendar is the business-time maths of team calendars: weekly opening hours in an IANA
// time zone, with holidays closed all day. It is pure and deterministic: it reads no clock, and a
// calendar taken with Snapshot carries its zone's rules, so its maths consults no time zone
// database either. Workflows compute deadlines with such snapshots and replay them to the same
// instant on any machine. Only Snapshot, and a calendar without captured rules, load the zone (from
// the machine's database, or the copy embedded in the binary).
package calendar

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	// The time zone database is embedded, so every binary resolves zones the same way even on a
	// machine (or a container image) without one.
	_ "time/tzdata"
)

// Days are the weekday names a calendar's hours use, Sunday first as time.Weekday counts.
var Days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Hours is one opening period of one weekday, in the calendar's local time ("08:00" to "18:00").
// Close may be "24:00" for open until midnight. A day may have several periods.
type Hours struct {
	Day   string `json:"day"`
	Open  string `json:"open"`
	Close string `json:"close"`
}

// Calendar is a team's opening hours: the serialisable form, stored in the read model and
// carried in workflow inputs as it was when an action started.
type Calendar struct {
	TimeZone string   `json:"time_zone"`
	Hours    []Hours  `json:"hours"`
	Holidays []string `json:"holidays"`
	// Zone, when set, holds the rules of TimeZone as captured by Snapshot (TZif data); the maths
	// then uses it instead of the machine's time zone database.
	Zone []byte `json:"zone,omitempty"`
	// Maths is the version of the business-time maths the calendar counts with. Snapshot sets
	// CurrentMaths; a snapshot taken before the field existed has 0 and keeps the maths it was
	// recorded with, so a running action replays its deadlines to the same instants. Only
	// snapshots carry it in their JSON: the calendar API and the stored team calendar have no such
	// field (a stored calendar read for counting, as the report does, counts with CurrentMaths).
	Maths int `json:"maths,omitempty"`
}

// The versions of the maths (Calendar.Maths).
const (
	// Maths0 resolves a wall time that a DST change skips or repeats as time.Date does (back by
	// the gap west of UTC, forward east of it; an overlap's first occurrence west of UTC, its
	// second east of it), and Add past the maxDays walk returns t plus the open time left.
	Maths0 = 0
	// Maths1 resolves a wall time that a DST change skips to the instant of the change (the first
	// instant the clocks show a later time) and one it repeats to its first occurrence, in every
	// zone, and Add past the maxDays walk returns the end of the walk plus the open time left.
	Maths1 = 1
	// Maths2 is Maths1, and Between counts time past the maxDays walk as Add does: the open time
	// of the walk and then the plain time after its end, so that Between(t, Add(t, d)) is d
	// however far off the deadline is (Maths1 counted none of it: an action paused a long way
	// from such a deadline had less of its time left than it did).
	Maths2 = 2
	// CurrentMaths is the version Snapshot gives new snapshots.
	CurrentMaths = Maths2
)

// FieldError names one invalid field of a calendar.
type FieldError struct {
	Field   string
	Message string
}

// Invalid lists what is wrong with a calendar.
type Invalid []FieldError

func (e Invalid) Error() string {
	msgs := make([]string, len(e))
	for i, f := range e {
		msgs[i] = f.Field + ": " + f.Message
	}
	return "invalid calendar: " + strings.Join(msgs, "; ")
}

// MaxHolidays bounds a calendar's holiday list, and with it the work of one deadline.
const MaxHolidays = 1000

// zoneName is the form of an IANA time zone name: parts that begin with a capital letter, such as
// America/Port-au-Prince or Etc/GMT+5. A system's zoneinfo directory holds other files that
// time.LoadLocation reads too: localtime (the machine's own zone, as Local), posixrules, and the
// posix/ and right/ trees (the latter counting leap seconds), which some machines lack; and on a
// case-insensitive file system a name in the wrong case would load there and nowhere else.
var zoneName = regexp.MustCompile(`^[A-Z][A-Za-z0-9_+-]*(/[A-Z][A-Za-z0-9_+-]*)*$`)

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])$`)

// minutes reads "HH:MM" as minutes after midnight; "24:00" is the end of the day.
func minutes(v string) (int, bool) {
	m := clockPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	h, mm := int(m[1][0]-'0')*10+int(m[1][1]-'0'), int(m[2][0]-'0')*10+int(m[2][1]-'0')
	if h == 24 && mm != 0 {
		return 0, false
	}
	return h*60 + mm, true
}

type span struct{ open, close int } // minutes after local midnight, open < close

type civil struct {
	y int
	m time.Month
	d int
}

func (c civil) next() civil { return c.plus(1) }

// plus is the day n days after c.
func (c civil) plus(n int) civil {
	t := time.Date(c.y, c.m, c.d+n, 0, 0, 0, 0, time.UTC)
	return civil{t.Year(), t.Month(), t.Day()}
}

func (c civil) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Weekday()
}

func (c civil) before(o civil) bool {
	return c.y < o.y || (c.y == o.y && (c.m < o.m || (c.m == o.m && c.d < o.d)))
}

// Clock is a validated calendar ready for the maths. Its methods are safe for concurrent use.
type Clock struct {
	loc      *time.Location
	week     [7][]span
	holidays map[civil]bool
	maths    int // Calendar.Maths
}

// Compile validates the calendar and prepares it for the maths. A calendar is valid when its
// time zone is an IANA name, every day is a day name, every period is HH:MM with open before
// close and no two periods of a day overlap, the week has at least one open minute, and every
// holiday is a YYYY-MM-DD date, and its maths is a version this build knows. The error is an
// Invalid listing every problem.
func (c Calendar) Compile() (*Clock, error) {
	var problems Invalid
	k := &Clock{holidays: map[civil]bool{}, maths: c.Maths}
	if c.Maths < Maths0 || c.Maths > CurrentMaths {
		problems = append(problems, FieldError{"maths", fmt.Sprintf("version %d is not one this build knows (%d to %d)", c.Maths, Maths0, CurrentMaths)})
	}
	switch {
	case c.TimeZone == "":
		problems = append(problems, FieldError{"time_zone", "is required: an IANA time zone such as Europe/London"})
	case c.TimeZone == "Local" || strings.HasPrefix(c.TimeZone, "/") || strings.Contains(c.TimeZone, ".."):
		problems = append(problems, FieldError{"time_zone", "must be an IANA time zone such as Europe/London"})
	case len(c.Zone) > 0:
		loc, err := time.LoadLocationFromTZData(c.TimeZone, c.Zone)
		if err != nil {
			problems = append(problems, FieldError{"zone", "is not valid time zone data"})
		}
		k.loc = loc
	case c.TimeZone == "Factory":
		// In the zone database, but a placeholder for "local time not set" (abbreviated -00), not
		// the zone of any place. A snapshot (above) taken with it stays readable.
		problems = append(problems, FieldError{"time_zone", `"Factory" is a placeholder for a time not set, not a place's zone: give the desk's, such as Europe/London`})
	case !zoneName.MatchString(c.TimeZone):
		// A snapshot (above) keeps the name it was taken with; a name loaded from a database must be
		// one every machine's database has, not one of the other files of a zoneinfo directory.
		problems = append(problems, FieldError{"time_zone", fmt.Sprintf("%q is not an IANA time zone such as Europe/London", c.TimeZone)})
	default:
		loc, err := time.LoadLocation(c.TimeZone)
		if err != nil {
			problems = append(problems, FieldError{"time_zone", fmt.Sprintf("%q is not an IANA time zone", c.TimeZone)})
		}
		k.loc = loc
	}
	timeProblems := len(problems) // the week's own problems come after these
	for i, h := range c.Hours {
		field := fmt.Sprintf("hours[%d]", i)
		day := slices.Index(Days, h.Day)
		if day < 0 {
			problems = append(problems, FieldError{field + ".day", "must be one of " + strings.Join(Days, ", ")})
		}
		open, okOpen := minutes(h.Open)
		if !okOpen || open == 24*60 {
			problems = append(problems, FieldError{field + ".open", "must be a time of day HH:MM such as 08:00"})
		}
		closing, okClose := minutes(h.Close)
		if !okClose {
			problems = append(problems, FieldError{field + ".close", "must be a time of day HH:MM such as 18:00 (24:00 for midnight)"})
		}
		if day < 0 || !okOpen || open == 24*60 || !okClose {
			continue
		}
		if open >= closing {
			msg := "must be after open"
			if closing < open {
				// A night desk: each period lies within one day.
				next := Days[(day+1)%len(Days)]
				msg = fmt.Sprintf("must be after open: a period lies within one day, so one past midnight is two, %s %s-24:00 and %s 00:00-%s", h.Day, h.Open, next, h.Close)
			}
			problems = append(problems, FieldError{field + ".close", msg})
			continue
		}
		for _, s := range k.week[day] {
			if open < s.close && s.open < closing {
				problems = append(problems, FieldError{field, "overlaps another period of " + h.Day})
			}
		}
		k.week[day] = append(k.week[day], span{open, closing})
	}
	open := false
	for d := range k.week {
		slices.SortFunc(k.week[d], func(a, b span) int { return a.open - b.open })
		open = open || len(k.week[d]) > 0
	}
	if !open && len(problems) == timeProblems { // a period refused above says what is wrong with it
		problems = append(problems, FieldError{"hours", "the week has no open hours: a calendar must be open some time"})
	}
	if len(c.Holidays) > MaxHolidays {
		problems = append(problems, FieldError{"holidays", fmt.Sprintf("at most %d dates", MaxHolidays)})
	}
	for i, h := range c.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			problems = append(problems, FieldError{fmt.Sprintf("holidays[%d]", i), "must be a date YYYY-MM-DD"})
			continue
		}
		k.holidays[civil{d.Year(), d.Month(), d.Day()}] = true
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return k, nil
}

// Validate reports what is wrong with the calendar, or nil.
func (c Calendar) Validate() error {
	_, err := c.Compile()
	return err
}

// AsInvalid returns the field problems of a Compile or Validate error.
func AsInvalid(err error) (Invalid, bool) {
	var inv Invalid
	ok := errors.As(err, &inv)
	return inv, ok
}

// Normalized is the calendar as it is stored: hours in week order, holidays sorted and unique.
// It must be valid.
func (c Calendar) Normalized() Calendar {
	out := Calendar{TimeZone: c.TimeZone, Hours: slices.Clone(c.Hours), Holidays: slices.Clone(c.Holidays), Zone: slices.Clone(c.Zone), Maths: c.Maths}
	if out.Hours == nil {
		out.Hours = []Hours{}
	}
	if out.Holidays == nil {
		out.Holidays = []string{}
	}
	slices.SortStableFunc(out.Hours, func(a, b Hours) int {
		if d := slices.Index(Days, a.Day) - slices.Index(Days, b.Day); d != 0 {
			return d
		}
		return strings.Compare(a.Open, b.Open)
	})
	slices.Sort(out.Holidays)
	out.Holidays = slices.Compact(out.Holidays)
	return out
}

// Location is the calendar's time zone.
func (k *Clock) Location() *time.Location { return k.loc }

// periods returns the open periods of one local day as instants; none on a holiday. Local times
// that a DST change skips or repeats resolve as the clock's maths says (see at), the same every
// time.
func (k *Clock) periods(c civil) [][2]time.Time {
	if k.holidays[c] {
		return nil
	}
	spans := k.week[c.weekday()]
	out := make([][2]time.Time, 0, len(spans))
	for _, s := range spans {
		open, closing := k.at(c, s.open), k.at(c, s.close)
		if closing.After(open) {
			out = append(out, [2]time.Time{open, closing})
		}
	}
	return out
}

// at is the instant of the local wall time min minutes after midnight on day c (1440 is the
// next day's midnight). With Maths0 it is time.Date's: a wall time in a spring-forward gap
// resolves back by the gap west of UTC and forward east of it, and one in a fall-back overlap to
// its first occurrence west of UTC and its second east of it. With Maths1 (see wall) a skipped
// wall time is the instant of the change and a repeated one its first occurrence, in every zone.
func (k *Clock) at(c civil, min int) time.Time {
	if k.maths == Maths0 {
		return time.Date(c.y, c.m, c.d, 0, min, 0, 0, k.loc)
	}
	return wall(c, min, k.loc)
}

// zoneNear is more than any UTC offset a zone has had (all lie within sixteen hours of UTC, the
// local mean times of the nineteenth century included): every instant at which a zone's clocks
// show a wall time lies within it of that wall time read as UTC. No zone changes its offset and
// changes it back within it, so equal offsets zoneNear either side of an instant mean it changed
// none between.
const zoneNear = 30 * 60 * 60 // seconds

// offsetAt is loc's UTC offset at the Unix second u, in seconds.
func offsetAt(u int64, loc *time.Location) int64 {
	_, offset := time.Unix(u, 0).In(loc).Zone()
	return int64(offset)
}

// wall is the instant at which loc's clocks show min minutes after midnight on day c: the first
// such instant when the clocks show it twice (a fall-back overlap), and the instant of the change
// when they skip it (a spring-forward gap), which is the first instant they show a later time.
// RFC 5545 and java.time resolve both cases so. It reads only loc's offsets (not
// Time.ZoneBounds, whose bounds past a zone's table of changes are the ends of years), so a
// snapshot's captured rules and the database they were taken from give the same instants.
func wall(c civil, min int, loc *time.Location) time.Time {
	want := time.Date(c.y, c.m, c.d, 0, min, 0, 0, time.UTC).Unix() // the wall time, in seconds
	t := time.Date(c.y, c.m, c.d, 0, min, 0, 0, loc)
	if u, offset := t.Unix(), offsetAt(t.Unix(), loc); u+offset == want &&
		offsetAt(u-zoneNear, loc) == offset && offsetAt(u+zoneNear, loc) == offset {
		return t // the clocks show the wall time at t, and no change near it shows it again
	}
	// The offsets the zone has near the wall time, sampled every hour: offsets last longer.
	var offsets []int64
	for s := want - zoneNear; s <= want+zoneNear; s += 60 * 60 {
		if o := offsetAt(s, loc); !slices.Contains(offsets, o) {
			offsets = append(offsets, o)
		}
	}
	// The first instant that shows the wall time.
	first, shown := int64(math.MaxInt64), false
	for _, o := range offsets {
		if u := want - o; offsetAt(u, loc) == o && u < first {
			first, shown = u, true
		}
	}
	if shown {
		return time.Unix(first, 0).In(loc)
	}
	// None does: the wall time lies in a gap. Before the change the clocks show earlier times,
	// from it later ones; find its second by halving.
	lo, hi := want-slices.Max(offsets), want-slices.Min(offsets)
	later := func(u int64) bool { return u+offsetAt(u, loc) > want }
	if later(lo) || !later(hi) {
		return t // unreachable: the offsets near a gap differ by it
	}
	for hi-lo > 1 {
		if mid := lo + (hi-lo)/2; later(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return time.Unix(hi, 0).In(loc)
}

// maxDays bounds every walk over the calendar, to forty years of local days: it bounds the work
// of one deadline. A deadline further off is not found by the walk, and that happens well under
// a year of business time: forty years of a desk open four hours a week are about 8,370 hours
// (holidays make them fewer), and of one open a minute a week 35 hours. Add then gives the end
// of the walk plus the open time left (Maths1; Maths0 gave t plus it, a deadline earlier than a
// shorter duration's).
const maxDays = 366 * 40

func (k *Clock) day(t time.Time) civil {
	l := t.In(k.loc)
	return civil{l.Year(), l.Month(), l.Day()}
}

// Add returns the instant at which d of open time has passed since t: a deadline d of business
// time after t. It does not count time while closed, so a deadline set after closing falls in
// the next opening period. A d of zero or less returns t.
// Past the maxDays walk it returns the end of the walk plus the open time still to count, never
// earlier than the deadline of a shorter d (with Maths0, t plus that time).
func (k *Clock) Add(t time.Time, d time.Duration) time.Time {
	end, left := k.walk(t, d)
	if left > 0 {
		if k.maths == Maths0 {
			return t.Add(left)
		}
		return end.Add(left)
	}
	return end
}

// walk is Add, with the open time still to count when the deadline lies past the maxDays walk
// (zero when it was found); the instant is then the end of the walk, the start of the first day
// it did not count.
func (k *Clock) walk(t time.Time, d time.Duration) (time.Time, time.Duration) {
	if d <= 0 {
		return t, 0
	}
	// The day before t too: a period of it may run past local midnight's instant when a DST
	// change moves midnight.
	c := k.day(t.Add(-24 * time.Hour))
	for range maxDays {
		for _, p := range k.periods(c) {
			if !p[1].After(t) {
				continue
			}
			start := p[0]
			if t.After(start) {
				start = t
			}
			if left := p[1].Sub(start); d <= left {
				return start.Add(d), 0
			} else {
				d -= left
			}
		}
		c = c.next()
	}
	return k.at(c, 0), d
}

// Between returns the open time from a to b (zero when b is not after a), counting at most
// maxDays days; past them, the plain time to b (Maths2: the walk's end, as Add counts; before,
// none).
func (k *Clock) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	if k.maths < Maths2 {
		if limit := a.AddDate(0, 0, maxDays); b.After(limit) {
			b = limit
		}
	} else if end := k.at(k.day(a.Add(-24*time.Hour)).plus(maxDays), 0); b.After(end) {
		total, b = b.Sub(end), end // the instant walk ends at, from the same day
	}
	last := k.day(b)
	for c := k.day(a.Add(-24 * time.Hour)); !last.before(c); c = c.next() {
		for _, p := range k.periods(c) {
			start, end := p[0], p[1]
			if a.After(start) {
				start = a
			}
			if b.Before(end) {
				end = b
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		}
	}
	return total
}

// IsOpen reports whether t falls in an opening period.
func (k *Clock) IsOpen(t time.Time) bool {
	c := k.day(t)
	for _, p := range k.periods(c) {
		if !t.Before(p[0]) && t.Before(p[1]) {
			return true
		}
	}
	return false
}

// NextOpen returns t when open, or the start of the next opening period.
func (k *Clock) NextOpen(t time.Time) time.Time {
	c := k.day(t.Add(-24 * time.Hour))
	for range maxDays {
		for _, p := range k.periods(c) {
			if p[1].After(t) {
				if t.After(p[0]) {
					return t
				}
				return p[0]
			}
		}
		c = c.next()
	}
	return t
}
