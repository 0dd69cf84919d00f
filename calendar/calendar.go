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
}

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

func (c civil) next() civil {
	t := time.Date(c.y, c.m, c.d+1, 0, 0, 0, 0, time.UTC)
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
}

// Compile validates the calendar and prepares it for the maths. A calendar is valid when its
// time zone is an IANA name, every day is a day name, every period is HH:MM with open before
// close and no two periods of a day overlap, the week has at least one open minute, and every
// holiday is a YYYY-MM-DD date. The error is an Invalid listing every problem.
func (c Calendar) Compile() (*Clock, error) {
	var problems Invalid
	k := &Clock{holidays: map[civil]bool{}}
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
			problems = append(problems, FieldError{field + ".close", "must be after open"})
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
	if !open && len(problems) == 0 {
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
	out := Calendar{TimeZone: c.TimeZone, Hours: slices.Clone(c.Hours), Holidays: slices.Clone(c.Holidays), Zone: slices.Clone(c.Zone)}
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
// that a DST change skips or repeats resolve as time.Date resolves them, the same every time.
func (k *Clock) periods(c civil) [][2]time.Time {
	if k.holidays[c] {
		return nil
	}
	spans := k.week[c.weekday()]
	out := make([][2]time.Time, 0, len(spans))
	for _, s := range spans {
		open := time.Date(c.y, c.m, c.d, 0, s.open, 0, 0, k.loc)
		closing := time.Date(c.y, c.m, c.d, 0, s.close, 0, 0, k.loc)
		if closing.After(open) {
			out = append(out, [2]time.Time{open, closing})
		}
	}
	return out
}

// maxDays bounds every walk over the calendar. A valid calendar is open at least one minute a
// week and has at most MaxHolidays holidays, so any deadline under a year of business time is
// found well within it.
const maxDays = 366 * 40

func (k *Clock) day(t time.Time) civil {
	l := t.In(k.loc)
	return civil{l.Year(), l.Month(), l.Day()}
}

// Add returns the instant at which d of open time has passed since t: a deadline d of business
// time after t. It does not count time while closed, so a deadline set after closing falls in
// the next opening period. A d of zero or less returns t.
func (k *Clock) Add(t time.Time, d time.Duration) time.Time {
	end, left := k.walk(t, d)
	if left > 0 {
		// Unreachable for a valid calendar; still a deadline rather than none.
		return t.Add(left)
	}
	return end
}

// walk is Add, with the open time still to count when the deadline lies past the maxDays walk
// (zero when it was found).
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
	return time.Time{}, d
}

// Between returns the open time from a to b (zero when b is not after a), counting at most
// maxDays days.
func (k *Clock) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if limit := a.AddDate(0, 0, maxDays); b.After(limit) {
		b = limit
	}
	var total time.Duration
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
