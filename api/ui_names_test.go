package api

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

func TestStaffNames(t *testing.T) {
	ctx := context.Background()
	reads := 0
	dir := []models.Staff{{ID: "alice", Name: "Alice Adams"}, {ID: "svc"}}
	var fail error
	n := &staffNames{ttl: time.Minute, load: func(context.Context) ([]models.Staff, error) {
		reads++
		if fail != nil {
			return nil, fail
		}
		return dir, nil
	}}
	require.Equal(t, "alice", n.of("alice"), "nothing read yet: the ID")

	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	require.NoError(t, n.refresh(ctx, t0))
	require.Equal(t, "Alice Adams", n.of("alice"))
	require.Equal(t, "svc", n.of("svc"), "no name: the ID")
	require.Equal(t, "zed", n.of("zed"), "unknown: the ID")
	require.Equal(t, "", n.of(""))

	dir = []models.Staff{{ID: "alice", Name: "Alice Baker"}}
	require.NoError(t, n.refresh(ctx, t0.Add(59*time.Second)))
	require.Equal(t, 1, reads, "within the TTL the directory is not read again")
	require.Equal(t, "Alice Adams", n.of("alice"))

	n.forget()
	require.NoError(t, n.refresh(ctx, t0.Add(60*time.Second)))
	require.Equal(t, 2, reads)
	require.Equal(t, "Alice Baker", n.of("alice"), "a change made here shows at once")

	fail = errors.New("database down")
	require.ErrorIs(t, n.refresh(ctx, t0.Add(3*time.Minute)), fail)
	require.Equal(t, "Alice Baker", n.of("alice"), "a failed read keeps the names known")
	require.NoError(t, n.refresh(ctx, t0.Add(3*time.Minute+time.Second)))
	require.Equal(t, 3, reads, "a failed read is not tried again on every page")
}

func TestEventTextNamesPeople(t *testing.T) {
	who := func(id string) string { return map[string]string{"bob": "Bob Brown"}[id] + "?" }
	parts := eventText(eventJSON{Data: map[string]any{"to_id": "bob", "reason": "bob knows"}}, who)
	require.Equal(t, []eventPart{{Label: "to", Text: "Bob Brown?"}, {Label: "reason", Text: "bob knows"}}, parts)
}

func TestTimelineWords(t *testing.T) {
	parts := eventText(eventJSON{Data: map[string]any{"result": "not_done", "next": "reassign", "to_role": "supervisor"}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "result", Text: "not done"}, {Label: "next step", Text: "reassign"}, {Label: "to", Text: "supervisor"}}, parts)
	require.Equal(t, "message to the customer", eventLabel("customer_told"))
	require.Equal(t, "let down by people, systems or resources", situationLabel("let_down"), "the workbook's words, not the customer being let down")
	require.Equal(t, "handover accepted", eventLabel("handover_accepted"))
	who := func(id string) string { return map[string]string{"carol": "Carol Clark"}[id] }
	require.Empty(t, causeText(eventJSON{Cause: "request"}, who))
	require.Empty(t, causeText(eventJSON{Cause: "timer"}, who))
	require.Equal(t, "in a shift handover", causeText(eventJSON{Cause: "shift_handover", ActorID: "bob", Data: map[string]any{"started_by": "bob"}}, who))
	require.Equal(t, "in a shift handover started by Carol Clark", causeText(eventJSON{Cause: "shift_handover", ActorID: "bob", Data: map[string]any{"started_by": "carol"}}, who),
		"a supervisor's shift handover is made in the outgoing person's name: the timeline says who started it")
}
