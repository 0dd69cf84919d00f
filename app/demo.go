package app

import (
	"context"

	"github.com/handover/handover/models"
)

// DemoStaff is the demo team of SPEC section 5; each one's token is "demo-<id>".
var DemoStaff = []models.Staff{
	{ID: "alice", Name: "Alice Adams", Role: "agent", Authority: 1},
	{ID: "bob", Name: "Bob Brown", Role: "agent", Authority: 1},
	{ID: "erin", Name: "Erin Evans", Role: "agent", Authority: 2},
	{ID: "carol", Name: "Carol Clark", Role: "supervisor", Authority: 3},
	{ID: "dave", Name: "Dave Davies", Role: "manager", Authority: 4},
	{ID: "root", Name: "Administrator", Role: "admin"},
	{ID: "crm", Name: "CRM integration", Role: "service"},
}

// DemoTeam is the team the demo staff belong to.
const DemoTeam = "frontdesk"

// DemoToken is the demo bearer token of a member of the demo staff.
func DemoToken(id string) string { return "demo-" + id }

// SeedDemo creates the demo team, staff and tokens; running it again changes nothing.
func SeedDemo(ctx context.Context, store *models.Store) error {
	if err := store.SaveTeam(ctx, models.Team{ID: DemoTeam, Name: "Front desk"}); err != nil {
		return err
	}
	for _, st := range DemoStaff {
		if st.Role != "admin" && st.Role != "service" {
			team := DemoTeam
			st.TeamID = &team
		}
		st.OnShift, st.Active = true, true
		if err := store.SaveStaff(ctx, st); err != nil {
			return err
		}
		if err := store.AddToken(ctx, st.ID, DemoToken(st.ID), "demo"); err != nil {
			return err
		}
	}
	return nil
}
