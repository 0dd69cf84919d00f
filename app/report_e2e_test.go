package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/worker"
	"github.com/handover/handover/workflows"
)

type figures struct {
	Made            int                    `json:"made"`
	Accepted        int                    `json:"accepted"`
	Declined        int                    `json:"declined"`
	Expired         int                    `json:"expired"`
	Pending         int                    `json:"pending"`
	P50             *float64               `json:"time_to_accept_p50_seconds"`
	P90             *float64               `json:"time_to_accept_p90_seconds"`
	Completed       int                    `json:"completed"`
	CompletedOnTime int                    `json:"completed_on_time"`
	OnTimeRate      *float64               `json:"on_time_completion_rate"`
	FeedbackCount   int                    `json:"feedback_count"`
	FeedbackAvg     *float64               `json:"feedback_average"`
	Bounces         int                    `json:"bounces"`
	Escalations     map[string]int         `json:"escalations_by_reason"`
	DeclineRate     *float64               `json:"decline_rate"`
	ExpiryRate      *float64               `json:"expiry_rate"`
	TimeHeld        map[string]heldFigures `json:"time_held_by_person"`
}

type heldFigures struct {
	Actions       int     `json:"actions"`
	TotalSeconds  float64 `json:"total_seconds"`
	MedianSeconds float64 `json:"median_seconds"`
}

// The review report of a scenario made here, in a team of its own, checked figure by figure
// against the numbers worked out by hand.
func testHandoverReport(t *testing.T, st *app.Stack) {
	a1, a2, sv, p1, p2 := teamOf3(t, st)
	since := time.Now().UTC().Add(-time.Second)

	create := func(c caller, owner string) string {
		var a action
		require.Equal(t, http.StatusCreated, c.call("POST", "/api/v1/actions", newAction(owner), &a))
		return a.ID
	}
	hand := func(c caller, id, to, situation string, extra ...any) {
		body := merge(merge(handoverBody, "to_id", to), "situation", situation)
		for i := 0; i+1 < len(extra); i += 2 {
			body = merge(body, extra[i].(string), extra[i+1])
		}
		require.Equal(t, http.StatusOK, c.call("POST", "/api/v1/actions/"+id+"/handover", body, nil))
	}
	accept := func(c caller, id string) {
		require.Equal(t, http.StatusOK, c.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I take it on"}, nil))
	}
	rate := func(c caller, id, hid string, rating int, comment string) {
		body := map[string]any{"rating": rating, "comment": comment}
		require.Equal(t, http.StatusCreated, c.call("POST", "/api/v1/actions/"+id+"/handovers/"+hid+"/feedback", body, nil))
	}

	// A1: routine, accepted, rated 4 without a comment, completed on time.
	x1 := create(a1, p1)
	hand(a1, x1, p2, "routine")
	accept(a2, x1)
	rate(a2, x1, "h1", 4, "")
	require.Equal(t, http.StatusOK, a2.call("POST", "/api/v1/actions/"+x1+"/complete", map[string]any{"outcome": "done"}, nil))
	// A2: busy, declined.
	x2 := create(a1, p1)
	hand(a1, x2, p2, "busy")
	require.Equal(t, http.StatusOK, a2.call("POST", "/api/v1/actions/"+x2+"/decline", map[string]any{"reason": "not trained on refunds yet"}, nil))
	// A3: busy, expires after 2 s, which escalates it (not_accepted).
	x3 := create(a1, p1)
	hand(a1, x3, p2, "busy", "accept_within", "2s")
	// A4: routine to p2, accepted; then back to p1 (let_down), accepted and rated 2 with a
	// comment: a bounce.
	x4 := create(a1, p1)
	hand(a1, x4, p2, "routine")
	accept(a2, x4)
	beforeHandBack := time.Now()
	hand(a2, x4, p1, "let_down")
	beforeBack := time.Now()
	accept(a1, x4)
	afterBack := time.Now()
	rate(a1, x4, "h2", 2, "no room number & no dates")
	waitStatus(t, a1, x3, "escalated", 1)

	until := time.Now().UTC().Add(time.Second)
	var report struct {
		Overall          figures            `json:"overall"`
		BySituation      map[string]figures `json:"by_situation"`
		ByTeam           map[string]figures `json:"by_team"`
		FeedbackComments []struct {
			ActionID   string     `json:"action_id"`
			HandoverID string     `json:"handover_id"`
			FromID     string     `json:"from_id"`
			ToID       string     `json:"to_id"`
			Rating     int        `json:"rating"`
			Comment    string     `json:"comment"`
			Situation  string     `json:"situation"`
			AcceptedAt *time.Time `json:"accepted_at"`
		} `json:"feedback_comments"`
		DeclineReasons []struct {
			ActionID   string     `json:"action_id"`
			HandoverID string     `json:"handover_id"`
			FromID     string     `json:"from_id"`
			ToID       string     `json:"to_id"`
			Reason     string     `json:"reason"`
			Situation  string     `json:"situation"`
			DeclinedAt *time.Time `json:"declined_at"`
		} `json:"decline_reasons"`
	}
	q := "/api/v1/reports/handovers?since=" + since.Format(time.RFC3339Nano) + "&until=" + until.Format(time.RFC3339Nano)
	asked := time.Now()
	require.Equal(t, http.StatusOK, sv.call("GET", q, nil, &report), "a supervisor reads their own team's report")
	answered := time.Now()

	o := report.Overall
	require.Equal(t, 5, o.Made, "A1, A2, A3 and A4 twice")
	require.Equal(t, 3, o.Accepted)
	require.Equal(t, 1, o.Declined)
	require.Equal(t, 1, o.Expired)
	require.Equal(t, 0, o.Pending)
	require.NotNil(t, o.P50)
	require.LessOrEqual(t, *o.P50, *o.P90)
	require.Equal(t, 1, o.Completed)
	require.Equal(t, 1, o.CompletedOnTime)
	require.InDelta(t, 1.0, *o.OnTimeRate, 1e-9)
	require.Equal(t, 2, o.FeedbackCount)
	require.InDelta(t, 3.0, *o.FeedbackAvg, 1e-9, "(4 + 2) / 2")
	require.Equal(t, 1, o.Bounces, "A4 went p1 -> p2 -> p1")
	require.Equal(t, map[string]int{"not_accepted": 1}, o.Escalations)
	require.InDelta(t, 0.2, *o.DeclineRate, 1e-9, "1 declined of 5 that ended (3 accepted, 1 declined, 1 expired)")
	require.InDelta(t, 0.2, *o.ExpiryRate, 1e-9)

	// Time held: p2 held A1 until completing it and A4 until p1 accepted it back; p1 still holds
	// A4, so until the report was made.
	require.Len(t, o.TimeHeld, 2)
	require.Equal(t, 2, o.TimeHeld[p2].Actions)
	require.Greater(t, o.TimeHeld[p2].TotalSeconds, 0.0)
	require.Less(t, o.TimeHeld[p2].TotalSeconds, afterBack.Sub(since).Seconds(), "both ended before p1 accepted A4 back")
	// The report counts p1's holding from A4's stored acceptance to its own clock's reading while it
	// answered: both wall-clock times, so the bounds are too (a monotonic reading here can drift
	// from the wall clock by milliseconds), give or take the half millisecond it is rounded to.
	require.Equal(t, 1, o.TimeHeld[p1].Actions)
	require.Len(t, report.FeedbackComments, 1, "A1's rating has no comment")
	backAt := report.FeedbackComments[0].AcceptedAt
	require.NotNil(t, backAt, "A4's acceptance by p1")
	require.GreaterOrEqual(t, o.TimeHeld[p1].TotalSeconds, asked.Round(0).Sub(*backAt).Seconds()-5e-4)
	require.LessOrEqual(t, o.TimeHeld[p1].TotalSeconds, answered.Round(0).Sub(*backAt).Seconds()+5e-4)
	require.Equal(t, o.TimeHeld[p1].TotalSeconds, o.TimeHeld[p1].MedianSeconds, "one action")
	// A window that ends after A4 was handed back and before p1 accepted it: time held follows the
	// window's handovers, so p1's holding counts as in the whole report, and p2's ran to p1's
	// acceptance all the same. One that ends before A4 was handed back has p2's holdings only.
	held := func(until time.Time) map[string]heldFigures {
		var r struct {
			Overall figures `json:"overall"`
		}
		q := "/api/v1/reports/handovers?since=" + since.Format(time.RFC3339Nano) + "&until=" + until.UTC().Format(time.RFC3339Nano)
		require.Equal(t, http.StatusOK, sv.call("GET", q, nil, &r))
		return r.Overall.TimeHeld
	}
	early := held(beforeBack)
	require.Equal(t, 1, early[p1].Actions, "handed back in the window, accepted after it")
	require.GreaterOrEqual(t, early[p1].TotalSeconds, o.TimeHeld[p1].TotalSeconds, "held until now, asked after the whole report")
	require.Equal(t, o.TimeHeld[p2], early[p2], "p2's holdings end where they ended, after the window or not")
	earlier := held(beforeHandBack)
	require.NotContains(t, earlier, p1, "handed back after the window")
	require.Equal(t, o.TimeHeld[p2], earlier[p2])

	routine, busy, letDown := report.BySituation["routine"], report.BySituation["busy"], report.BySituation["let_down"]
	require.Equal(t, 2, routine.Made)
	require.Equal(t, 2, routine.Accepted)
	require.Equal(t, 1, routine.FeedbackCount, "A1's rating; A4's was on its let_down handover")
	require.Equal(t, 2, busy.Made)
	require.Equal(t, 1, busy.Declined)
	require.Equal(t, 1, busy.Expired)
	require.Equal(t, map[string]int{"not_accepted": 1}, busy.Escalations)
	require.Equal(t, 1, letDown.Made)
	require.Equal(t, 1, letDown.Accepted)
	require.Equal(t, 2, routine.TimeHeld[p2].Actions, "held after routine handovers")
	require.Equal(t, 1, letDown.TimeHeld[p1].Actions, "held after the let_down handover")
	require.Empty(t, busy.TimeHeld, "nothing busy was accepted")
	require.InDelta(t, 0.5, *busy.ExpiryRate, 1e-9)
	require.InDelta(t, 2.0, *letDown.FeedbackAvg, 1e-9)
	require.Len(t, report.ByTeam, 1, "a supervisor's report holds their team only")
	var team string
	for id, f := range report.ByTeam {
		team = id
		require.Equal(t, o.Made, f.Made)
	}

	// What people said: A4's comment (A1 was rated without one) and A2's reason for declining.
	require.Len(t, report.FeedbackComments, 1, "A1's rating has no comment")
	fc := report.FeedbackComments[0]
	require.Equal(t, []any{x4, "h2", p2, p1, 2, "no room number & no dates", "let_down"},
		[]any{fc.ActionID, fc.HandoverID, fc.FromID, fc.ToID, fc.Rating, fc.Comment, fc.Situation})
	require.NotNil(t, fc.AcceptedAt)
	require.WithinRange(t, *fc.AcceptedAt, beforeBack.Add(-time.Millisecond), afterBack.Add(time.Millisecond))
	require.Len(t, report.DeclineReasons, 1)
	dr := report.DeclineReasons[0]
	require.Equal(t, []any{x2, "h1", p1, p2, "not trained on refunds yet", "busy"},
		[]any{dr.ActionID, dr.HandoverID, dr.FromID, dr.ToID, dr.Reason, dr.Situation})
	require.NotNil(t, dr.DeclinedAt)
	require.WithinRange(t, *dr.DeclinedAt, since, until)

	var p problem
	require.Equal(t, http.StatusForbidden, a1.call("GET", q, nil, &p), "agents do not read the report")
	require.Equal(t, http.StatusNotFound, sv.call("GET", q+"&team_id=frontdesk", nil, &p), "another team's report is out of a supervisor's scope")
	require.Equal(t, `there is no team "frontdesk" among yours: you see your own team's`, p.Detail, "told as for a team that does not exist")
	require.Equal(t, http.StatusNotFound, sv.call("GET", q+"&team_id=no-such-team", nil, &p))
	require.Equal(t, `there is no team "no-such-team" among yours: you see your own team's`, p.Detail, "the same words")
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", "/api/v1/reports/handovers?since=yesterday", nil, &p))
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", "/api/v1/reports/handovers?since=", nil, &p), "an empty since is not the default")
	require.Equal(t, "since", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", "/api/v1/reports/handovers?until=2026-12-07T10:00:00%2B24:00", nil, &p), "an offset past 23:59")
	require.Equal(t, "until", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", "/api/v1/reports/handovers?since=0001-01-01T00:00:00Z&until=9999-12-31T00:00:00Z", nil, &p), "a window over a year")
	require.Equal(t, "since", p.Errors[0].Field)
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", "/api/v1/reports/handovers?since=2099-01-01T00:00:00Z", nil, &p), "a since after now")
	require.Equal(t, "since", p.Errors[0].Field)
	require.Contains(t, p.Detail, "must be before until (not given: now, ", "the until it was compared with, which was not given")
	require.Equal(t, http.StatusUnprocessableEntity, sv.call("GET", q+"&tema_id=x", nil, &p), "a misspelt parameter is refused, not ignored")
	require.Equal(t, "tema_id", p.Errors[0].Field)
	var all struct {
		ByTeam map[string]figures `json:"by_team"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "dave").call("GET", q, nil, &all))
	require.Contains(t, all.ByTeam, team, "a manager sees every team")
	var one struct {
		ByTeam map[string]figures `json:"by_team"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "dave").call("GET", q+"&team_id="+team, nil, &one))
	require.Len(t, one.ByTeam, 1, "a manager's report of the team named")

	// The manager's page shows them, in tables of their own, as text.
	resp, page := signedIn(t, st, "demo-dave").do(http.MethodGet, "/manager?days=7&team="+team, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Regexp(t, `<table class="grid" id="feedback-comments">\s*<caption>[^<]+</caption>\s*<thead><tr><th scope="col">Rating</th>`, page)
	require.Regexp(t, `<tr><td>2 of 5</td><td>no room number &amp; no dates</td><td><a href="/actions/`+x4+`">[^<]+</a></td><td>`+p2+`</td><td>`+p1+`</td><td>let down by people, systems or resources</td>`, page)
	require.Regexp(t, `<table class="grid" id="decline-reasons">\s*<caption>[^<]+</caption>\s*<thead><tr><th scope="col">Reason</th>`, page)
	require.Regexp(t, `<tr><td>not trained on refunds yet</td><td><a href="/actions/`+x2+`">[^<]+</a></td><td>`+p1+`</td><td>`+p2+`</td><td>a busy time</td>`, page)

	for _, path := range []string{q + "&team_id=nosuchteam", "/api/v1/reports/weekly?team_id=nosuchteam"} {
		p = problem{}
		require.Equal(t, http.StatusNotFound, as(t, st, "dave").call("GET", path, nil, &p), "a report of a team that does not exist: %s", path)
		require.Contains(t, p.Detail, `no team "nosuchteam"`)
	}
}

// The weekly review is kept by a Temporal Schedule that runs every hour; a run (here one triggered
// by hand) keeps the last whole week of all teams together (to Monday 06:00 UTC) and of each team
// to Monday 06:00 in the team's own time zone, once.
func testWeeklyReport(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	handle := st.Client.ScheduleClient().GetHandle(ctx, workflows.WeeklyReportScheduleID)
	desc, err := handle.Describe(ctx)
	require.NoError(t, err, "the schedule exists")
	require.Len(t, desc.Schedule.Spec.Intervals, 1)
	require.Equal(t, time.Hour, desc.Schedule.Spec.Intervals[0].Every, "it runs every hour")
	require.Empty(t, desc.Schedule.Spec.Calendars)
	// One an earlier version made (Mondays 06:00 UTC) is brought to every hour when a worker starts.
	require.NoError(t, handle.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		sched := in.Description.Schedule
		sched.Spec = &client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{DayOfWeek: []client.ScheduleRange{{Start: 1}}, Hour: []client.ScheduleRange{{Start: 6}}}}}
		return &client.ScheduleUpdate{Schedule: &sched}, nil
	}}))
	require.NoError(t, worker.EnsureSchedules(ctx, st.Client))
	desc, err = handle.Describe(ctx)
	require.NoError(t, err)
	require.Empty(t, desc.Schedule.Spec.Calendars)
	require.Len(t, desc.Schedule.Spec.Intervals, 1)
	require.Equal(t, time.Hour, desc.Schedule.Spec.Intervals[0].Every)
	// A team working in Tokyo, whose week ends on Monday 06:00 there (Sunday 21:00 UTC).
	root := as(t, st, "root")
	tokyo := modelstest.Name("tokyo")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": tokyo, "name": "Tokyo desk"}, nil))
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/teams/"+tokyo+"/calendar", map[string]any{
		"time_zone": "Asia/Tokyo", "hours": []map[string]any{{"day": "mon", "open": "00:00", "close": "24:00"}},
	}, nil))
	require.NoError(t, handle.Trigger(ctx, client.ScheduleTriggerOptions{}))

	var kept struct {
		Items []struct {
			TeamID string    `json:"team_id"`
			Since  time.Time `json:"since"`
			Until  time.Time `json:"until"`
			Report struct {
				Overall figures `json:"overall"`
			} `json:"report"`
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		as(t, st, "dave").call("GET", "/api/v1/reports/weekly", nil, &kept)
		return len(kept.Items) > 0
	}, 15*time.Second, 100*time.Millisecond, "the triggered run keeps a report")
	require.Empty(t, kept.Items[0].TeamID, "all teams together")
	week := models.WeekEnd(time.Now())
	require.True(t, kept.Items[0].Until.Equal(week), "the week that ended on Monday 06:00 UTC: %s", kept.Items[0].Until)
	require.True(t, kept.Items[0].Since.Equal(week.AddDate(0, 0, -7)))
	var team struct {
		Items []struct {
			TeamID string `json:"team_id"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "carol").call("GET", "/api/v1/reports/weekly", nil, &team))
	require.NotEmpty(t, team.Items)
	require.Equal(t, "frontdesk", team.Items[0].TeamID, "a supervisor gets their team's")

	var inTokyo struct {
		Items []struct {
			Since time.Time `json:"since"`
			Until time.Time `json:"until"`
		} `json:"items"`
	}
	zone, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	want := models.WeekEndIn(time.Now(), zone)
	require.Eventually(t, func() bool {
		as(t, st, "dave").call("GET", "/api/v1/reports/weekly?team_id="+tokyo, nil, &inTokyo)
		return len(inTokyo.Items) > 0
	}, 15*time.Second, 100*time.Millisecond, "the Tokyo team's week is kept")
	require.Len(t, inTokyo.Items, 1)
	require.True(t, inTokyo.Items[0].Until.Equal(want), "the week that ended on Monday 06:00 in Tokyo (%s): %s", want, inTokyo.Items[0].Until)
	require.Equal(t, "Mon 06:00", inTokyo.Items[0].Until.In(zone).Format("Mon 15:04"))
	require.True(t, inTokyo.Items[0].Since.Equal(want.AddDate(0, 0, -7)))
}
