package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// correctedField is one field a correction may change: its name in the API and the timeline, how
// a message says it (never its value: the customer's are sealed, the details long), and where the
// input gives it and the state keeps it.
type correctedField struct {
	name, words string
	given       func(CorrectInput) *string
	held        func(*State) *string
}

var correctedFields = []correctedField{
	{"title", "the title", func(in CorrectInput) *string { return in.Title }, func(s *State) *string { return &s.Title }},
	{"details", "the details", func(in CorrectInput) *string { return in.Details }, func(s *State) *string { return &s.Details }},
	{"priority", "the priority", func(in CorrectInput) *string { return in.Priority }, func(s *State) *string { return &s.Priority }},
	{"customer_name", "the customer's name", func(in CorrectInput) *string { return in.CustomerName }, func(s *State) *string { return &s.Customer.Name }},
	{"customer_contact", "the customer's contact", func(in CorrectInput) *string { return in.CustomerContact }, func(s *State) *string { return &s.Customer.Contact }},
}

// corrections are the fields the input changes: those given with a value other than the
// action's. A sealed value never equals another, so the API leaves out a customer's value that
// already reads so.
func corrections(s *State, in CorrectInput) []correctedField {
	var out []correctedField
	for _, f := range correctedFields {
		if v := f.given(in); v != nil && *v != *f.held(s) {
			out = append(out, f)
		}
	}
	return out
}

// CheckCorrect refuses a correction of an action that has ended (its record stands as it was
// closed), by anyone but its owner, its creator, a supervisor or manager or the integration, a
// blank title, a priority the product does not know, and one that changes nothing.
func CheckCorrect(s *State, in CorrectInput) error {
	if err := checkTransition(s, UpdateCorrect); err != nil {
		return err
	}
	a := in.Actor
	if a.ID != s.OwnerID && a.ID != s.CreatedBy && !a.Role.SupervisorOrAbove() && a.Role != RoleService {
		return refuse(ErrForbidden, "only the action's owner, whoever created it, a supervisor or manager, or the integration can correct it: add a note saying what is wrong instead")
	}
	var fields []FieldRefusal
	if in.Title != nil && blank(*in.Title) {
		fields = append(fields, FieldRefusal{Field: "title", Message: "cannot be blank: give the action a title, or leave title out to keep it"})
	}
	if in.Priority != nil && !slices.Contains(Priorities, *in.Priority) {
		fields = append(fields, FieldRefusal{Field: "priority", Message: "must be one of " + strings.Join(Priorities, ", ")})
	}
	if s.Internal && (in.CustomerName != nil || in.CustomerContact != nil) {
		fields = append(fields, FieldRefusal{Field: "customer", Message: "this action is internal: it has no customer"})
	}
	if len(fields) > 0 {
		return refuseFields(fields)
	}
	if len(corrections(s, in)) == 0 {
		return refuse(ErrInvalid, "nothing to correct: give at least one of title, details, priority, customer.name or customer.contact with a value other than the action's")
	}
	return nil
}

// ApplyCorrect changes the fields corrected and records each with what it said before. The owner,
// when someone else corrected it, and the recipient of a handover waiting for an answer, who
// agrees to take over what the action says, are told what changed.
func ApplyCorrect(s *State, in CorrectInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	changed := corrections(s, in)
	before := s.title()
	data := map[string]any{}
	words := make([]string, len(changed))
	for i, f := range changed {
		held := f.held(s)
		data[f.name+"_was"] = *held
		*held = *f.given(in)
		data[f.name] = *held
		words[i] = f.words
		switch {
		case f.name == "title":
			words[i] = "the title (it was " + before + ")"
		case f.name == "priority":
			words[i] = fmt.Sprintf("the priority (now %s, it was %s)", *held, data["priority_was"])
		}
	}
	if !blank(in.Reason) {
		data["reason"] = in.Reason
	}
	ev := s.record(now, in.Actor.ID, EventCorrected, data)
	what := listWords(words)
	why := ""
	if !blank(in.Reason) {
		why = " Why: " + s.clause(in.Reason) + "."
	}
	if s.OwnerID != "" && s.OwnerID != in.Actor.ID {
		s.notify(ev, NotifyCorrected, []string{s.OwnerID}, "",
			fmt.Sprintf("%s corrected %s of your action %s.%s", s.who(in.Actor.ID), what, s.title(), why))
	}
	if h := s.PendingHandover(); h != nil && h.ToID != in.Actor.ID {
		s.notify(ev, NotifyCorrected, []string{h.ToID}, "",
			fmt.Sprintf("%s corrected %s of %s, whose handover to you waits for your answer: read it again before you accept.%s", s.who(in.Actor.ID), what, s.title(), why))
	}
	return []Event{ev}
}

// listWords joins phrases as a sentence lists them: "a", "a and b", "a, b and c".
func listWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
