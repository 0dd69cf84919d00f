package app

import (
	"context"
	"log/slog"

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

// SeedDemo creates the demo team, staff and tokens (making the tokens live again if RetireDemo
// revoked them); running it again changes nothing: a demo person or team an administrator has
// changed since (moved, deactivated, renamed) stays as they made it, as the audit trail says.
func SeedDemo(ctx context.Context, store *models.Store) error {
	if err := store.EnsureTeam(ctx, models.Team{ID: DemoTeam, Name: "Front desk"}); err != nil {
		return err
	}
	for _, st := range DemoStaff {
		if st.Role != "admin" && st.Role != "service" {
			team := DemoTeam
			st.TeamID = &team
		}
		st.OnShift, st.Active = true, true
		if err := store.EnsureStaff(ctx, st); err != nil {
			return err
		}
		if err := store.AddToken(ctx, st.ID, DemoToken(st.ID), "demo"); err != nil {
			return err
		}
	}
	return nil
}

// RetireDemo revokes the demo tokens, which everyone knows, where an earlier `dev --demo` left them
// in this read model: they work only while the product runs with --demo. It returns how many were
// live.
func RetireDemo(ctx context.Context, store *models.Store) (int64, error) {
	tokens := make([]string, len(DemoStaff))
	for i, st := range DemoStaff {
		tokens[i] = DemoToken(st.ID)
	}
	return store.RevokeTokenValues(ctx, tokens...)
}

// retireDemo runs RetireDemo at the start of a process that serves the API without --demo, and
// says so when it revoked anything.
func retireDemo(ctx context.Context, store *models.Store, log *slog.Logger) error {
	n, err := RetireDemo(ctx, store)
	if err != nil {
		return err
	}
	if n > 0 && log != nil {
		log.Warn("demo tokens revoked: this read model was used with --demo, and this process runs without it", "tokens", n)
	}
	return nil
}
