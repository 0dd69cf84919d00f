package workflows

import (
	"errors"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
)

// Available lists the commands the actor may use on the action now, in the order a person would
// look for them. It asks the same checks that guard the workflow's Updates, with empty inputs: a
// command refused for its state or for who asks is not available, while one refused only for a
// missing field is (the form asks for the field). A claim asks for nothing, so it is available
// only when self, the actor as a possible owner, could claim it now (team, authority, on shift).
// A screen shows exactly these buttons; the workflow still decides when the command arrives.
func Available(s *State, a Actor, self Recipient) []string {
	checks := []struct {
		name  string
		check func() error
	}{
		{UpdateAccept, func() error { return CheckAccept(s, AcceptInput{Actor: a}) }},
		{UpdateDecline, func() error { return CheckDecline(s, DeclineInput{Actor: a}) }},
		{UpdateWithdraw, func() error { return CheckWithdraw(s, WithdrawInput{Actor: a}) }},
		{UpdateClaim, func() error {
			if err := CheckClaim(s, ClaimInput{Actor: a, Claimant: self}); err != nil {
				return refuse(ErrConflict, "%s", err.Error())
			}
			return nil
		}},
		{UpdateCheck, func() error { return CheckCheck(s, CheckInput{Actor: a}) }},
		{UpdateFollowUp, func() error { return CheckFollowUp(s, FollowUpInput{Actor: a}, time.Time{}) }},
		{UpdateHandover, func() error { return CheckHandover(s, HandoverInput{Actor: a}, time.Time{}) }},
		{UpdateComplete, func() error { return CheckComplete(s, CompleteInput{Actor: a}) }},
		{UpdatePause, func() error { return CheckPause(s, PauseInput{Actor: a}) }},
		{UpdateResume, func() error { return CheckResume(s, ResumeInput{Actor: a}) }},
		{UpdateReassign, func() error { return CheckReassign(s, ReassignInput{Actor: a}) }},
		{UpdateExtend, func() error { return CheckExtend(s, ExtendInput{Actor: a}, time.Time{}) }},
		{UpdateEscalate, func() error { return CheckEscalate(s, EscalateInput{Actor: a}) }},
		{UpdateCancel, func() error { return CheckCancel(s, CancelInput{Actor: a}) }},
		{UpdateNote, func() error { return CheckNote(s, NoteInput{Actor: a}) }},
		{UpdateCorrect, func() error { return CheckCorrect(s, CorrectInput{Actor: a}) }},
	}
	var out []string
	for _, c := range checks {
		if allowedButIncomplete(c.check()) {
			out = append(out, c.name)
		}
	}
	if !slices.Contains(out, UpdateCancel) && s.mayCancelAsDuplicate(a) && checkTransition(s, UpdateCancel) == nil {
		// Not theirs to cancel, but as a duplicate: the owner's, or the creator's while nobody
		// owns it (a supervisor's cancel, for any reason, is the other form; the API takes
		// duplicate_of from them too).
		out = append(out, CommandCancelDuplicate)
	}
	return out
}

// allowedButIncomplete reports whether a check passed or refused only the input's fields.
func allowedButIncomplete(err error) bool {
	if err == nil {
		return true
	}
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == ErrInvalid
}
