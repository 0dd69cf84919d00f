package workflows

import (
	"fmt"
	"strings"
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
			ActorID: ev.ActorID, Cause: ev.Cause, Title: s.Title, Message: changeMessage(s.Title, ev), At: ev.At,
		})
	}
	return out
}

// changeMessage says in words what an event changed.
func changeMessage(title string, ev Event) string {
	if outcome, ok := ev.Data["outcome"].(string); ok && ev.Type == EventCompleted {
		return fmt.Sprintf("%q was completed by %s: %s", title, ev.ActorID, outcome)
	}
	return fmt.Sprintf("%q: %s by %s", title, strings.ReplaceAll(ev.Type, "_", " "), ev.ActorID)
}
