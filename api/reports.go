package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// reportTeam is the team a report covers: supervisors read their own team's; managers the one
// they name or ("") all teams together (scopedTeam).
func (s *server) reportTeam(c *gin.Context) (string, error) {
	caller := principal(c)
	if !workflows.Role(caller.Role).SupervisorOrAbove() {
		return "", errorf(kindForbidden, "the handover reports are for supervisors and managers")
	}
	return s.scopedTeam(c, c.Query("team_id"))
}

// scopedTeam is the team a read named by its team_id covers: for a caller of one team, their own
// (another is 404, as out of their scope, telling nothing of other teams); for one who sees every
// team, the one named (404 for a team that does not exist, rather than a list or a report of
// nothing) or ("") all of them.
func (s *server) scopedTeam(c *gin.Context, team string) (string, error) {
	caller := principal(c)
	if !seesAllTeams(caller) {
		if team != "" && team != teamOf(caller) {
			// Not found, as an action outside the caller's scope is; not that it does not exist.
			return "", errorf(kindNotFound, "there is no team %q among yours: you see your own team's", team)
		}
		return teamOf(caller), nil
	}
	if team != "" {
		if _, err := s.Store.GetTeam(c.Request.Context(), team); errors.Is(err, models.ErrNotFound) {
			return "", errorf(kindNotFound, "there is no team %q", team)
		} else if err != nil {
			return "", err
		}
	}
	return team, nil
}

// handoverReport reviews how actions were shared: handovers made, accepted, declined, expired;
// time to accept; on-time completion; escalations by reason; feedback; bounces; all split by
// situation and by team; and what people said: the lowest-rated handovers with a comment and the
// reasons handovers were declined. Supervisors see their own team; managers any team or all.
func (s *server) handoverReport(c *gin.Context) (int, any, error) {
	team, err := s.reportTeam(c)
	if err != nil {
		return 0, nil, err
	}
	until := s.Now().UTC()
	fields := queryFields(c, "is not a parameter of this report", []string{"since", "until", "team_id"})
	parse := func(name string, dst *time.Time) {
		if v, given := c.GetQuery(name); given && !covered(fields, name) { // given empty, refused already
			t, err := parseTime(v)
			if err != nil {
				fields = append(fields, FieldError{Field: name, Message: notAQueryTime(v)})
				return
			}
			*dst = t
		}
	}
	parse("until", &until)
	since := until.Add(-7 * 24 * time.Hour)
	parse("since", &since)
	switch {
	case len(fields) > 0:
	case !since.Before(until):
		msg := "must be before until"
		if _, given := c.GetQuery("until"); !given {
			msg += " (not given: now, " + until.Format(time.RFC3339) + ")"
		}
		fields = append(fields, FieldError{Field: "since", Message: msg})
	case until.Sub(since) > maxAhead:
		fields = append(fields, FieldError{Field: "since", Message: "the window is at most a year (366 days)"})
	}
	if len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	report, err := s.Store.HandoverReport(c.Request.Context(), since, until, team)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, report, nil
}

type weeklyReportJSON struct {
	Since  time.Time       `json:"since"`
	Until  time.Time       `json:"until"`
	TeamID string          `json:"team_id"`
	Report json.RawMessage `json:"report"`
}

// weeklyReports lists the kept weekly reviews, newest first: a supervisor's team's, or for a
// manager any team's (team_id) or all teams together (no team_id).
func (s *server) weeklyReports(c *gin.Context) (int, any, error) {
	// The role (and the team) first, as for the handover report: an agent is told the reports are
	// not theirs, whatever they asked.
	team, err := s.reportTeam(c)
	if err != nil {
		return 0, nil, err
	}
	if fields := queryFields(c, "is not a parameter of this read", []string{"team_id"}); len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	rows, err := s.Store.ListWeeklyReports(c.Request.Context(), team, 52)
	if err != nil {
		return 0, nil, err
	}
	items := make([]weeklyReportJSON, len(rows))
	for i, r := range rows {
		items[i] = weeklyReportJSON{Since: r.Since.UTC(), Until: r.Until.UTC(), TeamID: r.TeamID, Report: json.RawMessage(r.Body)}
	}
	return http.StatusOK, gin.H{"items": items}, nil
}
