package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Candidate is a member of staff who could own a new action or take one handed over, with their
// open work: the open actions they own, the handovers waiting for their acceptance and the routing
// claims given them that the read model does not show yet.
type Candidate struct {
	Staff
	OpenActions int64
}

// RoutingClaim is the person routing chose for an action before the read model shows the action as
// theirs: the owner of a new action whose create has not answered yet, or the recipient of a
// handover (Handover) not yet waiting for them. Until then their open work would not show it.
type RoutingClaim struct {
	ActionID string `gorm:"primaryKey"`
	StaffID  string `gorm:"primaryKey"`
	// RequestID names the request a handover's claim is for (the shift handover, or the
	// handover's own request), which alone takes it back; empty for a create's.
	RequestID string `gorm:"primaryKey"`
	ClaimedAt time.Time
	Handover  bool
}

// RoutingClaimTTL is how long a claim counts at most when the read model never shows its action as
// the person's (a create or handover that failed without taking it back, in a process that stopped).
const RoutingClaimTTL = 2 * time.Minute

// RoutingCandidates lists the active, on-shift agents of a team with at least the authority, least
// open work first. Open work is the open actions someone owns, the handovers waiting for their
// acceptance (an action offered to them is theirs once they accept it, so two shift handovers
// started at once do not both pick the same idle colleague) and the routing claims made for them,
// by any API process, that the read model does not show yet.
func (s *Store) RoutingCandidates(ctx context.Context, teamID string, authority int) ([]Candidate, error) {
	return routingCandidates(s.read.WithContext(ctx), teamID, authority, time.Now())
}

// claimsCounting is the condition of a routing claim (rc) that still counts: a create's until its
// action is in the read model, a handover's until the handover waits for the person or the action
// is theirs (a shift handover's reassignment).
const claimsCounting = "rc.claimed_at > ? AND (" +
	"(NOT rc.handover AND NOT EXISTS (SELECT 1 FROM actions WHERE actions.id = rc.action_id)) OR " +
	"(rc.handover AND NOT EXISTS (SELECT 1 FROM actions WHERE actions.id = rc.action_id AND actions.owner_id = rc.staff_id)" +
	" AND NOT EXISTS (SELECT 1 FROM handovers WHERE handovers.action_id = rc.action_id AND handovers.to_id = rc.staff_id AND handovers.status = ?)))"

func routingCandidates(db *gorm.DB, teamID string, authority int, now time.Time) ([]Candidate, error) {
	var out []Candidate
	err := db.Table("staff").
		Select("staff.*, (SELECT COUNT(*) FROM actions WHERE actions.owner_id = staff.id AND actions.status IN ?)"+
			" + (SELECT COUNT(*) FROM handovers WHERE handovers.to_id = staff.id AND handovers.status = ?)"+
			" + (SELECT COUNT(*) FROM routing_claims rc WHERE rc.staff_id = staff.id AND "+claimsCounting+") AS open_actions",
			openStatuses, "pending", utc(now.Add(-RoutingClaimTTL)), "pending").
		Where("staff.team_id = ? AND staff.role = ? AND staff.active AND staff.on_shift AND staff.authority >= ?", teamID, "agent", authority).
		Order("open_actions, staff.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("finding owners in team %s: %w", teamID, err)
	}
	return out, nil
}

// Route is an action to find someone for: its team and the authority it needs.
type Route struct {
	ActionID  string
	TeamID    string
	Authority int
}

// ClaimRoutedOwner chooses the owner of the new action actionID by routing, the first of
// RoutingCandidates, and claims them for it: no one (a zero Staff) when nobody is eligible.
func (s *Store) ClaimRoutedOwner(ctx context.Context, teamID string, authority int, actionID string) (Staff, error) {
	got, err := s.claimRoutes(ctx, "", "", []Route{{ActionID: actionID, TeamID: teamID, Authority: authority}})
	if err != nil {
		return Staff{}, err
	}
	return got[0], nil
}

// ClaimRecipients chooses the recipient of each handover of one request (a `route: true` handover,
// a shift handover's actions): the least loaded eligible agent of the action's team other than
// exclude (the person handing over), counting what the request already gives each one, so a shift
// is spread out. Each is claimed for their action, as request's (the shift handover, or the
// handover's own request), until the handover waits for them in the read model or
// ReleaseHandoverClaim takes back request's claim; a zero Staff where nobody is eligible.
func (s *Store) ClaimRecipients(ctx context.Context, request, exclude string, routes []Route) ([]Staff, error) {
	if request == "" {
		return nil, fmt.Errorf("claiming recipients: no request named")
	}
	return s.claimRoutes(ctx, request, exclude, routes)
}

// claimRoutes makes the claims of one request. The claims of a team are made one at a time
// whichever process makes them (on PostgreSQL under a lock of each team held for the transaction;
// SQLite has one writer), so requests routed at once through several API processes are spread as
// if they came one after another. Claims past RoutingClaimTTL are deleted here.
func (s *Store) claimRoutes(ctx context.Context, request, exclude string, routes []Route) ([]Staff, error) {
	now := time.Now()
	out := make([]Staff, len(routes))
	teams := make([]string, 0, len(routes))
	for _, r := range routes {
		teams = append(teams, r.TeamID)
	}
	slices.Sort(teams) // locked in one order, so two requests never wait for each other's
	teams = slices.Compact(teams)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			for _, team := range teams {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "handover routing "+team).Error; err != nil {
					return err
				}
			}
		}
		if err := tx.Where("claimed_at < ?", utc(now.Add(-RoutingClaimTTL))).Delete(&RoutingClaim{}).Error; err != nil {
			return err
		}
		read := map[Route][]Candidate{}
		planned := map[string]int64{}
		var claims []RoutingClaim
		for i, r := range routes {
			key := Route{TeamID: r.TeamID, Authority: r.Authority}
			candidates, ok := read[key]
			if !ok {
				var err error
				if candidates, err = routingCandidates(tx, r.TeamID, r.Authority, now); err != nil {
					return err
				}
				read[key] = candidates
			}
			best, ok := leastLoaded(candidates, planned, exclude)
			if !ok {
				continue
			}
			planned[best.ID]++
			out[i] = best
			claims = append(claims, RoutingClaim{ActionID: r.ActionID, StaffID: best.ID, RequestID: request, ClaimedAt: utc(now), Handover: request != ""})
		}
		if len(claims) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "action_id"}, {Name: "staff_id"}, {Name: "request_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"claimed_at"}),
		}).CreateInBatches(claims, 200).Error
	})
	if err != nil {
		return nil, fmt.Errorf("routing in team %s: %w", strings.Join(teams, ", "), err)
	}
	return out, nil
}

// leastLoaded is the candidate other than exclude with the least open work plus what is planned for
// them, the first in the candidates' order on a tie; false when there is none.
func leastLoaded(candidates []Candidate, planned map[string]int64, exclude string) (Staff, bool) {
	best := -1
	for i, c := range candidates {
		if c.ID == exclude {
			continue
		}
		if best < 0 || c.OpenActions+planned[c.ID] < candidates[best].OpenActions+planned[candidates[best].ID] {
			best = i
		}
	}
	if best < 0 {
		return Staff{}, false
	}
	return candidates[best].Staff, true
}

// ReleaseRoutingClaim takes back the claims of a new action: its create has answered, or failed.
func (s *Store) ReleaseRoutingClaim(ctx context.Context, actionID string) error {
	if err := s.db.WithContext(ctx).Where("action_id = ? AND NOT handover", actionID).Delete(&RoutingClaim{}).Error; err != nil {
		return fmt.Errorf("releasing the routing claim of %s: %w", actionID, err)
	}
	return nil
}

// ReleaseHandoverClaim takes back request's claim of a recipient for a handover of actionID: the
// handover has been answered (made, or refused), or will not be made. Another request's claim for
// the same action stays.
func (s *Store) ReleaseHandoverClaim(ctx context.Context, actionID, request string) error {
	err := s.db.WithContext(ctx).Where("action_id = ? AND request_id = ? AND handover", actionID, request).Delete(&RoutingClaim{}).Error
	if err != nil {
		return fmt.Errorf("releasing the routing claim of %s for %s: %w", request, actionID, err)
	}
	return nil
}

// HandoversOnTheirWay lists the actions whose handover (or reassignment) to a person is on its
// way: claimed for them, not yet taken back by ReleaseHandoverClaim once the read model shows it,
// or refused.
func (s *Store) HandoversOnTheirWay(ctx context.Context, staffID string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&RoutingClaim{}).
		Where("staff_id = ? AND handover AND claimed_at > ?", staffID, utc(time.Now().Add(-RoutingClaimTTL))).
		Order("action_id").Distinct("action_id").Pluck("action_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("listing the handovers on their way to %s: %w", staffID, err)
	}
	return ids, nil
}

// RenewHandoverClaims makes request's claims count for RoutingClaimTTL from now: a shift handover
// hands its actions over one after another, and the claims of its last ones, made when it started,
// must outlast the time the first ones take.
func (s *Store) RenewHandoverClaims(ctx context.Context, request string) error {
	err := s.db.WithContext(ctx).Model(&RoutingClaim{}).Where("request_id = ? AND handover", request).
		Update("claimed_at", utc(time.Now())).Error
	if err != nil {
		return fmt.Errorf("renewing the routing claims of %s: %w", request, err)
	}
	return nil
}
