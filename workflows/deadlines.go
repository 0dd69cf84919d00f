package workflows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Deadline kinds: what happens when a timer fires.
const (
	DeadlineAssign   = "assign"    // unassigned for assign_within: escalate
	DeadlineAccept   = "accept"    // handover unanswered for accept_within: it expires, escalate
	DeadlineDue      = "due"       // due time: ask for the outcome and a check
	DeadlineCheck    = "check"     // no check within check_within: escalate
	DeadlineEscalate = "escalate"  // nobody acted within escalate_within: next level
	DeadlineFollowUp = "follow_up" // remind the hander to check with the new owner
	// DeadlineCheckReminder reminds the hander, again, that the action waits for their check.
	DeadlineCheckReminder = "check_reminder"
	// DeadlineResume ends a pause at the time it was given (revision 24).
	DeadlineResume = "resume"
	// DeadlinePauseReminder reminds the owner of an action paused without an end (revision 25).
	DeadlinePauseReminder = "pause_reminder"
)

// NextDeadline is the earliest timer the current state has, or a zero time when none.
func (s *State) NextDeadline() (time.Time, string) {
	if s.Status.Final() {
		return time.Time{}, ""
	}
	var (
		at   time.Time
		kind string
	)
	consider := func(t *time.Time, k string) {
		if t != nil && (at.IsZero() || t.Before(at)) {
			at, kind = *t, k
		}
	}
	if s.Paused {
		// Waiting on the customer: only the follow-up reminders go on, and the pause's own end,
		// or the reminders of a pause without one.
		if s.FollowUp != nil {
			consider(&s.FollowUp.At, DeadlineFollowUp)
		}
		consider(s.ResumeAt, DeadlineResume)
		consider(s.PauseRemindAt, DeadlinePauseReminder)
		return at, kind
	}
	if s.Status == StatusUnassigned {
		consider(s.AssignBy, DeadlineAssign)
		consider(s.unclaimedBy(), DeadlineAssign)
	}
	if h := s.PendingHandover(); h != nil {
		consider(h.ExpiresAt, DeadlineAccept)
	}
	if s.Status == StatusAssigned || s.Status == StatusHandoverPending {
		due := s.DueAt
		consider(&due, DeadlineDue)
	}
	if s.Status == StatusChecking {
		consider(s.CheckBy, DeadlineCheck)
		consider(s.CheckRemindAt, DeadlineCheckReminder)
	}
	if s.Status == StatusEscalated {
		consider(s.EscalateBy, DeadlineEscalate)
	}
	if s.FollowUp != nil {
		consider(&s.FollowUp.At, DeadlineFollowUp)
	}
	return at, kind
}

// NextStep is when the action is escalated should nobody check it (checkBy, while it is at its
// check) and when it goes up a level, or is raised again at the top, should nobody act
// (escalateBy, while it is escalated): nil otherwise, and while it is paused, when they wait.
func (s *State) NextStep() (checkBy, escalateBy *time.Time) {
	if s.Paused {
		return nil, nil
	}
	switch s.Status {
	case StatusChecking:
		return s.CheckBy, nil
	case StatusEscalated:
		return nil, s.EscalateBy
	}
	return nil, nil
}

// unclaimedBy is, from revision 29, when an action nobody owns is escalated should its due time
// come first: its due time, at the desk's next opening when it is closed then, so that the
// supervisors hear of it then, not once assign_within has run out; nil before, or without one.
func (s *State) unclaimedBy() *time.Time {
	if s.revision < 29 || s.DueAt.IsZero() {
		return nil
	}
	by := s.openFrom(s.DueAt)
	return &by
}

// Fire applies the change a deadline brings, as the system, and returns its events.
func (s *State) Fire(kind string, now time.Time) []Event {
	switch kind {
	case DeadlineAssign:
		if by := s.unclaimedBy(); by != nil && !now.Before(*by) && (s.AssignBy == nil || now.Before(*s.AssignBy)) {
			return s.escalate(now, SystemActor, EscalationNotAssigned, "nobody took the action on before its due time")
		}
		return s.escalate(now, SystemActor, EscalationNotAssigned, fmt.Sprintf("nobody took the action on within %s", s.openSpan(s.Policy.AssignWithin)))
	case DeadlineAccept:
		h := s.PendingHandover()
		h.Status = HandoverExpired
		h.RespondedAt = stampPtr(now)
		s.tellShift(h, ShiftItemExpired, "not accepted in time")
		s.PendingHandoverID = ""
		s.Status = StatusAssigned
		ev := s.record(now, SystemActor, EventHandoverExpired, map[string]any{"handover_id": h.ID, "from_id": h.FromID, "to_id": h.ToID})
		if s.revision >= 14 {
			// Each told in their own words: the owner is not named to themselves.
			owns := "you still own it"
			if s.OwnerID != h.FromID {
				owns = s.who(s.OwnerID) + " still owns it"
			}
			s.notify(ev, NotifyHandoverExpired, []string{h.FromID}, "",
				fmt.Sprintf("The handover of %s to %s was not accepted in time; %s.", s.title(), s.who(h.ToID), owns))
			s.notify(ev, NotifyHandoverExpired, []string{h.ToID}, "",
				fmt.Sprintf("The handover of %s to you was not accepted in time; %s still owns it.", s.title(), s.who(s.OwnerID)))
		} else {
			s.notify(ev, NotifyHandoverExpired, []string{h.FromID, h.ToID}, "",
				fmt.Sprintf("The handover of %s to %s was not accepted in time; %s still owns it.", s.title(), s.who(h.ToID), s.who(h.FromID)))
		}
		within := h.AcceptWithin // a pause in between moved the expiry on, not the time given
		if within <= 0 {
			within = s.between(h.RequestedAt, *h.ExpiresAt)
		}
		return append([]Event{ev}, s.escalate(now, SystemActor, EscalationNotAccepted, fmt.Sprintf("handover to %s not accepted within %s", s.who(h.ToID), s.openSpan(within)))...)
	case DeadlineDue:
		events := s.withdrawPending(now, SystemActor, "the due time passed before it was accepted")
		s.Status = StatusChecking
		if s.revision >= 14 {
			// The hander is asked to check it now: reminders to follow up would only repeat that.
			s.FollowUp = nil
		}
		s.CheckBy = s.deadline(now, s.Policy.CheckWithin)
		// The only way into checking: a reminder left from an earlier check (of a hander since
		// gone, by a reassignment) never carries over.
		s.CheckRemindAt = nil
		ev := s.record(now, SystemActor, EventDue, map[string]any{"check_by": s.CheckBy})
		s.notify(ev, NotifyOutcomeAsked, []string{s.OwnerID}, "", fmt.Sprintf("%s is due now: record its outcome.", s.title()))
		if hander := s.lastHander(); hander != "" {
			s.notify(ev, NotifyCheckAsked, []string{hander}, "", fmt.Sprintf("%s, which you handed to %s, is due: check it was done.", s.title(), s.who(s.OwnerID)))
			if s.revision >= 16 && s.Policy.FollowUpEvery > 0 {
				// Asked once, reminded until the check is made: the check deadline, when it comes
				// first (a tie included), escalates instead.
				s.CheckRemindAt = stampPtr(s.after(now, s.Policy.FollowUpEvery))
			}
			if s.handedOnShiftChange() {
				s.notify(ev, NotifyCheckAsked, nil, RoleSupervisor, fmt.Sprintf("%s, handed to %s at %s's shift change, is due: check it was done.", s.title(), s.who(s.OwnerID), s.who(hander)))
			}
		} else {
			s.notify(ev, NotifyCheckAsked, nil, RoleSupervisor, fmt.Sprintf("%s, owned by %s, is due: check it was done.", s.title(), s.who(s.OwnerID)))
		}
		return append(events, ev)
	case DeadlineResume:
		return s.resume(now, s.pauseEnded(now), SystemActor, fmt.Sprintf("its pause ran out at the time set (paused: %s)", s.clause(s.PauseReason)))
	case DeadlinePauseReminder:
		return s.remindPaused(now)
	case DeadlineCheck:
		return s.escalate(now, SystemActor, EscalationNotChecked, "no check was made within "+s.spanFrom(s.Policy.CheckWithin, "the due time"))
	case DeadlineEscalate:
		if s.revision >= 7 && s.EscalationLevel >= len(s.Ladder) {
			return s.remindEscalated(now)
		}
		return s.escalate(now, SystemActor, EscalationNoAction, "no action within "+s.spanFrom(s.Policy.EscalateWithin, "the escalation"))
	case DeadlineCheckReminder:
		hander := s.lastHander()
		if hander == "" {
			s.CheckRemindAt = nil // nobody to remind: the supervisors were asked at the due time
			return nil
		}
		ev := s.record(now, SystemActor, EventFollowUpReminder, map[string]any{"hander_id": hander, "owner_id": s.OwnerID, "check_by": s.CheckBy})
		// Asked again as at the due time (check_asked): a hander gone off shift or from the team
		// since, who cannot check it, has the team's supervisors asked in their place.
		s.notify(ev, NotifyCheckAsked, []string{hander}, "", fmt.Sprintf("%s, which you handed to %s, still waits for your check: check it was done.", s.title(), s.who(s.OwnerID)))
		s.CheckRemindAt = stampPtr(s.after(now, s.Policy.FollowUpEvery))
		return []Event{ev}
	case DeadlineFollowUp:
		f := s.FollowUp
		ev := s.record(now, SystemActor, EventFollowUpReminder, map[string]any{"hander_id": f.HanderID, "owner_id": s.OwnerID})
		s.notify(ev, NotifyFollowUp, []string{f.HanderID}, "", fmt.Sprintf("Follow up with %s on %s, which you handed over.", s.who(s.OwnerID), s.title()))
		// Who ran the shift handover for the hander, often gone home by now, is reminded too
		// (revision 28): otherwise nobody at work follows it up until its due time.
		if starter := s.ShiftStarter(f.HanderID); s.revision >= 28 && starter != "" {
			s.notify(ev, NotifyFollowUp, []string{starter}, "", fmt.Sprintf("Follow up with %s on %s, which you handed over for %s in the shift handover you ran.",
				s.who(s.OwnerID), s.title(), s.who(f.HanderID)))
		}
		s.FollowUp = &FollowUp{HanderID: f.HanderID, At: stamp(s.after(now, f.Every)), Every: f.Every, First: f.First}
		return []Event{ev}
	}
	return nil
}

// span says a span of the action's time in words (spanWords): in days only where the action's
// clock runs around the clock. On a team's calendar 48 h of open time is days more than two, so
// it is said in hours, as the policy gives it.
func (s *State) span(d time.Duration) string { return spanWords(d, s.clock() == nil, s.revision >= 18) }

// saysOpenHours is true when a limit is said to count the desk's opening hours: from revision 30,
// on an action whose clock keeps them.
func (s *State) saysOpenHours() bool { return s.revision >= 30 && s.clock() != nil }

// openSpan says a limit of the policy the way span does, and that it counts the desk's opening
// hours when it does (saysOpenHours): "2 min of opening hours".
func (s *State) openSpan(d time.Duration) string {
	if s.saysOpenHours() {
		return s.span(d) + " of opening hours"
	}
	return s.span(d)
}

// spanFrom says a limit counted from an event: "2 min of the due time", or "2 min of opening
// hours after the due time" when it counts them (saysOpenHours).
func (s *State) spanFrom(d time.Duration, from string) string {
	if s.saysOpenHours() {
		return s.openSpan(d) + " after " + from
	}
	return s.span(d) + " of " + from
}

// spanWords says a policy's span the way people do: "10 min", "1 h 30 min", "2 days" (with days;
// "48 h" without), "20 s", "1 min 30 s" (a Go duration would read "1h30m0s"). With seconds
// (revision 18) a span under 10 minutes is said to the second, as a drill's policy gives it ("90s"
// is not "2 min"); from 10 minutes on, and under 1 minute without seconds, it is said to the
// minute.
func spanWords(d time.Duration, days, seconds bool) string {
	if d < time.Minute && !seconds {
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	}
	if d < 10*time.Minute && seconds {
		d = d.Round(time.Second)
		m, sec := int(d/time.Minute), int(d%time.Minute/time.Second)
		switch {
		case m == 0:
			return fmt.Sprintf("%d s", sec)
		case sec == 0:
			return fmt.Sprintf("%d min", m)
		}
		return fmt.Sprintf("%d min %d s", m, sec)
	}
	d = d.Round(time.Minute)
	day := 24 * time.Hour
	if !days {
		day = d + 1 // no whole day in it
	}
	n, h, m := int(d/day), int(d%day/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	switch {
	case n == 1:
		parts = append(parts, "1 day")
	case n > 1:
		parts = append(parts, fmt.Sprintf("%d days", n))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	return strings.Join(parts, " ")
}

// ForStandIn rewords a check_asked message written for the person who handed the action over
// ("which you handed to Bob Brown", "still waits for your check") for those asked to check it in
// their place, hander being who handed it: "which Alice Adams handed to Bob Brown", "still waits
// for Alice Adams's check"; a follow_up reminder's "which you handed over" as "which Alice Adams
// handed over"; and a handover_declined's "You still own it." as "Alice Adams still owns it.". The
// message is the workflow's, as recorded in its history, so the activity
// that tells the stand-ins rewords it at delivery and no workflow changes. A message of another
// kind or shape comes back as it is.
func ForStandIn(n Notification, hander string) string {
	// As the messages give it: curly quotes (revision 24), or a Go literal before.
	title := strconv.Quote(n.Title)
	if curly := "“" + n.Title + "”"; strings.Contains(n.Message, curly) {
		title = curly
	}
	if n.Kind == NotifyHandoverDeclined && hander != "" {
		if rest, ok := strings.CutSuffix(n.Message, ". You still own it."); ok {
			return rest + ". " + hander + " still owns it."
		}
		return n.Message
	}
	if n.Kind == NotifyFollowUp && hander != "" {
		if rest, ok := strings.CutSuffix(n.Message, title+", which you handed over."); ok {
			return rest + title + ", which " + hander + " handed over."
		}
		return n.Message
	}
	rest, ok := strings.CutPrefix(n.Message, title+", which you handed to ")
	if n.Kind != NotifyCheckAsked || !ok || hander == "" {
		return n.Message
	}
	rest = strings.Replace(rest, ", still waits for your check:", ", still waits for "+hander+"'s check:", 1)
	return title + ", which " + hander + " handed to " + rest
}
