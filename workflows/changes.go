package workflows

import (
	"fmt"
	"slices"
)

// unnotified turns each event that notified nobody into a notification with no recipients, so a
// webhook hears of every change: a completion nobody handed over, a note, a check, a claim.
// Events that did notify someone reach the webhook as those notifications.
func unnotified(s State, events []Event, notes []Notification) []Notification {
	told := make(map[int64]bool, len(notes))
	for _, n := range notes {
		told[n.Seq] = true
	}
	var out []Notification
	for _, ev := range events {
		if told[ev.Seq] {
			continue
		}
		out = append(out, Notification{
			ActionID: s.ID, Seq: ev.Seq, Kind: ev.Type, Event: ev.Type, TeamID: s.TeamID,
			ActorID: ev.ActorID, Cause: ev.Cause, Title: s.Title, Message: changeMessage(&s, ev), At: ev.At,
		})
	}
	return out
}

// forWebhook marks notifications as sent for the webhook (the worker that projected them has one),
// so that a worker without one retries them, to be picked up by one that has, rather than take
// them as sent; and marks each one of a change but its first (Follows). It changes what the
// Notify activities are given, not what the workflow does.
func forWebhook(notes []Notification) []Notification {
	for i := range notes {
		notes[i].Webhook = true
		notes[i].Follows = slices.ContainsFunc(notes[:i], func(o Notification) bool { return o.Seq == notes[i].Seq })
	}
	return notes
}

// notByHand leaves out the messages to the customer given to someone to tell by hand (ByHand):
// the integration could not send them.
func notByHand(notes []Notification) []Notification {
	if !slices.ContainsFunc(notes, func(n Notification) bool { return n.ByHand }) {
		return notes
	}
	return slices.DeleteFunc(slices.Clone(notes), func(n Notification) bool { return n.ByHand })
}

// withState stamps webhook deliveries with the action's owner, status and version after the
// changes they are about (a delivery stamped already, as its own change left the action, keeps
// its stamp), and its customer's reference. It changes what the Notify activities are given, not
// what the workflow does.
func withState(s State, notes []Notification) []Notification {
	out := slices.Clone(notes)
	for i := range out {
		if out[i].Version == 0 {
			out[i].OwnerID, out[i].Status, out[i].Version = s.OwnerID, s.Status, s.Version
		}
		if out[i].CustomerRef == "" {
			out[i].CustomerRef = s.Customer.Ref
		}
	}
	return out
}

// changeMessage says in words what an event changed.
func changeMessage(s *State, ev Event) string {
	if outcome, ok := ev.Data["outcome"].(string); ok && ev.Type == EventCompleted {
		return fmt.Sprintf("%s was completed by %s: %s", s.title(), s.who(ev.ActorID), outcome)
	}
	return fmt.Sprintf("%s: %s by %s", s.title(), inWords(ev.Type), s.who(ev.ActorID))
}
