package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/handover/handover/calendar"
)

// TeamCalendar is a team's opening hours. Hours and Holidays are JSON lists, as the calendar
// package reads them; a team without a calendar is open around the clock.
type TeamCalendar struct {
	TeamID    string `gorm:"primaryKey"`
	TimeZone  string
	Hours     string
	Holidays  string
	UpdatedBy string
	UpdatedAt time.Time
}

// Calendar is the stored calendar in the form the calendar package counts with, normalised, with
// the maths an action created now counts with (calendar.CurrentMaths), so that what is counted on
// the stored calendar (the report's open time) agrees with an action's own copy at a DST change.
func (c TeamCalendar) Calendar() (calendar.Calendar, error) {
	cal := calendar.Calendar{TimeZone: c.TimeZone, Maths: calendar.CurrentMaths}
	if err := json.Unmarshal([]byte(c.Hours), &cal.Hours); err != nil {
		return calendar.Calendar{}, fmt.Errorf("decoding the hours of team %s: %w", c.TeamID, err)
	}
	if err := json.Unmarshal([]byte(c.Holidays), &cal.Holidays); err != nil {
		return calendar.Calendar{}, fmt.Errorf("decoding the holidays of team %s: %w", c.TeamID, err)
	}
	return cal.Normalized(), nil
}

// openClocks are the business-time clocks of the teams with opening hours (of teamID alone, when
// it is set), read with db, for the report's open time. A calendar this build cannot count with
// is left out, so that its team counts around the clock (as TeamZone gives such a team UTC)
// rather than failing the report of every team.
func openClocks(db *gorm.DB, teamID string) (map[string]*calendar.Clock, error) {
	var rows []TeamCalendar
	q := db.Model(&TeamCalendar{})
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("reading the teams' calendars: %w", err)
	}
	clocks := make(map[string]*calendar.Clock, len(rows))
	for _, row := range rows {
		cal, err := row.Calendar()
		if err != nil {
			continue
		}
		if k, err := cal.Compile(); err == nil {
			clocks[row.TeamID] = k
		}
	}
	return clocks, nil
}

// GetCalendar loads a team's calendar; ErrNotFound when it has none.
func (s *Store) GetCalendar(ctx context.Context, teamID string) (TeamCalendar, error) {
	var c TeamCalendar
	err := s.db.WithContext(ctx).Where("team_id = ?", teamID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TeamCalendar{}, fmt.Errorf("calendar of team %s: %w", teamID, ErrNotFound)
	}
	if err != nil {
		return TeamCalendar{}, fmt.Errorf("loading calendar of team %s: %w", teamID, err)
	}
	return c, nil
}

// SaveCalendar creates or replaces a team's calendar, and records the calendar it saved in the
// audit trail as c.UpdatedBy's (the table keeps only the newest). The same calendar again (a form
// sent twice, a retry) writes and records nothing, and answers the calendar as it was saved.
func (s *Store) SaveCalendar(ctx context.Context, c TeamCalendar) (TeamCalendar, error) {
	c.UpdatedAt = utc(time.Now())
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var was TeamCalendar
		err := s.locked(tx.Where("team_id = ?", c.TeamID)).Take(&was).Error
		if err == nil && was.TimeZone == c.TimeZone && was.Hours == c.Hours && was.Holidays == c.Holidays {
			c = was
			return nil
		}
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "team_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"time_zone", "hours", "holidays", "updated_by", "updated_at"}),
		}).Create(&c).Error
		if err != nil {
			return err
		}
		detail := map[string]any{"time_zone": c.TimeZone, "hours": jsonValue(c.Hours), "holidays": jsonValue(c.Holidays)}
		return audit(tx, c.UpdatedAt, c.UpdatedBy, AuditCalendarSaved, SubjectTeam, c.TeamID, detail)
	})
	if err != nil {
		return TeamCalendar{}, fmt.Errorf("saving calendar of team %s: %w", c.TeamID, err)
	}
	return c, nil
}

// RemoveCalendar removes a team's calendar, so that the team's new actions count their deadlines
// around the clock, and records the calendar it removed in the audit trail as by's. It reports
// whether there was one: removing none writes and records nothing.
func (s *Store) RemoveCalendar(ctx context.Context, teamID, by string) (bool, error) {
	removed := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var was TeamCalendar
		err := s.locked(tx.Where("team_id = ?", teamID)).Take(&was).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.Where("team_id = ?", teamID).Delete(&TeamCalendar{}).Error; err != nil {
			return err
		}
		removed = true
		detail := map[string]any{"time_zone": was.TimeZone, "hours": jsonValue(was.Hours), "holidays": jsonValue(was.Holidays)}
		return audit(tx, time.Now(), by, AuditCalendarRemoved, SubjectTeam, teamID, detail)
	})
	if err != nil {
		return false, fmt.Errorf("removing calendar of team %s: %w", teamID, err)
	}
	return removed, nil
}

// jsonValue is the JSON text s as it is inside an audit entry's detail, or as a string when it is
// not JSON.
func jsonValue(s string) any {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return s
}
