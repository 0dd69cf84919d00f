package models_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// Every change to the directory, the opening hours and the policies is recorded with its actor,
// and a change that changes nothing records nothing.
func TestAuditTrailRecordsAdministratorsChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "desk"
		require.NoError(t, store.CreateTeam(ctx, "root", models.Team{ID: team, Name: "Desk"}))
		renamed, err := store.RenameTeam(ctx, "root", team, "Front desk")
		require.NoError(t, err)
		require.Equal(t, "Front desk", renamed.Name)
		_, err = store.RenameTeam(ctx, "root", team, "Front desk")
		require.NoError(t, err, "the same name again changes nothing")
		_, err = store.RenameTeam(ctx, "root", "nowhere", "x")
		require.ErrorIs(t, err, models.ErrNotFound)

		kim := models.Staff{ID: "kim", Name: "Kim", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true}
		require.NoError(t, store.CreateStaff(ctx, models.AdminCommand, kim))
		_, err = store.IssueToken(ctx, "root", "kim", "laptop")
		require.NoError(t, err)
		promoted := kim
		promoted.Role, promoted.Authority = "supervisor", 3
		require.NoError(t, store.UpdateStaff(ctx, "root", promoted, []string{"name", "role", "authority"}, false))
		require.NoError(t, store.UpdateStaff(ctx, "root", promoted, []string{"name", "role"}, false), "nothing changes")
		gone := promoted
		gone.Active = false
		gone.TeamID = nil
		require.NoError(t, store.UpdateStaff(ctx, "ada", gone, []string{"active", "team_id"}, false))
		n, err := store.RevokeTokens(ctx, "root", "kim")
		require.NoError(t, err)
		require.Zero(t, n, "the deactivation revoked them")
		cal := models.TeamCalendar{TeamID: team, TimeZone: "Europe/London", Hours: `[{"day":"mon","open":"08:00","close":"18:00"}]`, Holidays: `["2026-12-25"]`, UpdatedBy: "root"}
		saved, err := store.SaveCalendar(ctx, cal)
		require.NoError(t, err)
		cal.UpdatedBy = "ada"
		again, err := store.SaveCalendar(ctx, cal)
		require.NoError(t, err)
		require.Equal(t, []any{"root", saved.UpdatedAt.UnixMicro()}, []any{again.UpdatedBy, again.UpdatedAt.UnixMicro()}, "the same calendar again is the one saved, recorded once")
		accept := int64(1200)
		_, err = store.SavePolicy(ctx, models.Policy{Category: "refund", AcceptWithin: &accept, RequiredFields: `["amount"]`, CreatedBy: "ada"})
		require.NoError(t, err)

		all, more, err := store.AuditTrail(ctx, models.AuditFilter{Limit: 100})
		require.NoError(t, err)
		require.False(t, more)
		type entry struct{ Actor, Kind, Type, Subject, Detail string }
		var got []entry
		for _, e := range all {
			got = append(got, entry{e.ActorID, e.Kind, e.SubjectType, e.Subject, e.Detail})
			require.False(t, e.At.IsZero())
		}
		want := []entry{
			{"ada", models.AuditPolicySaved, "policy", "refund", `{"version":1,"clock":"business","required_fields":["amount"],"accept_within_seconds":1200}`},
			{"root", models.AuditCalendarSaved, "team", "desk", `{"holidays":["2026-12-25"],"hours":[{"day":"mon","open":"08:00","close":"18:00"}],"time_zone":"Europe/London"}`},
			{"ada", models.AuditStaffChanged, "staff", "kim", `{"changes":{"active":{"from":true,"to":false},"team_id":{"from":"desk","to":null}},"tokens_revoked":1}`},
			{"root", models.AuditStaffChanged, "staff", "kim", `{"changes":{"authority":{"from":1,"to":3},"role":{"from":"agent","to":"supervisor"}}}`},
			{"root", models.AuditTokenIssued, "staff", "kim", `{"label":"laptop"}`},
			{models.AdminCommand, models.AuditStaffCreated, "staff", "kim", `{"active":true,"authority":1,"name":"Kim","on_shift":true,"role":"agent","team_id":"desk"}`},
			{"root", models.AuditTeamRenamed, "team", "desk", `{"name":{"from":"Desk","to":"Front desk"}}`},
			{"root", models.AuditTeamCreated, "team", "desk", `{"name":"Desk"}`},
		}
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, want[i].Actor+" "+want[i].Kind+" "+want[i].Type+"/"+want[i].Subject, got[i].Actor+" "+got[i].Kind+" "+got[i].Type+"/"+got[i].Subject, "entry %d", i)
			require.JSONEq(t, want[i].Detail, got[i].Detail, "entry %d", i)
		}

		// Filters, and pages that follow one another without gaps or repeats.
		kims, _, err := store.AuditTrail(ctx, models.AuditFilter{SubjectType: "staff", Subject: "kim", Limit: 100})
		require.NoError(t, err)
		require.Len(t, kims, 4)
		roots, _, err := store.AuditTrail(ctx, models.AuditFilter{ActorID: "root", Kind: models.AuditStaffChanged, Limit: 100})
		require.NoError(t, err)
		require.Len(t, roots, 1)
		var paged []int64
		for before := int64(0); ; {
			page, more, err := store.AuditTrail(ctx, models.AuditFilter{Before: before, Limit: 3})
			require.NoError(t, err)
			for _, e := range page {
				paged = append(paged, e.ID)
			}
			if !more {
				break
			}
			before = page[len(page)-1].ID
		}
		require.Len(t, paged, len(all))
		for i := range all {
			require.Equal(t, all[i].ID, paged[i])
		}

		// The trail is append-only, whatever the code path.
		require.Error(t, store.DB().Exec("UPDATE audit_entries SET actor_id = 'x'").Error)
		require.Error(t, store.DB().Exec("DELETE FROM audit_entries").Error)
	})
}

// A shift started or ended by the person themselves (or their shift handover) is in the audit
// trail, as a supervisor's change of it is: who was on shift when can be read back. One that
// changes nothing records nothing.
func TestOwnShiftChangesAudited(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "desk"
		require.NoError(t, store.CreateTeam(ctx, "root", models.Team{ID: team, Name: "Desk"}))
		require.NoError(t, store.CreateStaff(ctx, "root", models.Staff{ID: "kim", Name: "Kim", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true}))
		off, err := store.SetOnShift(ctx, "kim", "kim", false)
		require.NoError(t, err)
		require.False(t, off.OnShift)
		_, err = store.SetOnShift(ctx, "kim", "kim", false)
		require.NoError(t, err, "already off shift")
		_, err = store.SetOnShift(ctx, "kim", "kim", true)
		require.NoError(t, err)

		trail, _, err := store.AuditTrail(ctx, models.AuditFilter{SubjectType: "staff", Subject: "kim", Kind: models.AuditStaffChanged, Limit: 10})
		require.NoError(t, err)
		require.Len(t, trail, 2, "one entry for each change, none for the one that changed nothing")
		require.Equal(t, "kim", trail[0].ActorID)
		require.JSONEq(t, `{"changes":{"on_shift":{"from":false,"to":true}}}`, trail[0].Detail, "newest first")
		require.JSONEq(t, `{"changes":{"on_shift":{"from":true,"to":false}}}`, trail[1].Detail)
	})
}
