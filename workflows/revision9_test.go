package workflows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// Row "pause: waiting on the customer" (revision 9): resuming moves each deadline by the business
// time the pause took, so a pause that took none moves nothing. Revision 8 counted the time left
// from the resume, which brought a due time given in closed time forward: paused and resumed on a
// Saturday, a Sunday noon due time became Saturday at the resume ("due now"), a Tuesday 07:00 one
// Monday 18:00.
func TestResumeNeverBringsADeadlineForward(t *testing.T) {
	t.Parallel()
	saturday10 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                          string
		due, resumed, revision8, want time.Time
	}{
		{"due on Sunday, no open time in the pause", time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), saturday10.Add(time.Hour),
			saturday10.Add(time.Hour), time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)},
		{"due before Tuesday's opening", time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC), saturday10.Add(time.Hour),
			time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)},
		{"a pause into Monday moves it by the two open hours it took", time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC), time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for rev, want := range map[int]time.Time{9: tc.want, 8: tc.revision8} {
				in := startInput("r9")
				in.Revision, in.DueAt, in.Calendar = rev, tc.due, officeHours()
				s, _ := workflows.NewState(in, saturday10.Add(-time.Hour))
				workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}, saturday10)
				workflows.ApplyResume(&s, workflows.ResumeInput{Actor: alice, Reason: "the customer answered"}, tc.resumed)
				require.True(t, s.DueAt.Equal(want), "revision %d: due %s, want %s", rev, s.DueAt, want)
			}
		})
	}
}

// A shift handover's request says "shift handover" once and gives the shift's notes, which the
// recipient works from (revision 9): it read "...in a shift handover: shift handover." and left
// the notes out.
func TestShiftHandoverRequestGivesTheShiftNotes(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		rev              int
		startedBy, notes string
		want             string
	}{
		{9, "carol", "Room 12 waits for a plumber", `carol passes you alice's "Late checkout" in a shift handover: shift notes: Room 12 waits for a plumber. Accept or decline by `},
		{9, "alice", "  Room 12 waits for a plumber\n", `alice passes you "Late checkout" in a shift handover: shift notes: Room 12 waits for a plumber. Accept or decline by `},
		{9, "alice", "", `alice passes you "Late checkout" in a shift handover: no notes for the shift. Accept or decline by `},
		{9, "alice", strings.Repeat("x", 400), `alice passes you "Late checkout" in a shift handover: shift notes: ` + strings.Repeat("x", 299) + "…. Accept"},
		{8, "carol", "Room 12 waits for a plumber", `carol passes you alice's "Late checkout" in a shift handover: shift handover. Accept or decline by `},
		{8, "alice", "Room 12 waits for a plumber", `alice asks you to take over "Late checkout": shift handover. Accept or decline by `},
	} {
		in := startInput("s9")
		in.Revision = tc.rev
		s, _ := workflows.NewState(in, now)
		h := handoverTo(onShift("bob", 1))
		h.Reason, h.Method, h.Notes = "shift handover", "report", workflows.HandoverNotes{Summary: tc.notes}
		h.ShiftHandoverID, h.StartedBy = "sh1", tc.startedBy
		workflows.ApplyHandover(&s, h, now)
		out := s.TakeOutbox()
		require.Len(t, out, 1)
		require.True(t, strings.HasPrefix(out[0].Message, tc.want), "revision %d: %s", tc.rev, out[0].Message)
	}
}

// A check that finds the action not done, without notes, gives its next step the reason "not done
// at check" (revision 9; it was "not done at check: " with nothing after the colon); with notes,
// the notes follow.
func TestNotDoneAtCheckReason(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		rev          int
		notes, want  string
		next         string
		wantNotified string
	}{
		{9, "", "not done at check", workflows.NextReassign, `"Late checkout" is now yours (reassigned by carol): not done at check`},
		{9, "parts late", "not done at check: parts late", workflows.NextReassign, ""},
		{9, " ", "not done at check", workflows.NextEscalate, ""},
		{9, "", "not done at check", workflows.NextExtend, ""},
		{8, "", "not done at check: ", workflows.NextReassign, ""},
	} {
		in := startInput("c9")
		in.Revision = tc.rev
		s, _ := workflows.NewState(in, now)
		s.Status = workflows.StatusChecking
		check := workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Notes: tc.notes, Next: tc.next}
		switch tc.next {
		case workflows.NextReassign:
			bob := onShift("bob", 1)
			check.To = &bob
		case workflows.NextExtend:
			check.DueIn = time.Hour
		}
		events := workflows.ApplyCheck(&s, check, now)
		require.Len(t, events, 2, "the check and its next step")
		require.Equal(t, tc.want, events[1].Data["reason"], "revision %d, %s", tc.rev, tc.next)
		if tc.wantNotified != "" {
			var messages []string
			for _, n := range s.TakeOutbox() {
				messages = append(messages, n.Message)
			}
			require.Contains(t, messages, tc.wantNotified)
		}
	}
}
