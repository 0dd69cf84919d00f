package workflows

import (
	"fmt"
	"strings"
	"time"

	"github.com/handover/handover/calendar"
)

// clock is the action's business-time clock, or nil when it counts around the clock: its team has
// no calendar, or its policy says 24/7. The calendar is the snapshot the action started with, so a
// replay computes every deadline to the same instant.
func (s *State) clock() *calendar.Clock {
	if s.Calendar == nil || s.Policy.Clock == Clock247 {
		return nil
	}
	if s.compiled == nil {
		k, err := s.Calendar.Compile()
		if err != nil {
			// The API stores only valid calendars; an invalid snapshot counts around the clock
			// rather than never.
			return nil
		}
		s.compiled = k
	}
	return s.compiled
}

// after is the instant d of the action's time after t: business time on its calendar, or plain
// time around the clock.
func (s *State) after(t time.Time, d time.Duration) time.Time {
	if k := s.clock(); k != nil {
		return k.Add(t, d)
	}
	return t.Add(d)
}

// between is how much of the action's time passes from a to b (zero when b is not after a).
func (s *State) between(a, b time.Time) time.Duration {
	if k := s.clock(); k != nil {
		return k.Between(a, b)
	}
	if !b.After(a) {
		return 0
	}
	return b.Sub(a)
}

// deadline is when a clock that leads to an escalation runs out, d of the action's time after
// now. While the action is paused its clocks stand still, so a deadline set then counts from the
// pause and moves on with the others when the action is resumed.
func (s *State) deadline(now time.Time, d time.Duration) *time.Time {
	if s.Paused && s.PausedAt != nil {
		now = *s.PausedAt
	}
	return stampPtr(s.after(now, d))
}

// dueFrom resolves a new due time: DueIn counted on the action's clock from now, else at.
func (s *State) dueFrom(now time.Time, in time.Duration, at time.Time) time.Time {
	if in > 0 {
		return *s.deadline(now, in)
	}
	return stamp(at)
}

// setDue sets the due time. One given as a time while the action is paused is kept where it was
// given when the action resumes (from revision 5); one counted from now moves on with the pause,
// as every running clock does.
func (s *State) setDue(due time.Time, absolute bool) {
	s.DueAt = stamp(due)
	s.DueFixed = s.Paused && absolute && s.revision >= 5
}

func checkPauser(s *State, command string, a Actor) error {
	if err := checkTransition(s, command); err != nil {
		return err
	}
	if a.ID != s.OwnerID && !a.Role.SupervisorOrAbove() {
		return refuse(ErrForbidden, "only the owner or a supervisor can %s this action", command)
	}
	return nil
}

// CheckPause refuses a pause by anyone but the owner or a supervisor (an escalated action's by a
// supervisor or manager only), of an action already paused, or without a reason.
func CheckPause(s *State, in PauseInput) error {
	if err := checkPauser(s, UpdatePause, in.Actor); err != nil {
		return err
	}
	if s.Status == StatusEscalated && !in.Actor.Role.SupervisorOrAbove() {
		// Paused, its climb up the ladder and the reminders of its top stop: that is for those it
		// is escalated to, not for the owner it was escalated over.
		return refuse(ErrForbidden, "the action is escalated (level %d): a supervisor or manager pauses it, as those it is escalated to", s.EscalationLevel)
	}
	if s.Paused {
		// A copy of the state from the read model knows that the action is paused, not since when.
		if s.PausedAt == nil {
			return refuse(ErrConflict, "the action is already paused")
		}
		return refuse(ErrConflict, "the action is already paused since %s", s.PausedAt.Format(time.RFC3339))
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say what the customer is to answer")
	}
	if (in.ResumeIn > 0 || in.ResumeAt != nil) && s.revision < 24 {
		field := "resume_in"
		if in.ResumeAt != nil {
			field = "resume_at"
		}
		return refuseFields([]FieldRefusal{{Field: field, Message: "this action was started before a pause could end by itself: pause it without one, and resume it when the customer answers"}})
	}
	return nil
}

// ApplyPause stops the clocks: no deadline that leads to an escalation (assignment, acceptance,
// due time, check, next escalation level) fires until the action is resumed. Follow-up reminders
// to the person who handed it over go on: they lead to no escalation.
func ApplyPause(s *State, in PauseInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	switch {
	case s.revision < 24:
		// Before revision 24 a pause had no end: one asked of such an action anyway (by an API of
		// this release, answered by a worker of the release before, which dropped it) replays
		// as that worker recorded it, without one.
	case in.ResumeIn > 0:
		s.ResumeAt = stampPtr(s.after(now, in.ResumeIn))
	case in.ResumeAt != nil:
		s.ResumeAt = stampPtr(*in.ResumeAt)
	}
	if s.ResumeAt == nil && s.revision >= 25 {
		// Without an end nothing else brings it back: a reminder, as often as its policy says.
		s.PauseRemindAt = s.pauseReminder(now)
	}
	s.Paused = true
	s.PausedAt = stampPtr(now)
	s.PauseReason = in.Reason
	data := map[string]any{"reason": in.Reason, "status": string(s.Status)}
	until := ""
	if s.ResumeAt != nil {
		data["resume_at"] = *s.ResumeAt
		until = " until " + s.ResumeAt.Format(time.RFC3339)
	}
	if s.PauseRemindAt != nil {
		data["remind_at"] = *s.PauseRemindAt
	}
	ev := s.record(now, in.Actor.ID, EventPaused, data)
	if s.OwnerID != "" && s.OwnerID != in.Actor.ID {
		var message string
		switch {
		case s.PauseRemindAt != nil:
			// Told by someone else, the owner learns by whom, and that the reminders are theirs.
			message = fmt.Sprintf("%s is paused by %s, waiting on the customer: %s Resume it once they answer; you are reminded of it %s meanwhile, first at %s.",
				s.title(), s.who(in.Actor.ID), s.ended(in.Reason), s.remindWords(), s.PauseRemindAt.Format(time.RFC3339))
		case s.revision >= 25:
			message = fmt.Sprintf("%s is paused by %s%s, waiting on the customer: %s", s.title(), s.who(in.Actor.ID), until, s.ended(in.Reason))
		default:
			message = fmt.Sprintf("%s is paused%s, waiting on the customer: %s", s.title(), until, in.Reason)
		}
		s.notify(ev, NotifyAssigned, []string{s.OwnerID}, "", message)
	}
	return []Event{ev}
}

// DueLeft is how much of the action's time is left to its due time while it is paused: the time
// it will have when resumed (business time on its calendar, or plain time), in whole seconds, as
// the read model keeps it. False when the action is not paused, or its due time was given as a
// time while paused and stays there on resume.
func (s *State) DueLeft() (time.Duration, bool) {
	switch {
	case !s.Paused:
		return 0, false
	case s.DueLeftStored != nil:
		return *s.DueLeftStored, true
	case s.PausedAt == nil || s.DueFixed:
		return 0, false
	}
	return s.between(*s.PausedAt, s.DueAt).Truncate(time.Second), true
}

// CheckResume refuses a resume by anyone but the owner or a supervisor, of an action not
// paused, or without a reason.
func CheckResume(s *State, in ResumeInput) error {
	if err := checkPauser(s, UpdateResume, in.Actor); err != nil {
		return err
	}
	if !s.Paused {
		if s.ChangedType == EventResumed && s.ChangedBy == SystemActor {
			// Its pause ran out a moment before: the person resuming it may not have seen that.
			return refuse(ErrConflict, "the action is not paused: it resumed by itself when its pause ran out")
		}
		return refuse(ErrConflict, "the action is not paused")
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say what the customer answered")
	}
	return nil
}

// resumed is deadline d of an action paused since from, as it stands once the action resumes at
// now, the pause having taken paused of the action's time: one still ahead at the pause moves on
// by that; one past by then stays.
func (s *State) resumed(d, from, now time.Time, paused time.Duration) time.Time {
	if !d.After(from) {
		return d
	}
	if s.revision >= 9 {
		// Later by the action's time the pause took. The same as counting the time that was left
		// from now when d lies in open time; for a deadline given as a time that lies in closed
		// time (a Sunday), that count would bring it forward (to the resume itself when the pause
		// took none).
		return stamp(s.after(d, paused))
	}
	return stamp(s.after(now, s.between(from, d)))
}

// ApplyResume restarts the clocks with the business time each had left when the action was
// paused: every deadline still ahead at the pause moves on by the action's time the pause took.
func ApplyResume(s *State, in ResumeInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	return s.resume(now, s.pauseEnded(now), in.Actor.ID, in.Reason)
}

// pauseEnded is when the pause ends for its clocks, resumed at now: at the end it was given when
// that has passed (its timer late, a worker away), else now.
func (s *State) pauseEnded(now time.Time) time.Time {
	if s.ResumeAt != nil && s.ResumeAt.Before(now) {
		return *s.ResumeAt
	}
	return now
}

// resume is ApplyResume by actorID, recorded at now: a person's, or the system's at the end a
// pause was given, whose clocks run again from that end (until), however late its timer fired
// (a worker away meanwhile): the time after it is not the pause's.
func (s *State) resume(now, until time.Time, actorID, reason string) []Event {
	from := *s.PausedAt
	paused := s.between(from, until)
	s.Paused, s.PausedAt, s.PauseReason, s.ResumeAt, s.PauseRemindAt = false, nil, "", nil, nil
	move := func(d *time.Time) *time.Time {
		if d == nil || !d.After(from) {
			return d
		}
		return stampPtr(s.resumed(*d, from, until, paused))
	}
	s.AssignBy, s.CheckBy, s.EscalateBy = move(s.AssignBy), move(s.CheckBy), move(s.EscalateBy)
	s.CheckRemindAt = move(s.CheckRemindAt)
	if s.Status == StatusEscalated && s.EscalatedAt != nil {
		// An escalation's reminder says how long it has waited with its clocks running: since
		// it escalated, or since the pause when that came first.
		start := from
		if s.EscalatedAt.After(start) {
			start = *s.EscalatedAt
		}
		s.EscalationPaused += s.between(start, until)
	}
	if h := s.PendingHandover(); h != nil {
		h.ExpiresAt = move(h.ExpiresAt)
	}
	if !s.DueFixed {
		due := s.DueAt
		s.DueAt = *move(&due)
	}
	s.DueFixed = false
	ev := s.record(now, actorID, EventResumed, map[string]any{
		"reason": reason, "paused_since": from, "paused_for": paused.String(), "due_at": s.DueAt,
	})
	due := "due " + s.DueAt.Format(time.RFC3339)
	if s.revision >= 24 && !s.DueAt.After(now) {
		// Paused at its check or escalated, or its time ran out on the resume: not due ahead.
		due = "its due time " + s.DueAt.Format(time.RFC3339) + " passed"
	}
	if s.OwnerID != "" && s.OwnerID != actorID {
		again := "is running again"
		if s.revision >= 25 && actorID != SystemActor {
			again += " (resumed by " + s.who(actorID) + ")"
		}
		s.notify(ev, NotifyAssigned, []string{s.OwnerID}, "", fmt.Sprintf("%s %s, %s: %s", s.title(), again, due, reason))
	} else if s.OwnerID == "" && actorID == SystemActor {
		// Nobody owns it: the team's supervisors hear that it runs again, as they would of its
		// assignment deadline.
		s.notify(ev, NotifyAssigned, nil, RoleSupervisor, fmt.Sprintf("%s, which nobody owns, is running again, %s: %s", s.title(), due, reason))
	}
	if h := s.PendingHandover(); h != nil && h.ExpiresAt != nil && s.revision >= 6 && h.ToID != actorID {
		// The recipient's time to answer moved with the pause.
		by := h.ExpiresAt.Format(time.RFC3339)
		if at, dueFirst := AnswerBy(*h.ExpiresAt, s.DueAt, s.Paused); s.revision >= 11 && dueFirst {
			by = at.Format(time.RFC3339) + ", the action's due time"
		}
		s.notify(ev, NotifyHandoverRequested, []string{h.ToID}, "", fmt.Sprintf("%s is running again: accept or decline %s's handover by %s.", s.title(), s.who(h.FromID), by))
	}
	return []Event{ev}
}

// ended is text as the end of a sentence (revision 25): clause's, with a full stop unless it ends
// with its own ("going home?", "now!").
func (s *State) ended(text string) string {
	text = s.clause(text)
	if strings.HasSuffix(text, "?") || strings.HasSuffix(text, "!") || strings.HasSuffix(text, "…") {
		return text
	}
	return text + "."
}

// remindEvery is how often a pause without an end reminds: its policy's pause_remind_every, or
// PauseRemindEvery for a state whose policy came before it.
func (s *State) remindEvery() time.Duration {
	if every := s.Policy.PauseRemindEvery; every >= time.Second {
		return every
	}
	return PauseRemindEvery
}

// remindWords says how often a pause without an end reminds: "once a day", "every 4 h".
func (s *State) remindWords() string {
	if every := s.remindEvery(); every != 24*time.Hour {
		return "every " + spanWords(every, true, true)
	}
	return "once a day"
}

// openFrom is t, or the team's next opening when the desk is closed at t: an escalation waits for
// someone to be at work.
func (s *State) openFrom(t time.Time) time.Time {
	if k := s.clock(); k != nil {
		return k.NextOpen(t)
	}
	return t
}

// pauseReminder is when an action paused without an end next reminds its owner, from t:
// remindEvery on, at the team's next opening when the desk is closed then (revision 25).
func (s *State) pauseReminder(t time.Time) *time.Time {
	return stampPtr(s.openFrom(t.Add(s.remindEvery())))
}

// remindPaused reminds the owner of an action paused without an end that it still waits on the
// customer (the team's supervisors when nobody owns it; escalated, the level it is escalated to
// as well, who paused it and resume it), and sets the next reminder.
func (s *State) remindPaused(now time.Time) []Event {
	since := now
	if s.PausedAt != nil {
		since = *s.PausedAt
	}
	s.PauseRemindAt = s.pauseReminder(now)
	ev := s.record(now, SystemActor, EventPauseReminder, map[string]any{
		"owner_id": s.OwnerID, "paused_since": since, "reason": s.PauseReason, "next_at": *s.PauseRemindAt,
	})
	// On the clock of the wall, as people say how long they have waited: "for 3 days 2 h".
	waited := spanWords(now.Sub(since), true, true)
	reason := s.ended(s.PauseReason)
	var owner []string
	if s.OwnerID != "" {
		owner = []string{s.OwnerID}
	}
	ownerTold := fmt.Sprintf("%s has been paused for %s: %s Resume it once the customer answers.", s.title(), waited, reason)
	if s.Status == StatusEscalated && s.EscalationLevel > 0 && s.EscalationLevel <= len(s.Ladder) {
		// Those it is escalated to paused it (the owner may not) and resume it: they are reminded
		// too, apart from the owner, whose reminder passes to the supervisors if they are gone.
		level := s.Ladder[s.EscalationLevel-1]
		whose := ","
		if s.OwnerID == "" {
			whose = ", which nobody owns,"
		}
		s.notify(ev, NotifyPauseReminder, nil, level, fmt.Sprintf("%s%s escalated to %s (level %d), has been paused for %s: %s Resume it once the customer answers.",
			s.title(), whose, level, s.EscalationLevel, waited, reason))
		if s.OwnerID != "" {
			s.notify(ev, NotifyPauseReminder, owner, "", ownerTold)
		}
		return []Event{ev}
	}
	if s.OwnerID == "" {
		s.notify(ev, NotifyPauseReminder, nil, RoleSupervisor, fmt.Sprintf("%s, which nobody owns, has been paused for %s: %s Resume it once the customer answers, or give it to someone.", s.title(), waited, reason))
		return []Event{ev}
	}
	s.notify(ev, NotifyPauseReminder, owner, "", ownerTold)
	return []Event{ev}
}
