package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
)

// calendarJSON is a team's calendar as the API shows it. A team without one is open around the
// clock.
type calendarJSON struct {
	TeamID         string           `json:"team_id"`
	TimeZone       string           `json:"time_zone"`
	Hours          []calendar.Hours `json:"hours"`
	Holidays       []string         `json:"holidays"`
	AroundTheClock bool             `json:"around_the_clock"`
	UpdatedBy      string           `json:"updated_by,omitempty"`
	UpdatedAt      *time.Time       `json:"updated_at,omitempty"`
}

// teamCalendar loads a team's calendar; nil when it has none.
func (s *server) teamCalendar(ctx context.Context, teamID string) (*calendar.Calendar, *models.TeamCalendar, error) {
	row, err := s.Store.GetCalendar(ctx, teamID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	cal, err := row.Calendar()
	if err != nil {
		return nil, nil, err
	}
	return &cal, &row, nil
}

func renderCalendar(teamID string, cal *calendar.Calendar, row *models.TeamCalendar) calendarJSON {
	out := calendarJSON{TeamID: teamID, Hours: []calendar.Hours{}, Holidays: []string{}, AroundTheClock: cal == nil}
	if cal != nil {
		out.TimeZone, out.Hours, out.Holidays = cal.TimeZone, cal.Hours, cal.Holidays
	}
	if row != nil {
		at := row.UpdatedAt.UTC()
		out.UpdatedBy, out.UpdatedAt = row.UpdatedBy, &at
	}
	return out
}

// loadTeam answers 404 for a team that does not exist.
func (s *server) loadTeam(ctx context.Context, id string) error {
	if !models.ValidID(id) {
		return errorf(kindNotFound, "no team %q", id)
	}
	if _, err := s.Store.GetTeam(ctx, id); errors.Is(err, models.ErrNotFound) {
		return errorf(kindNotFound, "no team %q", id)
	} else if err != nil {
		return err
	}
	return nil
}

func (s *server) getCalendar(c *gin.Context) (int, any, error) {
	ctx, id := c.Request.Context(), c.Param("id")
	if err := s.loadTeam(ctx, id); err != nil {
		return 0, nil, err
	}
	cal, row, err := s.teamCalendar(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderCalendar(id, cal, row), nil
}

type hoursRequest struct {
	Day   string `json:"day" binding:"required,max=8"`
	Open  string `json:"open" binding:"required,max=8"`
	Close string `json:"close" binding:"required,max=8"`
}

type calendarRequest struct {
	TimeZone string         `json:"time_zone" binding:"required,max=64"`
	Hours    []hoursRequest `json:"hours" binding:"max=100,dive"`
	Holidays []string       `json:"holidays" binding:"max=1000,dive,max=64"`
}

// calendar is the calendar the request describes, each closure of several days as its dates.
func (r *calendarRequest) calendar() calendar.Calendar {
	cal := calendar.Calendar{TimeZone: r.TimeZone}
	for _, h := range r.Holidays {
		dates, _ := closureDates(h)
		cal.Holidays = append(cal.Holidays, dates...)
	}
	for _, h := range r.Hours {
		cal.Hours = append(cal.Hours, calendar.Hours(h))
	}
	return cal
}

// maxClosureDays is the longest closure one holidays entry may give as a range.
const maxClosureDays = 366

// closureDates is a holidays entry as the dates it closes: a date ("2026-12-25") alone, a range
// ("2027-02-01..2027-02-05", a refurbishment) each of its days, first and last included; with
// what is wrong with an entry that is neither (and it as it is).
func closureDates(entry string) ([]string, string) {
	first, last, isRange := strings.Cut(entry, "..")
	if !isRange {
		if _, err := time.Parse(time.DateOnly, entry); err != nil {
			return []string{entry}, "must be a date YYYY-MM-DD, or a closure of several days YYYY-MM-DD..YYYY-MM-DD"
		}
		return []string{entry}, ""
	}
	from, errFrom := time.Parse(time.DateOnly, first)
	to, errTo := time.Parse(time.DateOnly, last)
	switch {
	case errFrom != nil || errTo != nil:
		return []string{entry}, "a closure of several days is two dates YYYY-MM-DD..YYYY-MM-DD"
	case to.Before(from):
		return []string{entry}, "a closure of several days gives its first day before its last"
	case to.Sub(from) >= maxClosureDays*24*time.Hour:
		return []string{entry}, fmt.Sprintf("a closure of several days is at most %d days", maxClosureDays)
	}
	var dates []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		dates = append(dates, d.Format(time.DateOnly))
	}
	return dates, ""
}

// checkFields reports what the calendar's own rules refuse (a zone, overlapping hours, a date)
// with the tags' failures. Each holidays entry is named by its place in the request, a range
// being one entry.
func (r *calendarRequest) checkFields() []FieldError {
	var fields []FieldError
	for i, h := range r.Holidays {
		if _, problem := closureDates(h); problem != "" {
			fields = append(fields, FieldError{Field: fmt.Sprintf("holidays[%d]", i), Message: problem})
		}
	}
	inv, _ := calendar.AsInvalid(r.calendar().Validate())
	for _, f := range inv {
		if strings.HasPrefix(f.Field, "holidays[") {
			continue // named above, by the entry given
		}
		fields = append(fields, FieldError{Field: f.Field, Message: f.Message})
	}
	if !slices.ContainsFunc(fields, func(f FieldError) bool { return f.Field == "time_zone" }) {
		if problem := notAPlacesZone(r.TimeZone); problem != "" {
			fields = append(fields, FieldError{Field: "time_zone", Message: problem})
		}
	}
	return fields
}

// placesAreas are the areas of the time zone database's places' zones (Area/Location); its old
// names for a country's zones (US/Eastern, Canada/Pacific, Brazil/East) are under others.
var placesAreas = map[string]bool{
	"Africa": true, "America": true, "Antarctica": true, "Arctic": true, "Asia": true, "Atlantic": true,
	"Australia": true, "Europe": true, "Indian": true, "Pacific": true,
}

// notAPlacesZone says why a zone the database has is not a desk's to save (a fixed offset, or an
// old name: "EST" keeps no daylight saving, and "Etc/GMT+5" is five hours behind UTC), or "" for
// the zone of a place (Area/Location) and UTC. Calendars saved with one before are read as they
// are.
func notAPlacesZone(name string) string {
	area, _, placed := strings.Cut(name, "/")
	switch {
	case name == "UTC" || name == "Etc/UTC":
		return ""
	case area == "Etc":
		return fmt.Sprintf("%q is a fixed offset from UTC, with no daylight saving (and an Etc/GMT zone's sign is the reverse of its offset): give the desk's place, such as America/New_York or Europe/London, or UTC", name)
	case !placed || !placesAreas[area]:
		return fmt.Sprintf("%q is an old name or an abbreviation, not a place's zone (it may keep no daylight saving, or not the desk's): give the desk's place, such as America/New_York or Europe/London, or UTC", name)
	}
	return ""
}

// deleteCalendar removes a team's opening hours: its new actions count their deadlines around the
// clock again; running actions keep the calendar they started with. Removing none is no change.
func (s *server) deleteCalendar(c *gin.Context) (int, any, error) {
	if err := requireAdmin(c); err != nil {
		return 0, nil, err
	}
	ctx, id := c.Request.Context(), c.Param("id")
	if err := s.loadTeam(ctx, id); err != nil {
		return 0, nil, err
	}
	if _, err := s.Store.RemoveCalendar(ctx, id, principal(c).ID); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderCalendar(id, nil, nil), nil
}

// putCalendar sets a team's opening hours. Running actions keep the calendar they started with;
// new actions of the team count business time on this one.
func (s *server) putCalendar(c *gin.Context) (int, any, error) {
	var req calendarRequest
	if err := s.adminDecode(c, &req); err != nil {
		return 0, nil, err
	}
	ctx, id := c.Request.Context(), c.Param("id")
	if err := s.loadTeam(ctx, id); err != nil {
		return 0, nil, err
	}
	cal := req.calendar()
	if err := cal.Validate(); err != nil {
		inv, _ := calendar.AsInvalid(err)
		fields := make([]FieldError, len(inv))
		for i, f := range inv {
			fields[i] = FieldError{Field: f.Field, Message: f.Message}
		}
		return 0, nil, invalidFields(fields...)
	}
	cal = cal.Normalized()
	hours, err := json.Marshal(cal.Hours)
	if err != nil {
		return 0, nil, err
	}
	holidays, err := json.Marshal(cal.Holidays)
	if err != nil {
		return 0, nil, err
	}
	row, err := s.Store.SaveCalendar(ctx, models.TeamCalendar{
		TeamID: id, TimeZone: cal.TimeZone, Hours: string(hours), Holidays: string(holidays), UpdatedBy: principal(c).ID,
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderCalendar(id, &cal, &row), nil
}
