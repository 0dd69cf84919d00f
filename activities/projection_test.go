package activities_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// At the due time of an action a supervisor owns, nobody handed over to them: the owner is asked
// for its outcome, and the team's other supervisors to check it. The owner is not also asked, as a
// supervisor, to check their own work (two notices for one due time).
func TestSupervisorOwnerIsAskedOnceAtTheDueTime(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "sam", Name: "Sam Stone", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	in := workflows.StartInput{
		ActionID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "carol",
		TeamID: team, DueAt: now.Add(time.Minute), CreatedBy: workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor},
		Revision: workflows.CurrentRevision,
	}
	s, created := workflows.NewState(in, now)
	events := append([]workflows.Event{created}, s.Fire(workflows.DeadlineDue, now.Add(time.Minute))...)
	out := s.TakeOutbox()
	require.Len(t, out, 2, "the owner's outcome and the supervisors' check")

	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: out})
	require.NoError(t, err)
	require.Equal(t, []string{workflows.NotifyOutcomeAsked}, inboxKinds(t, store, "carol"))
	require.Equal(t, []string{workflows.NotifyCheckAsked}, inboxKinds(t, store, "sam"))
}

// Each write of an action to the read model is timed from the earliest change it carries: what the
// operator watches to see the read model fall behind (an outage, a slow database).
func TestProjectionLagIsObserved(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t, models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true})
	ctx := context.Background()
	now := time.Now().UTC()
	in := workflows.StartInput{
		ActionID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "ann",
		TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: workflows.Actor{ID: "ann", Role: workflows.RoleAgent},
		Revision: workflows.CurrentRevision,
	}
	// Changed 90 s ago and written now, as after an outage of the read model.
	s, created := workflows.NewState(in, now.Add(-90*time.Second))
	reg := prometheus.NewRegistry()
	acts := &activities.Activities{Store: store, ProjectionLag: activities.NewProjectionLag(reg), Now: func() time.Time { return now }}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: []workflows.Event{created}})
	require.NoError(t, err)
	families, err := reg.Gather()
	require.NoError(t, err)
	require.Len(t, families, 1)
	require.Equal(t, "handover_projection_lag_seconds", families[0].GetName())
	h := families[0].GetMetric()[0].GetHistogram()
	require.Equal(t, uint64(1), h.GetSampleCount())
	require.InDelta(t, 90, h.GetSampleSum(), 0.001)
}

// A follow-up reminder of a hander who has been deactivated goes to the team's supervisors, but
// not to one of them who owns the action: they would be asked to follow up with themselves.
func TestFollowUpOfAHanderGoneSkipsTheSupervisorWhoOwnsIt(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "gil", Name: "Gil Gone", Role: "agent", TeamID: &team, Authority: 1, Active: false},
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Authority: 3, Active: true, OnShift: true},
		models.Staff{ID: "sam", Name: "Sam Stone", Role: "supervisor", TeamID: &team, Authority: 3, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	s := handedFromGilToCarol(team, now)
	events := s.Fire(workflows.DeadlineFollowUp, now.Add(time.Hour))
	out := s.TakeOutbox()
	require.Len(t, out, 1)
	require.Equal(t, workflows.NotifyFollowUp, out[0].Kind)

	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: out})
	require.NoError(t, err)
	for who, n := range map[string]int{"sam": 1, "carol": 0, "gil": 0} {
		told, err := store.ListNotifications(ctx, who, 10)
		require.NoError(t, err)
		require.Len(t, told, n, who)
	}
}

// At the due time of an action handed to the team's only supervisor by someone since deactivated,
// the check asked in the hander's place is not the owner's own to make: it goes to the managers,
// told both reasons.
func TestCheckInTheHandersPlaceOfTheOnlySupervisorsActionGoesUp(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "gil", Name: "Gil Gone", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true},
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Authority: 3, Active: true, OnShift: true},
		models.Staff{ID: "dave", Name: "Dave Diaz", Role: "manager", Authority: 4, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	s := handedFromGilToCarol(team, now)
	gone := models.Staff{ID: "gil", Name: "Gil Gone", Role: "agent", TeamID: &team, Authority: 1, Active: false}
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", gone, []string{"active"}, false))
	events := s.Fire(workflows.DeadlineDue, now.Add(2*time.Hour))
	out := s.TakeOutbox()
	require.Len(t, out, 2, "the owner's outcome and the hander's check")
	for i := range out {
		out[i].OwnerID, out[i].Status, out[i].Version = s.OwnerID, s.Status, s.Version // as the workflow stamps them
	}

	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: out})
	require.NoError(t, err)
	require.Equal(t, []string{workflows.NotifyOutcomeAsked}, inboxKinds(t, store, "carol"), "not asked to check her own")
	told, err := store.ListNotifications(ctx, "dave", 10)
	require.NoError(t, err)
	require.Len(t, told, 1)
	require.Equal(t, "“Late checkout”, which Gil Gone handed to Carol Clark, is due: check it was done."+
		" (It comes to you because Gil Gone has been deactivated, and the team's only supervisor owns it: check it in their place.)", told[0].Message)
}

// handedFromGilToCarol is action a1 of team, due in two hours, that Gil handed to Carol, the
// supervisor, who accepted it at now; what it told is taken.
func handedFromGilToCarol(team string, now time.Time) workflows.State {
	gil := workflows.Actor{ID: "gil", Role: workflows.RoleAgent, Name: "Gil Gone"}
	s, _ := workflows.NewState(workflows.StartInput{
		ActionID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "gil", OwnerName: "Gil Gone",
		TeamID: team, DueAt: now.Add(2 * time.Hour), CreatedBy: gil, Revision: workflows.CurrentRevision,
	}, now)
	workflows.ApplyHandover(&s, workflows.HandoverInput{Actor: gil, Reason: "going home", Method: "written", Situation: "routine",
		To:    workflows.Recipient{ID: "carol", Name: "Carol Clark", Role: workflows.RoleSupervisor, TeamID: team, Authority: 3, OnShift: true, Active: true},
		Notes: workflows.HandoverNotes{Summary: "2pm checkout"}}, now)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor}, Summary: "mine"}, now)
	s.TakeOutbox()
	return s
}

// A message the integration could not send is given to tell by hand in the words and to the
// people the workflow chose, also by a worker without a webhook (which gives the others to the
// owner in its own words); and a write made again after a workflow task thrown away gave it to
// someone else takes that one's task back, though it lies at the message's entry.
func TestUndeliveredMessageGivenByHand(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "erin", Name: "Erin Evans", Role: "agent", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	in := workflows.StartInput{
		ActionID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "alice",
		TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent},
		Revision: workflows.CurrentRevision,
	}
	s, created := workflows.NewState(in, now)
	events := []workflows.Event{created}
	events = append(events, workflows.ApplyHandover(&s, workflows.HandoverInput{
		Actor: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}, To: workflows.Recipient{ID: "bob", Role: workflows.RoleAgent, Authority: 1, TeamID: team, OnShift: true},
		Reason: "my shift ends", Method: "face_to_face", Situation: "busy", Notes: workflows.HandoverNotes{Summary: "2pm checkout"},
	}, now)...)
	events = append(events, workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: workflows.Actor{ID: "bob", Role: workflows.RoleAgent}, Summary: "2pm checkout"}, now)...)
	s.TakeOutbox() // sent to the integration, which refused the message
	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events})
	require.NoError(t, err)
	seq := s.Messages[0].Seq

	tasksOf := func(who string) []string {
		t.Helper()
		told, err := store.ListNotifications(ctx, who, 10)
		require.NoError(t, err)
		var out []string
		for _, n := range told {
			if n.Kind == models.KindTellCustomer {
				out = append(out, n.Message)
			}
		}
		return out
	}
	// A workflow task, thrown away, gave it to erin (who owned it in that task's view).
	thrown := s.Clone()
	thrown.OwnerID = "erin"
	later := now.Add(24 * time.Hour)
	_, err = acts.ProjectAction(ctx, workflows.Projection{State: thrown, Events: thrown.MessageUndelivered(later, seq), Notifications: thrown.TakeOutbox()})
	require.NoError(t, err)
	want := `The integration could not send the customer of “Late checkout” the message of entry 4 of its timeline: tell them yourself, and record how.`
	require.Equal(t, []string{want}, tasksOf("erin"), "the workflow's words, not those for a desk without an integration")

	// The workflow's own write of that change gives it to bob, and takes erin's back.
	undelivered := s.MessageUndelivered(later, seq)
	s.UpdatedAt = s.UpdatedAt.Add(time.Second)
	_, err = acts.ProjectAction(ctx, workflows.Projection{State: s, Events: undelivered, Notifications: s.TakeOutbox(), WholeInbox: true})
	require.NoError(t, err)
	require.Equal(t, []string{want}, tasksOf("bob"))
	require.Empty(t, tasksOf("erin"))
	require.EqualValues(t, 4, seq)
}

// Where the integration sends messages to customers, nobody was asked to tell one it sent, so
// nobody hears that a colleague recorded telling it; one it could not send was given to someone,
// who does.
func TestMessageRecordedToldOnlyToWhoeverWasAsked(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	recorded := func(id string, undelivered, undo bool) int {
		t.Helper()
		in := workflows.StartInput{
			ActionID: id, Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "alice",
			TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent},
			Revision: workflows.CurrentRevision,
		}
		s, created := workflows.NewState(in, now)
		events := []workflows.Event{created}
		events = append(events, workflows.ApplyComplete(&s, workflows.CompleteInput{Actor: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}, Outcome: "done", CustomerMessage: "All set."}, now)...)
		seq := s.Messages[0].Seq
		if undelivered {
			events = append(events, s.MessageUndelivered(now, seq)...)
		}
		s.TakeOutbox()
		bob := workflows.Actor{ID: "bob", Role: workflows.RoleAgent, Name: "Bob Brown"}
		told := workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}
		require.NoError(t, workflows.CheckTold(&s, told))
		events = append(events, workflows.ApplyTold(&s, told, now)...)
		want := 1
		if undo {
			// Undone by bob in the same write: alice is told it is hers to tell again.
			again := workflows.ToldInput{Actor: bob, MessageSeq: seq, Outcome: workflows.MessageUndo, Note: "wrong guest"}
			require.NoError(t, workflows.CheckTold(&s, again))
			events = append(events, workflows.ApplyTold(&s, again, now)...)
			want = 2
		}
		notes := s.TakeOutbox()
		require.Len(t, notes, want, "the workflow tells alice, who owned it")
		acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: "http://127.0.0.1:9/hook", Secret: "s"}}
		_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: notes})
		require.NoError(t, err)
		records, err := store.ListNotifications(ctx, "alice", 20)
		require.NoError(t, err)
		n := 0
		for _, r := range records {
			if r.ActionID == id && r.Kind == workflows.NotifyMessageRecorded {
				n++
			}
		}
		return n
	}
	require.Zero(t, recorded("sent", false, false), "the integration sent it")
	require.Equal(t, 1, recorded("by-hand", true, false), "given to alice to tell by hand")
	require.Zero(t, recorded("sent-undone", false, true), "the integration sent it")
	require.Equal(t, 2, recorded("by-hand-undone", true, true), "the record and its undo, of a message given to alice by hand")
}

// An undo and a new record of the same message written together (a projection that caught up
// after an outage) leave the task done by the new record, not the one undone: the action page
// offers to undo the record that stands.
func TestUndoAndRecordInOneWriteLeaveTheNewRecord(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	alice := workflows.Actor{ID: "alice", Role: workflows.RoleAgent, Name: "Alice Adams"}
	bob := workflows.Actor{ID: "bob", Role: workflows.RoleAgent, Name: "Bob Brown"}
	in := workflows.StartInput{
		ActionID: "a-redo", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "alice",
		TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: alice, Revision: workflows.CurrentRevision,
	}
	s, created := workflows.NewState(in, now)
	events := append([]workflows.Event{created}, workflows.ApplyComplete(&s, workflows.CompleteInput{Actor: alice, Outcome: "done", CustomerMessage: "All set."}, now)...)
	seq := s.Messages[0].Seq
	events = append(events, workflows.ApplyTold(&s, workflows.ToldInput{Actor: alice, MessageSeq: seq, Method: "phone"}, now)...)
	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: s.TakeOutbox(), WholeInbox: true})
	require.NoError(t, err)
	first := s.Messages[0].EndedSeq
	tasks, err := store.TellTasks(ctx, "a-redo")
	require.NoError(t, err)
	require.Equal(t, map[int64]int64{first: seq}, models.TellRecords(tasks))

	later := now.Add(time.Minute)
	events = workflows.ApplyTold(&s, workflows.ToldInput{Actor: alice, MessageSeq: seq, Outcome: workflows.MessageUndo, Note: "wrong guest"}, later)
	events = append(events, workflows.ApplyTold(&s, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "email"}, later)...)
	_, err = acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: s.TakeOutbox(), WholeInbox: true})
	require.NoError(t, err)
	second := s.Messages[0].EndedSeq
	require.Greater(t, second, first)
	tasks, err = store.TellTasks(ctx, "a-redo")
	require.NoError(t, err)
	require.Equal(t, map[int64]int64{second: seq}, models.TellRecords(tasks), "the record that stands")
	open, err := store.OpenTellTasks(ctx, "a-redo")
	require.NoError(t, err)
	require.Empty(t, open)
}

// The read model keeps the opening hours an action's clocks count, as it started with them (its
// calendar snapshot's zone and hours: not its holidays nor the captured zone rules), or "" when
// they count around the clock:
// without a calendar, or on a 24/7 policy.
func TestActionRowKeepsTheHoursTheActionCounts(t *testing.T) {
	t.Parallel()
	cal := &calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "18:00"}},
		Holidays: []string{"2026-12-25"}, Zone: []byte("TZif..."), Maths: 2}
	business := activities.ActionRow(workflows.State{Calendar: cal})
	require.NotNil(t, business.ClockHours)
	require.JSONEq(t, `{"time_zone":"Europe/London","hours":[{"day":"mon","open":"08:00","close":"18:00"}]}`, *business.ClockHours, "the zone and hours the pages say")
	for name, s := range map[string]workflows.State{
		"no calendar": {},
		"24/7":        {Calendar: cal, Policy: workflows.Policy{Clock: workflows.Clock247}},
	} {
		row := activities.ActionRow(s)
		require.NotNil(t, row.ClockHours, name)
		require.Empty(t, *row.ClockHours, name)
	}
}

// The read model keeps the policy an action's clocks count, as the workflow holds it: the
// category's durations with the action's own, which the API and the action's page say.
func TestActionRowKeepsThePolicyTheActionCounts(t *testing.T) {
	t.Parallel()
	policy := workflows.Policy{Version: 3, AcceptWithin: 10 * time.Minute, CheckWithin: 2 * time.Hour,
		EscalateWithin: time.Hour, AssignWithin: 15 * time.Minute, FollowUpEvery: 45 * time.Minute,
		PauseRemindEvery: 6 * time.Hour, Clock: workflows.Clock247, RequiredFields: []string{"room"}}
	row := activities.ActionRow(workflows.State{Policy: policy})
	require.NotNil(t, row.Policy)
	var kept workflows.Policy
	require.NoError(t, json.Unmarshal([]byte(*row.Policy), &kept))
	require.Equal(t, policy, kept)
}
