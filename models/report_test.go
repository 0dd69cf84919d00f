package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// reportTestBundle projects actions with given handovers for report tests.
type reportTestBundle struct {
	t     *testing.T
	store *models.Store
}

func (b reportTestBundle) project(id, team string, hs ...models.Handover) {
	b.t.Helper()
	a := actionAt(id, 1, "assigned", "alice")
	a.TeamID, a.Title, a.Handovers = team, "Title of "+id, hs
	require.NoError(b.t, b.store.ApplyProjection(context.Background(), a, nil))
}

// minute is t0 plus m minutes.
func minute(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// rated is a handover requested at minute m, accepted a minute later and rated.
func rated(id string, m, rating int, comment string) models.Handover {
	answered := minute(m + 1)
	return models.Handover{ID: id, FromID: "alice", ToID: "bob", Situation: "busy", Status: "accepted",
		RequestedAt: minute(m), RespondedAt: &answered, FeedbackRating: rating, FeedbackComment: comment}
}

// declined is a handover requested at minute m and declined two minutes later.
func declined(id string, m int, reason string) models.Handover {
	answered := minute(m + 2)
	return models.Handover{ID: id, FromID: "alice", ToID: "erin", Situation: "quiet", Status: "declined",
		RequestedAt: minute(m), RespondedAt: &answered, DeclineReason: reason}
}

func ratedKeys(list []models.RatedHandover) []string {
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.ActionID + "/" + r.HandoverID
	}
	return out
}

func declinedKeys(list []models.DeclinedHandover) []string {
	out := make([]string, len(list))
	for i, d := range list {
		out[i] = d.ActionID + "/" + d.HandoverID
	}
	return out
}

// The report lists what people said about the handovers made in its window, of its team: the
// rated ones with a comment, lowest rating first and then the newest; the declined ones with their
// reason, newest first. The figures still count every rating.
func TestHandoverReportListsCommentsAndDeclineReasons(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		b.project("a1", "frontdesk", rated("h1", 0, 4, "fine"), rated("h2", 10, 2, "no room number & no dates"), declined("h3", 20, "not trained on refunds"))
		b.project("a2", "frontdesk", rated("h1", 30, 2, "missing the guest's dates"), rated("h2", 40, 1, ""), rated("h3", 50, 3, "  "), declined("h4", 60, "off shift in ten minutes"))
		b.project("a3", "night", rated("h1", 5, 1, "wrong guest"), declined("h2", 6, "night desk only"))
		// Made before the window and after it: in neither list.
		b.project("a4", "frontdesk", rated("h1", -120, 1, "before"), declined("h2", -60, "before"), rated("h3", 24*60, 1, "after"))

		since, until := t0, minute(24*60)
		r, err := store.HandoverReport(ctx, since, until, "")
		require.NoError(t, err)
		require.Equal(t, []string{"a3/h1", "a2/h1", "a1/h2", "a1/h1"}, ratedKeys(r.FeedbackComments),
			"lowest first, then the newest; no comment or a blank one is not listed")
		require.Equal(t, []string{"a2/h4", "a1/h3", "a3/h2"}, declinedKeys(r.DeclineReasons), "newest first")
		require.Equal(t, 6, r.Overall.FeedbackCount, "the figures count every rating, with a comment or not")
		require.InDelta(t, 13.0/6, *r.Overall.FeedbackAvg, 1e-9)
		require.Equal(t, 3, r.Overall.Declined)

		got := r.FeedbackComments[2]
		require.Equal(t, models.RatedHandover{ReportedHandover: models.ReportedHandover{ActionID: "a1", ActionTitle: "Title of a1", HandoverID: "h2", FromID: "alice", ToID: "bob",
			Situation: "busy"}, Rating: 2, Comment: "no room number & no dates", AcceptedAt: got.AcceptedAt}, got)
		require.NotNil(t, got.AcceptedAt)
		require.True(t, minute(11).Equal(*got.AcceptedAt), "accepted at %s", got.AcceptedAt)
		gone := r.DeclineReasons[1]
		require.Equal(t, models.DeclinedHandover{ReportedHandover: models.ReportedHandover{ActionID: "a1", ActionTitle: "Title of a1", HandoverID: "h3", FromID: "alice", ToID: "erin",
			Situation: "quiet"}, Reason: "not trained on refunds", DeclinedAt: gone.DeclinedAt}, gone)
		require.NotNil(t, gone.DeclinedAt)
		require.True(t, minute(22).Equal(*gone.DeclinedAt), "declined at %s", gone.DeclinedAt)

		team, err := store.HandoverReport(ctx, since, until, "frontdesk")
		require.NoError(t, err)
		require.Equal(t, []string{"a2/h1", "a1/h2", "a1/h1"}, ratedKeys(team.FeedbackComments), "the team's only")
		require.Equal(t, []string{"a2/h4", "a1/h3"}, declinedKeys(team.DeclineReasons))

		// A window of nothing answers empty lists, not null.
		none, err := store.HandoverReport(ctx, since, until, "nobody")
		require.NoError(t, err)
		body, err := json.Marshal(none)
		require.NoError(t, err)
		require.Contains(t, string(body), `"feedback_comments":[],"decline_reasons":[]`)
	})
}

// However many handovers were rated or declined in the window, each list holds the first
// ReportListLimit of its order.
func TestHandoverReportListsAreBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		b := reportTestBundle{t: t, store: store}
		const n = models.ReportListLimit + 5
		var ratings, declines []models.Handover
		var wantRated, wantDeclined []string
		for i := range n {
			id := fmt.Sprintf("h%02d", i)
			ratings = append(ratings, rated(id, i, 1+i%2, "comment "+id))
			declines = append(declines, declined(id, i, "reason "+id))
		}
		// Rated 1 (even i) before rated 2 (odd i), each newest first; declines newest first.
		for i := n - 1; i >= 0; i-- {
			if i%2 == 0 {
				wantRated = append(wantRated, fmt.Sprintf("rated/h%02d", i))
			}
			wantDeclined = append(wantDeclined, fmt.Sprintf("declined/h%02d", i))
		}
		for i := n - 1; i >= 0; i-- {
			if i%2 == 1 {
				wantRated = append(wantRated, fmt.Sprintf("rated/h%02d", i))
			}
		}
		b.project("rated", "busydesk", ratings...)
		b.project("declined", "busydesk", declines...)

		r, err := store.HandoverReport(context.Background(), t0, minute(24*60), "busydesk")
		require.NoError(t, err)
		require.Equal(t, wantRated[:models.ReportListLimit], ratedKeys(r.FeedbackComments))
		require.Equal(t, wantDeclined[:models.ReportListLimit], declinedKeys(r.DeclineReasons))
		require.Equal(t, n, r.Overall.FeedbackCount, "the figures still count them all")
		require.Equal(t, n, r.Overall.Declined)
	})
}

// On time is completed before the action ever reached its due time: "late" completed before its
// check and extended only at it is late, however far the extension moved its due time; "early"
// completed with no due event is on time; a due event before the window still counts.
func TestReportOnTimeIsBeforeTheDueTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		b.project("early", "frontdesk", rated("h1", 10, 0, ""))
		b.project("late", "frontdesk", rated("h1", 10, 0, ""))
		b.project("overdue", "frontdesk", rated("h1", 10, 0, ""))
		at := func(seq int64, typ string, m int) models.ActionEvent {
			e := event(seq, typ)
			e.At = minute(m)
			return e
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("early", 3, "completed", "bob"), []models.ActionEvent{
			at(1, "created", 0), at(2, "handover_accepted", 11), at(3, "completed", 30)}))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("late", 5, "completed", "bob"), []models.ActionEvent{
			at(1, "created", 0), at(2, "handover_accepted", 11), at(3, "due", 20), at(4, "extended", 25), at(5, "completed", 30)}))
		// Handed over at minute 10 when past due since minute 2, before the window opens.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("overdue", 5, "completed", "bob"), []models.ActionEvent{
			at(1, "created", 0), at(2, "due", 2), at(3, "extended", 3), at(4, "handover_accepted", 11), at(5, "completed", 30)}))
		r, err := store.HandoverReport(ctx, minute(5), minute(60), "")
		require.NoError(t, err)
		require.Equal(t, 3, r.Overall.Completed)
		require.Equal(t, 1, r.Overall.CompletedOnTime, "the one extended at its check was late, and the one past due before the window")
	})
}

// The due time passes while an action is escalated or unassigned too, where no due timer runs
// and no `due` event says so: a completion after it is late, even after an extension, unless the
// action was paused then (resuming moves its due time).
func TestReportOnTimeFollowsTheDueTimeWithoutItsEvent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		for _, id := range []string{"escalated", "unassigned", "paused", "moved", "inTime"} {
			b.project(id, "frontdesk", rated("h1", 10, 0, ""))
		}
		at := func(seq int64, typ string, m int, due ...int) models.ActionEvent {
			e := event(seq, typ)
			e.At = minute(m)
			if len(due) > 0 {
				e.Data = fmt.Sprintf(`{"due_at":%q}`, minute(due[0]).Format(time.RFC3339Nano))
			}
			return e
		}
		apply := func(id string, events ...models.ActionEvent) {
			require.NoError(t, store.ApplyProjection(ctx, actionAt(id, int64(len(events)), "completed", "bob"), events))
		}
		// Escalated by hand before its due time (minute 20), extended after it: late.
		apply("escalated", at(1, "created", 0, 20), at(2, "handover_accepted", 11), at(3, "escalated", 15),
			at(4, "extended", 25, 40), at(5, "completed", 30))
		// Unassigned past its due time, then reassigned with a new one and done in it: late.
		apply("unassigned", at(1, "created", 0, 12), at(2, "handover_accepted", 11), at(3, "reassigned", 14, 50),
			at(4, "completed", 30))
		// Paused before its due time and resumed after it, the due time moved: on time.
		apply("paused", at(1, "created", 0, 20), at(2, "handover_accepted", 11), at(3, "paused", 15),
			at(4, "resumed", 25, 30), at(5, "completed", 28))
		// Reassigned before its due time with a later one, done before that: on time.
		apply("moved", at(1, "created", 0, 20), at(2, "handover_accepted", 11), at(3, "reassigned", 18, 45),
			at(4, "completed", 40))
		// Done exactly at its due time: late (it had reached it).
		apply("inTime", at(1, "created", 0, 30), at(2, "handover_accepted", 11), at(3, "completed", 30))
		// The window opens after the due times were set (minute 0): the clock reads earlier events.
		r, err := store.HandoverReport(ctx, minute(5), minute(60), "")
		require.NoError(t, err)
		require.Equal(t, 5, r.Overall.Completed)
		require.Equal(t, 2, r.Overall.CompletedOnTime, "paused and moved were on time; escalated, unassigned and inTime late")
	})
}

// Time held counts each action a person held once, and each time they took it on as a holding:
// an action handed to bob, back to alice and to bob again is one action and two holdings of his.
func TestReportTimeHeldCountsActionsOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		back := rated("h2", 20, 0, "")
		back.FromID, back.ToID = "bob", "alice"
		b.project("bounced", "frontdesk", rated("h1", 10, 0, ""), back, rated("h3", 30, 0, ""))
		at := func(seq int64, typ string, m int) models.ActionEvent {
			e := event(seq, typ)
			e.At = minute(m)
			return e
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("bounced", 5, "completed", "bob"), []models.ActionEvent{
			at(1, "created", 0), at(2, "handover_accepted", 11), at(3, "handover_accepted", 21),
			at(4, "handover_accepted", 31), at(5, "completed", 41)}))
		r, err := store.HandoverReport(ctx, minute(5), minute(60), "")
		require.NoError(t, err)
		bob := r.Overall.TimeHeld["bob"]
		require.NotNil(t, bob)
		require.Equal(t, 1, bob.Actions, "one action")
		require.Equal(t, 2, bob.Holdings, "held twice")
		require.InDelta(t, 2*10*60, bob.TotalSeconds, 0.001, "minutes 11-21 and 31-41")
		require.InDelta(t, 10*60, bob.MedianSeconds, 0.001)
	})
}

// Time to accept is given twice: elapsed, and in the opening hours of the action's team, as its
// window to answer counts them. A desk open Monday to Friday 08:00-18:00 (London, GMT in
// November) handed over at 17:50 on Friday and accepted at 08:10 on Monday took 62 h 20 m, of
// which 20 minutes open. A team without opening hours, one whose calendar cannot be counted
// with, and an action whose policy counts around the clock, count all of it.
func TestReportTimeToAcceptInOpeningHours(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		hours := `[{"day":"mon","open":"08:00","close":"18:00"},{"day":"tue","open":"08:00","close":"18:00"},` +
			`{"day":"wed","open":"08:00","close":"18:00"},{"day":"thu","open":"08:00","close":"18:00"},{"day":"fri","open":"08:00","close":"18:00"}]`
		for team, zone := range map[string]string{"desk": "Europe/London", "lost": "Nowhere/Town"} {
			require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: team}))
			_, err := store.SaveCalendar(ctx, models.TeamCalendar{TeamID: team, TimeZone: zone, Hours: hours, Holidays: `[]`, UpdatedBy: "root"})
			require.NoError(t, err)
		}
		overWeekend := func(id string) models.Handover {
			h := rated(id, 8*60+50, 0, "") // Friday 17:50
			monday := minute(3*24*60 - 50) // Monday 08:10
			h.RespondedAt = &monday
			return h
		}
		quick := rated("h2", 60, 0, "") // Friday 10:00, a minute
		quick.Situation = "quiet"
		b.project("a-desk", "desk", overWeekend("h1"), quick)
		b.project("a-night", "night", overWeekend("h1"))
		b.project("a-lost", "lost", overWeekend("h1"))
		// An action of the desk whose policy counts around the clock: its window to answer ran
		// through the weekend, and so does its time to accept in opening hours.
		urgent, err := store.SavePolicy(ctx, models.Policy{Category: "urgent", Clock: "24/7", CreatedBy: "root"})
		require.NoError(t, err)
		allHours := actionAt("a-urgent", 1, "assigned", "alice")
		allHours.TeamID, allHours.Category, allHours.PolicyVersion = "desk", "urgent", urgent.Version
		allHours.Handovers = []models.Handover{overWeekend("h1")}
		allHours.Handovers[0].Situation, allHours.Handovers[0].ToID = "let_down", "dan"
		require.NoError(t, store.ApplyProjection(ctx, allHours, nil))
		// Time held counts the same two ways: bob held the desk's action from Friday 10:01 to the
		// next acceptance, Monday 08:10 (70 h 9 m; 7 h 59 m and 10 m open), then until it was
		// completed on Tuesday at 08:10 (24 h; 9 h 50 m and 10 m open).
		at := func(seq int64, typ string, m int) models.ActionEvent {
			e := event(seq, typ)
			e.At = minute(m)
			return e
		}
		done := actionAt("a-desk", 4, "completed", "bob")
		done.TeamID, done.Title, done.Handovers = "desk", "Title of a-desk", []models.Handover{overWeekend("h1"), quick}
		require.NoError(t, store.ApplyProjection(ctx, done, []models.ActionEvent{
			at(1, "created", 0), at(2, "handover_accepted", 61), at(3, "handover_accepted", 3*24*60-50), at(4, "completed", 4*24*60-50)}))

		weekend := (62*time.Hour + 20*time.Minute).Seconds()
		r, err := store.HandoverReport(ctx, minute(0), minute(4*24*60), "")
		require.NoError(t, err)
		desk := r.ByTeam["desk"]
		require.InDelta(t, weekend, *desk.TimeToAcceptP50, 0.001, "elapsed: 1 minute, then twice 62 h 20 m")
		require.InDelta(t, 20*60, *desk.TimeToAcceptOpenP50, 0.001, "open: 1 minute, 20 minutes, and 62 h 20 m of the 24/7 action")
		require.InDelta(t, 20*60+0.8*(weekend-20*60), *desk.TimeToAcceptOpenP90, 0.001)
		for _, team := range []string{"night", "lost"} {
			f := r.ByTeam[team]
			require.InDelta(t, weekend, *f.TimeToAcceptP50, 0.001, team)
			require.InDelta(t, weekend, *f.TimeToAcceptOpenP50, 0.001, "%s counts around the clock", team)
		}
		require.InDelta(t, 60, *r.BySituation["quiet"].TimeToAcceptOpenP50, 0.001)
		require.InDelta(t, weekend, *r.BySituation["let_down"].TimeToAcceptOpenP50, 0.001, "a 24/7 policy's action counts all of it")
		require.InDelta(t, weekend, *r.Overall.TimeToAcceptOpenP50, 0.001, "1 and 20 minutes, then three times 62 h 20 m")

		bob := desk.TimeHeld["bob"]
		require.NotNil(t, bob)
		require.Equal(t, 2, bob.Holdings)
		require.InDelta(t, (70*time.Hour + 9*time.Minute + 24*time.Hour).Seconds(), bob.TotalSeconds, 0.001)
		require.InDelta(t, (8*time.Hour + 9*time.Minute + 10*time.Hour).Seconds(), bob.OpenTotalSeconds, 0.001)
		require.InDelta(t, (8*time.Hour+9*time.Minute+10*time.Hour).Seconds()/2, bob.OpenMedianSeconds, 0.001)

		one, err := store.HandoverReport(ctx, minute(0), minute(4*24*60), "desk")
		require.NoError(t, err)
		require.Equal(t, desk.TimeToAcceptOpenP50, one.Overall.TimeToAcceptOpenP50, "one team's report counts with its calendar")

		// None accepted: no figure, as for elapsed time.
		empty, err := store.HandoverReport(ctx, minute(-60), minute(0), "")
		require.NoError(t, err)
		require.Nil(t, empty.Overall.TimeToAcceptOpenP50)
	})
}

// The report counts a desk's open time at a DST change as the action's own window to answer does:
// New York's Sunday 02:30-04:00 on the spring-forward night opens when the clocks jump, at 03:00
// EDT, so a handover made at 01:00 EST and accepted at 05:00 EDT waited an hour of it (time.Date's
// resolution opened it at 01:30 EST, an hour and a half).
func TestReportOpenTimeAtADSTChangeIsTheActionsOwn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "nyc", Name: "New York"}))
		_, err := store.SaveCalendar(ctx, models.TeamCalendar{TeamID: "nyc", TimeZone: "America/New_York",
			Hours: `[{"day":"sun","open":"02:30","close":"04:00"}]`, Holidays: `[]`, UpdatedBy: "root"})
		require.NoError(t, err)
		asked, answered := time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 9, 0, 0, 0, time.UTC)
		a := actionAt("a-nyc", 1, "assigned", "bob")
		a.TeamID, a.Title = "nyc", "Late checkout"
		a.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Situation: "routine", Status: "accepted", RequestedAt: asked, RespondedAt: &answered}}
		require.NoError(t, store.ApplyProjection(ctx, a, nil))
		r, err := store.HandoverReport(ctx, asked.Add(-24*time.Hour), asked.Add(24*time.Hour), "nyc")
		require.NoError(t, err)
		require.InDelta(t, (3 * time.Hour).Seconds(), *r.Overall.TimeToAcceptP50, 0.001)
		require.InDelta(t, time.Hour.Seconds(), *r.Overall.TimeToAcceptOpenP50, 0.001, "03:00 to 04:00 EDT")
	})
}

// The review of all teams and of one reads the same figures from the window's handovers and their
// timelines: escalations by the reason in their data, completions, time held; and the window's
// handovers are found by their time (an index, not a read of every handover ever made).
func TestReportOfAllTeamsAndOfOne(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		at := func(seq int64, typ string, m int, data string) models.ActionEvent {
			e := event(seq, typ)
			e.At, e.Data = minute(m), data
			return e
		}
		for _, team := range []string{"frontdesk", "kitchen"} {
			id := "a-" + team
			b.project(id, team, rated("h1", 10, 4, "clear"))
			done := actionAt(id, 4, "completed", "bob")
			done.TeamID, done.Title = team, "Title of "+id
			require.NoError(t, store.ApplyProjection(ctx, done, []models.ActionEvent{
				at(1, "created", 0, `{}`), at(2, "handover_accepted", 11, `{"to_id":"bob"}`),
				at(3, "escalated", 15, `{"reason_kind":"not_checked","level":1}`), at(4, "completed", 41, `{"outcome":"done"}`)}))
		}
		b.project("old", "frontdesk", rated("h1", -100, 1, "before the window"))

		all, err := store.HandoverReport(ctx, minute(5), minute(60), "")
		require.NoError(t, err)
		require.Equal(t, 2, all.Overall.Made)
		require.Equal(t, 2, all.Overall.Completed)
		require.Equal(t, map[string]int{"not_checked": 2}, all.Overall.Escalations)
		require.Equal(t, 2, all.Overall.TimeHeld["bob"].Actions)
		require.InDelta(t, 2*30*60, all.Overall.TimeHeld["bob"].TotalSeconds, 0.001, "from each acceptance (minute 11) to its completion (41)")
		require.Len(t, all.ByTeam, 2)
		require.Equal(t, []string{"a-frontdesk/h1", "a-kitchen/h1"}, ratedKeys(all.FeedbackComments))
		require.Equal(t, "Title of a-frontdesk", all.FeedbackComments[0].ActionTitle)
		require.Empty(t, all.EscalationReasons, "a timer's escalation has no reason given by hand")

		one, err := store.HandoverReport(ctx, minute(5), minute(60), "kitchen")
		require.NoError(t, err)
		require.Equal(t, 1, one.Overall.Made)
		require.Equal(t, 1, one.Overall.Completed)
		require.Equal(t, map[string]int{"not_checked": 1}, one.Overall.Escalations)
		require.Equal(t, []string{"a-kitchen/h1"}, ratedKeys(one.FeedbackComments))

		// An escalation by hand is counted as by_hand, and listed with its reason, the newest first.
		escalated := actionAt("a-kitchen", 6, "escalated", "bob")
		escalated.TeamID, escalated.Title = "kitchen", "Title of a-kitchen"
		byHand := func(seq int64, m int, who, reason string) models.ActionEvent {
			e := at(seq, "escalated", m, fmt.Sprintf(`{"reason_kind":"by_hand","level":2,"reason":%q}`, reason))
			e.ActorID = who
			return e
		}
		require.NoError(t, store.ApplyProjection(ctx, escalated, []models.ActionEvent{
			byHand(5, 45, "carol", "guest called the manager"), byHand(6, 50, "dave", "refund over the limit")}))
		one, err = store.HandoverReport(ctx, minute(5), minute(60), "kitchen")
		require.NoError(t, err)
		require.Equal(t, map[string]int{"not_checked": 1, "by_hand": 2}, one.Overall.Escalations)
		require.Equal(t, []models.EscalatedByHand{
			{ActionID: "a-kitchen", ActionTitle: "Title of a-kitchen", ActorID: "dave", Reason: "refund over the limit", At: minute(50)},
			{ActionID: "a-kitchen", ActionTitle: "Title of a-kitchen", ActorID: "carol", Reason: "guest called the manager", At: minute(45)},
		}, one.EscalationReasons)

		// Asked again and again (a prepared statement's sixth run may be planned anew), the same.
		for range 7 {
			again, err := store.HandoverReport(ctx, minute(5), minute(60), "kitchen")
			require.NoError(t, err)
			require.Equal(t, one, again)
		}

		var indexes int64
		q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
		if store.Dialect() == models.DialectPostgres {
			q = "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?"
		}
		require.NoError(t, store.DB().Raw(q, "handovers_requested_at").Scan(&indexes).Error)
		require.EqualValues(t, 1, indexes, "the handovers are indexed by when they were made")
	})
}

// Every outcome counts with the last handover made before it, in that handover's window and
// situation, however long after: the windows of a split add up to the whole, and the situations
// to the overall figures. "late" was handed over when busy in the first half and completed, past
// its due time, in the second; "twice" handed over when busy in the first half and when quiet in
// the second, then escalated and completed, both after the second; "after" handed over in the
// second half and again after the window, where its completion counts; "before" was escalated
// before its handover of the window and completed after it.
func TestReportOutcomesFollowTheirHandover(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		b := reportTestBundle{t: t, store: store}
		quiet := func(id string, m int) models.Handover {
			h := rated(id, m, 0, "")
			h.Situation = "quiet"
			return h
		}
		b.project("late", "frontdesk", rated("h1", 10, 0, ""))
		b.project("twice", "frontdesk", rated("h1", 20, 0, ""), quiet("h2", 70))
		b.project("after", "frontdesk", rated("h1", 80, 0, ""), rated("h2", 130, 0, ""))
		b.project("before", "frontdesk", rated("h1", 30, 0, ""))
		at := func(seq int64, typ string, m int, data string) models.ActionEvent {
			e := event(seq, typ)
			e.At, e.Data = minute(m), data
			return e
		}
		due := func(m int) string { return fmt.Sprintf(`{"due_at":%q}`, minute(m).Format(time.RFC3339Nano)) }
		apply := func(id string, events ...models.ActionEvent) {
			require.NoError(t, store.ApplyProjection(ctx, actionAt(id, int64(len(events)), "completed", "bob"), events))
		}
		apply("late", at(1, "created", 0, due(40)), at(2, "handover_accepted", 11, `{}`), at(3, "due", 40, `{}`), at(4, "completed", 90, `{}`))
		apply("twice", at(1, "created", 0, due(200)), at(2, "handover_accepted", 21, `{}`), at(3, "handover_accepted", 71, `{}`),
			at(4, "escalated", 75, `{"reason_kind":"by_hand","reason":"guest called"}`), at(5, "completed", 95, `{}`))
		apply("after", at(1, "created", 0, due(200)), at(2, "handover_accepted", 81, `{}`), at(3, "escalated", 100, `{"reason_kind":"not_accepted"}`),
			at(4, "handover_accepted", 131, `{}`), at(5, "completed", 140, `{}`))
		apply("before", at(1, "created", 0, due(200)), at(2, "escalated", 25, `{"reason_kind":"not_checked"}`), at(3, "handover_accepted", 31, `{}`),
			at(4, "completed", 50, `{}`))

		report := func(from, to int) models.HandoverReport {
			r, err := store.HandoverReport(ctx, minute(from), minute(to), "")
			require.NoError(t, err)
			return r
		}
		whole, first, second := report(0, 120), report(0, 60), report(60, 120)
		require.Equal(t, 3, whole.Overall.Completed, "late, twice and before; after's completion follows its handover made after the window")
		require.Equal(t, 2, whole.Overall.CompletedOnTime)
		require.Equal(t, map[string]int{"by_hand": 1, "not_accepted": 1}, whole.Overall.Escalations, "before's escalation came before its handover")

		require.Equal(t, 2, first.Overall.Completed, "late's completion after the window and before's in it")
		require.Equal(t, 1, first.Overall.CompletedOnTime, "late was past its due time")
		require.Empty(t, first.Overall.Escalations, "twice's escalation follows its second handover")
		require.Empty(t, first.EscalationReasons)
		require.Equal(t, 1, second.Overall.Completed, "twice's")
		require.Equal(t, map[string]int{"by_hand": 1, "not_accepted": 1}, second.Overall.Escalations)
		require.Len(t, second.EscalationReasons, 1)

		for _, r := range []models.HandoverReport{whole, first, second} {
			sum := 0
			for _, g := range r.BySituation {
				sum += g.Completed
			}
			require.Equal(t, r.Overall.Completed, sum, "the situations add up to the overall figure")
		}
		require.Equal(t, whole.Overall.Completed, first.Overall.Completed+second.Overall.Completed, "the halves add up to the whole")
		require.Equal(t, 1, second.BySituation["quiet"].Completed, "twice counts under its last handover's situation")
		require.Zero(t, second.BySituation["busy"].Completed, "after's completion is not this window's")

		// after's completion (minute 140) follows its handover of minute 130; a window reaching it
		// counts it there.
		require.Equal(t, 1, report(120, 180).Overall.Completed)

		// Time held runs to the end of the holding, not of the window: bob held late from minute 11
		// to its completion at minute 90, twice from 21 to its next acceptance at 71, before from 31
		// to 50.
		require.InDelta(t, ((90-11)+(71-21)+(50-31))*60, first.Overall.TimeHeld["bob"].TotalSeconds, 0.001)
	})
}

// A review week ends on Monday 06:00 UTC: the last such time at or before any instant.
func TestWeekEnd(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	for at, want := range map[time.Time]time.Time{
		monday:                       monday,
		monday.Add(-time.Nanosecond): monday.AddDate(0, 0, -7),
		monday.Add(time.Hour):        monday,
		time.Date(2026, 12, 3, 23, 48, 0, 0, time.UTC):                  monday, // a Thursday's trigger keeps the week that ended on Monday
		time.Date(2026, 12, 6, 23, 59, 0, 0, time.UTC):                  monday,
		time.Date(2026, 12, 7, 7, 0, 0, 0, time.FixedZone("CET", 3600)): monday.AddDate(0, 0, 7), // Mon 06:00 UTC exactly
	} {
		require.Equal(t, want, models.WeekEnd(at), at.String())
	}
	// In a team's own zone: Monday 06:00 there, across a change of the clocks too.
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		return loc
	}
	for _, c := range []struct {
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{monday, zone("Asia/Tokyo"), time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 29, 20, 59, 0, 0, time.UTC), zone("Asia/Tokyo"), time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC)},
		{monday, zone("America/New_York"), time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC), zone("America/New_York"), time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), zone("America/New_York"), time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)},  // after the clocks went back (1 Nov): EST
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), zone("America/New_York"), time.Date(2026, 10, 26, 10, 0, 0, 0, time.UTC)}, // before: EDT
		{monday, zone("Asia/Kolkata"), time.Date(2026, 11, 30, 0, 30, 0, 0, time.UTC)},
	} {
		require.Equal(t, c.want, models.WeekEndIn(c.at, c.loc), "%s in %s", c.at, c.loc)
	}
	// The next to end: 169 hours after one that ended before the clocks went back.
	require.Equal(t, monday.AddDate(0, 0, 7), models.NextWeekEnd(monday, time.UTC))
	require.Equal(t, time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC),
		models.NextWeekEnd(time.Date(2026, 10, 26, 10, 30, 0, 0, time.UTC), zone("America/New_York")))
}

// A weekly review saved at any time of a week, as often as it runs, keeps the week that ended on
// the Monday before, once per team: all together to Monday 06:00 UTC, a team with opening hours
// to Monday 06:00 in its own zone, a team without them in UTC.
func TestSaveWeeklyReportsKeepsOneRowAWeek(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "tokyo", Name: "Tokyo"}))
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "plain", Name: "Around the clock"}))
		_, err := store.SaveCalendar(ctx, models.TeamCalendar{TeamID: "tokyo", TimeZone: "Asia/Tokyo", Hours: `[{"day":"mon","open":"09:00","close":"17:00"}]`, Holidays: "[]", UpdatedBy: "test-admin"})
		require.NoError(t, err)
		monday := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
		tokyoMonday := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC) // Mon 30 Nov 06:00 in Tokyo
		saved := 0
		for _, at := range []time.Time{tokyoMonday.Add(time.Minute), monday.Add(time.Minute), monday.Add(time.Hour), monday.AddDate(0, 0, 3), monday.AddDate(0, 0, 6)} {
			n, err := store.SaveWeeklyReports(ctx, at)
			require.NoError(t, err)
			saved += n
		}
		require.Equal(t, 3+2, saved, "at 21:01 UTC on Sunday, Tokyo's week and the week before elsewhere; from Monday 06:00 UTC, the others' week; each once")
		for team, until := range map[string]time.Time{"": monday, "plain": monday, "tokyo": tokyoMonday} {
			kept, err := store.ListWeeklyReports(ctx, team, 10)
			require.NoError(t, err)
			require.True(t, kept[0].Until.Equal(until), "%q: %s", team, kept[0].Until)
			require.True(t, kept[0].Since.Equal(until.AddDate(0, 0, -7)), "%q: %s", team, kept[0].Since)
		}
		kept, err := store.ListWeeklyReports(ctx, "tokyo", 10)
		require.NoError(t, err)
		require.Len(t, kept, 1, "Tokyo's week, once")
		kept, err = store.ListWeeklyReports(ctx, "", 10)
		require.NoError(t, err)
		require.Len(t, kept, 2, "at 21:01 UTC on Sunday, all together kept the week before; from Monday 06:00 UTC, this one")
		kept, err = store.ListWeeklyReports(ctx, "plain", 10)
		require.NoError(t, err)
		require.Len(t, kept, 2, "a team without opening hours, as all together")
		n, err := store.SaveWeeklyReports(ctx, monday.AddDate(0, 0, 6))
		require.NoError(t, err)
		require.Zero(t, n, "a week kept is left as it is")
	})
}

// A run after weeks without one (the schedule or its workers down) keeps each week missed since
// the team's last one kept, up to eight, not only the last, the oldest first; a team with none
// kept yet gets the last week alone.
func TestSaveWeeklyReportsCatchesUpOnWeeksMissed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		monday := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
		n, err := store.SaveWeeklyReports(ctx, monday.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, n, "all teams together: the week to 2 Nov alone")

		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "late", Name: "Late"}))
		n, err = store.SaveWeeklyReports(ctx, monday.AddDate(0, 0, 21).Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 3+1, n, "the three weeks missed of all together; the new team's last week")
		kept, err := store.ListWeeklyReports(ctx, "", 10)
		require.NoError(t, err)
		require.Len(t, kept, 4)
		for i, r := range kept {
			until := monday.AddDate(0, 0, 7*(3-i))
			require.True(t, r.Until.Equal(until), "week %d: %s, want %s", i, r.Until, until)
			require.True(t, r.Since.Equal(until.AddDate(0, 0, -7)), "week %d: %s", i, r.Since)
		}
		kept, err = store.ListWeeklyReports(ctx, "late", 10)
		require.NoError(t, err)
		require.Len(t, kept, 1)

		n, err = store.SaveWeeklyReports(ctx, monday.AddDate(0, 0, 21+7*12).Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 8+8, n, "twelve weeks missed: the last eight of each")
		kept, err = store.ListWeeklyReports(ctx, "", 20)
		require.NoError(t, err)
		require.Len(t, kept, 12)
		require.True(t, kept[7].Until.Equal(monday.AddDate(0, 0, 21+7*5)), "the oldest caught up: %s", kept[7].Until)
		require.True(t, kept[8].Until.Equal(monday.AddDate(0, 0, 21)), "then the last kept before: %s", kept[8].Until)
		// The oldest first, so that a run cut short keeps those and the next goes on from there.
		require.True(t, kept[7].CreatedAt.Before(kept[0].CreatedAt), "oldest made %s, newest %s", kept[7].CreatedAt, kept[0].CreatedAt)
	})
}
