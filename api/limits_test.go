package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// An action's page lists the time limits its policy sets, and how its deadlines count time: the
// opening hours its clocks count where the read model knows them, else what its policy says.
func TestLimitsOfAnAction(t *testing.T) {
	t.Parallel()
	policy := workflows.Policy{AcceptWithin: 10 * time.Minute, CheckWithin: 2 * time.Hour, EscalateWithin: 45 * time.Minute,
		AssignWithin: 15 * time.Minute, FollowUpEvery: time.Hour, PauseRemindEvery: 6 * time.Hour}
	hours := &calendarJSON{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "18:00"}}}
	v := limitsOf(renderActionPolicy(policy), hours, false)
	require.Equal(t, []string{
		"A handover accepted within 10m", "Checked within 2h of its due time", "Claimed within 15m when nobody owns it",
		"Escalated, up a level after 45m without action", "The hander reminded to follow up every 1h",
		"Paused without an end, its owner reminded every 6h",
	}, v.Lines)
	require.Equal(t, "Deadlines count opening hours only: mon 08:00-18:00, Europe/London time.", v.Clock)
	require.Equal(t, "Claimed within 15m, or by its due time when sooner, when nobody owns it", limitsOf(renderActionPolicy(policy), hours, true).Lines[2],
		"an action of revision 29 on, escalated at its due time when nobody owns it")
	require.Equal(t, "Deadlines count around the clock.", limitsOf(renderActionPolicy(policy), &calendarJSON{AroundTheClock: true}, false).Clock)
	require.Equal(t, "Deadlines count the team's opening hours, where it has them.", limitsOf(renderActionPolicy(policy), nil, false).Clock,
		"the hours not known, on a business-time policy")
	policy.Clock = workflows.Clock247
	require.Equal(t, "Deadlines count around the clock.", limitsOf(renderActionPolicy(policy), nil, false).Clock)

	// An action started before a pause reminded lists no reminders, nor does the API say any.
	revision := 24
	old := countedBy(workflows.State{Policy: policy}, &revision)
	require.Empty(t, renderActionPolicy(old.Policy).PauseRemindEvery)
	require.Len(t, limitsOf(renderActionPolicy(old.Policy), nil, false).Lines, 5)
	require.Equal(t, "6h0m0s", renderActionPolicy(countedBy(workflows.State{Policy: policy}, new(workflows.CurrentRevision)).Policy).PauseRemindEvery)

	// A row that does not say its policy says nothing of it, as does one whose text is unreadable.
	require.Nil(t, limitsOf(renderActionPolicy(stateFromRow(models.Action{PolicyVersion: 2}).Policy), nil, false))
	bad := "{not json"
	require.Nil(t, renderActionPolicy(stateFromRow(models.Action{PolicyVersion: 2, Policy: &bad}).Policy))
}
