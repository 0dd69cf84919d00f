package models

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/handover/handover/calendar"
)

// ReportFigures are the handover figures of one group: all, one situation, or one team.
type ReportFigures struct {
	Made      int `json:"made"`
	Accepted  int `json:"accepted"`
	Declined  int `json:"declined"`
	Expired   int `json:"expired"`
	Withdrawn int `json:"withdrawn"`
	Pending   int `json:"pending"`
	// DeclineRate and ExpiryRate are the shares of the handovers that ended in an answer or at
	// their deadline (accepted, declined or expired) that were declined, or lapsed; nil when none.
	DeclineRate *float64 `json:"decline_rate"`
	ExpiryRate  *float64 `json:"expiry_rate"`
	// TimeToAccept percentiles, in seconds, over accepted handovers; nil when none.
	TimeToAcceptP50 *float64 `json:"time_to_accept_p50_seconds"`
	TimeToAcceptP90 *float64 `json:"time_to_accept_p90_seconds"`
	// TimeToAcceptOpen percentiles, in seconds, count only the opening hours of the action's team
	// (its calendar as it stands when the report is made; all of the time for a team without one,
	// and for an action whose policy counts around the clock), as a handover's window to answer
	// counts them: a handover made at closing time and accepted at the next opening took no open
	// time. Nil when none was accepted.
	TimeToAcceptOpenP50 *float64 `json:"time_to_accept_open_p50_seconds"`
	TimeToAcceptOpenP90 *float64 `json:"time_to_accept_open_p90_seconds"`
	// Completed counts the completions that followed these handovers (each counts with the last
	// handover made before it), however long after the window; OnTime of them before the action
	// ever reached its due time (an extension made at the check, or a "done" given at it, is not
	// on time). Escalations count the same way.
	Completed       int      `json:"completed"`
	CompletedOnTime int      `json:"completed_on_time"`
	OnTimeRate      *float64 `json:"on_time_completion_rate"`
	FeedbackCount   int      `json:"feedback_count"`
	FeedbackAvg     *float64 `json:"feedback_average"`
	// Bounces counts actions handed from one person to another and back.
	Bounces     int            `json:"bounces"`
	Escalations map[string]int `json:"escalations_by_reason"`
	// TimeHeld is, per person, how long they held the actions they accepted: from the acceptance
	// until they passed the action on (another handover accepted, a reassignment, a claim), it
	// was completed or cancelled, or now, however long after the window.
	TimeHeld map[string]*HeldFigures `json:"time_held_by_person"`

	acceptSeconds []float64
	acceptOpen    []float64 // the open time of each of acceptSeconds
	ratings       []int
	actions       map[string]bool
}

// HeldFigures is how long one person held the actions handed to them.
type HeldFigures struct {
	// Actions counts the actions held, each once; Holdings each time one was taken on (an action
	// handed back and forth is held twice by each), whose median MedianSeconds is.
	Actions       int     `json:"actions"`
	Holdings      int     `json:"holdings"`
	TotalSeconds  float64 `json:"total_seconds"`
	MedianSeconds float64 `json:"median_seconds"`
	// OpenTotalSeconds and OpenMedianSeconds count only the opening hours of each action's team,
	// as the time to accept in opening hours does (all of the time for a team without them, and
	// for an action whose policy counts 24/7).
	OpenTotalSeconds  float64 `json:"open_total_seconds"`
	OpenMedianSeconds float64 `json:"open_median_seconds"`

	seconds []float64
	open    []float64
	actions map[string]bool
}

// HandoverReport is the review of how actions were shared in a window (PPL2GEN11 PC10).
type HandoverReport struct {
	Since       time.Time                 `json:"since"`
	Until       time.Time                 `json:"until"`
	TeamID      string                    `json:"team_id,omitempty"`
	Overall     *ReportFigures            `json:"overall"`
	BySituation map[string]*ReportFigures `json:"by_situation"`
	ByTeam      map[string]*ReportFigures `json:"by_team"`
	// FeedbackComments and DeclineReasons are what people said, beside the figures: a review of
	// how actions are shared (unit 214 3.5, K6) needs the words behind a low score or a refusal.
	// Each holds at most ReportListLimit entries.
	FeedbackComments []RatedHandover    `json:"feedback_comments"`
	DeclineReasons   []DeclinedHandover `json:"decline_reasons"`
	// EscalationReasons are the escalations made by hand in the window, with the reason given:
	// the figures count them as by_hand, the words say why.
	EscalationReasons []EscalatedByHand `json:"escalation_reasons"`
}

// EscalatedByHand is an action a supervisor or manager escalated by hand, with their reason. The
// report lists the most recent first.
type EscalatedByHand struct {
	ActionID    string    `json:"action_id"`
	ActionTitle string    `json:"action_title"`
	ActorID     string    `json:"actor_id"`
	Reason      string    `json:"reason"`
	At          time.Time `json:"at"`
}

// ReportListLimit is how many entries each of the report's lists of comments and reasons holds
// at most: enough to read through in a review, never the whole window.
const ReportListLimit = 20

// ReportedHandover names a handover in the report's lists: its action, itself, its people and
// its situation.
type ReportedHandover struct {
	ActionID    string `json:"action_id"`
	ActionTitle string `json:"action_title"`
	HandoverID  string `json:"handover_id"`
	FromID      string `json:"from_id"`
	ToID        string `json:"to_id"`
	Situation   string `json:"situation"`
}

// RatedHandover is a handover its recipient rated with a comment. The report lists the lowest
// rated first, then the most recently accepted.
type RatedHandover struct {
	ReportedHandover
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
	// AcceptedAt is when the recipient accepted the handover they rated (the read model keeps no
	// time of the rating itself; the timeline does).
	AcceptedAt *time.Time `json:"accepted_at"`
}

// DeclinedHandover is a handover its recipient declined, with their reason. The report lists the
// most recently declined first.
type DeclinedHandover struct {
	ReportedHandover
	Reason     string     `json:"reason"`
	DeclinedAt *time.Time `json:"declined_at"`
}

func newFigures() *ReportFigures {
	return &ReportFigures{Escalations: map[string]int{}, TimeHeld: map[string]*HeldFigures{}, actions: map[string]bool{}}
}

// dueEvents are the timeline events that reach, set, move or stop an action's due time; withData
// are those whose data the report reads (an escalation's reason, a due time).
var (
	dueEvents = []string{"due", "created", "extended", "reassigned", "paused", "resumed"}
	withData  = []string{"escalated", "created", "extended", "reassigned", "resumed"}
)

// dueClock follows one action's due time along its timeline, to tell whether the action had
// reached it. The workflow records `due` only where a due timer runs (an assigned action, or one
// being handed over); the due time also passes while an action is escalated or unassigned, where
// no event says so, and does not while it is paused (resuming moves it by the pause).
type dueClock struct {
	due     time.Time
	paused  bool
	reached bool
}

// see takes the action's next event, of the given type and time and with the due time its data
// gives, and reports whether the action had reached its due time by then.
func (c *dueClock) see(typ string, at time.Time, dueAt *time.Time) bool {
	if typ == "due" || (!c.paused && !c.due.IsZero() && !at.Before(c.due)) {
		c.reached = true
	}
	switch typ {
	case "paused":
		c.paused = true
	case "resumed":
		c.paused = false
	}
	if dueAt != nil && !dueAt.IsZero() && typ != "due" {
		c.due = *dueAt
	}
	return c.reached
}

// ownerEnds are the timeline events after which the person who accepted an action no longer
// holds it.
var ownerEnds = []string{"handover_accepted", "reassigned", "claimed", "completed", "cancelled"}

// madeIn is one handover of the window: when it was made, and the groups it counts in.
type madeIn struct {
	at     time.Time
	groups []*ReportFigures
}

// held is one accepted handover: its recipient holds the action from the acceptance.
type held struct {
	actionID, person string
	from             time.Time
	groups           []*ReportFigures
	clock            *calendar.Clock // the opening hours its open time counts; nil: all of it
}

// HandoverReport computes the review of handovers requested in [since, until), of one team or all:
// every figure follows them to now. Their statuses are as they stand, and each completion and
// escalation of their actions counts with the last handover made before it, so with one window
// only (none, before the first handover of the window or after one made after it): the windows of
// a split add up to the whole, and the situations to the overall figures.
func (s *Store) HandoverReport(ctx context.Context, since, until time.Time, teamID string) (HandoverReport, error) {
	if s.dialect != DialectPostgres {
		return s.handoverReport(s.read.WithContext(ctx), since, until, teamID)
	}
	// PostgreSQL plans each statement for its window: after five runs a prepared statement may
	// take a generic plan, which guesses a window of a few hundred handovers and walks the index
	// through tens of thousands (a 90-day review of one team went from 0.1 to 0.5 s).
	var r HandoverReport
	err := s.read.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return fmt.Errorf("reading the report: %w", err)
		}
		var err error
		r, err = s.handoverReport(tx, since, until, teamID)
		return err
	}, &sql.TxOptions{ReadOnly: true})
	return r, err
}

func (s *Store) handoverReport(db *gorm.DB, since, until time.Time, teamID string) (HandoverReport, error) {
	r := HandoverReport{Since: utc(since), Until: utc(until), TeamID: teamID, Overall: newFigures(),
		BySituation: map[string]*ReportFigures{}, ByTeam: map[string]*ReportFigures{},
		FeedbackComments: []RatedHandover{}, DeclineReasons: []DeclinedHandover{}, EscalationReasons: []EscalatedByHand{}}
	var rows []struct {
		Handover
		TeamID string
		Title  string
		Clock  string // the clock of the action's policy: "24/7" counts around the clock
	}
	// The handovers made in the window (of the team): their rows here, their actions' IDs below as
	// a subquery (a list of parameters would outgrow what the databases take for a busy team).
	// Without a team the actions table is joined only for the rows' team and title.
	inWindow := func(withActions bool) *gorm.DB {
		q := db.Table("handovers").
			Where("handovers.requested_at >= ? AND handovers.requested_at < ?", utc(since), utc(until))
		if withActions || teamID != "" {
			q = q.Joins("JOIN actions ON actions.id = handovers.action_id")
		}
		if teamID != "" {
			q = q.Where("actions.team_id = ?", teamID)
		}
		return q
	}
	// The columns the figures and lists read, not the notes of every handover of the window.
	// The policy version the action runs under gives its clock (version 0, the defaults: business).
	q := inWindow(true).Joins("LEFT JOIN policies ON policies.category = actions.category AND policies.version = actions.policy_version").
		Select("handovers.action_id, handovers.id, handovers.from_id, handovers.to_id, handovers.situation, " +
			"handovers.status, handovers.requested_at, handovers.responded_at, handovers.decline_reason, handovers.feedback_rating, " +
			"handovers.feedback_comment, actions.team_id AS team_id, actions.title AS title, COALESCE(policies.clock, 'business') AS clock")
	if err := q.Order("handovers.requested_at, handovers.id").Scan(&rows).Error; err != nil {
		return r, fmt.Errorf("reading handovers for the report: %w", err)
	}
	clocks, err := openClocks(db, teamID)
	if err != nil {
		return r, err
	}
	groups := func(situation, team string) []*ReportFigures {
		if r.BySituation[situation] == nil {
			r.BySituation[situation] = newFigures()
		}
		if r.ByTeam[team] == nil {
			r.ByTeam[team] = newFigures()
		}
		return []*ReportFigures{r.Overall, r.BySituation[situation], r.ByTeam[team]}
	}
	accepted := map[string][][2]string{} // action -> accepted (from, to) in order
	actionGroups := map[string][]*ReportFigures{}
	made := map[string][]madeIn{} // action -> its handovers of the window, in the order made
	titles := map[string]string{} // action -> title, for the list of escalations by hand
	var holds []held
	for _, h := range rows {
		gs := groups(h.Situation, h.TeamID)
		clock := clocks[h.TeamID] // the opening hours the action's times count: nil, all of the time
		if h.Clock == "24/7" {
			clock = nil
		}
		var elapsed, open time.Duration // of an accepted handover: the time to accept it
		if h.Status == "accepted" && h.RespondedAt != nil {
			elapsed = h.RespondedAt.Sub(h.RequestedAt)
			open = elapsed
			if clock != nil {
				open = clock.Between(h.RequestedAt, *h.RespondedAt)
			}
		}
		actionGroups[h.ActionID] = appendUnique(actionGroups[h.ActionID], gs...)
		made[h.ActionID] = append(made[h.ActionID], madeIn{at: h.RequestedAt, groups: gs})
		titles[h.ActionID] = h.Title
		for _, g := range gs {
			g.Made++
			g.actions[h.ActionID] = true
			switch h.Status {
			case "accepted":
				g.Accepted++
				if h.RespondedAt != nil {
					g.acceptSeconds = append(g.acceptSeconds, elapsed.Seconds())
					g.acceptOpen = append(g.acceptOpen, open.Seconds())
				}
			case "declined":
				g.Declined++
			case "expired":
				g.Expired++
			case "withdrawn":
				g.Withdrawn++
			default:
				g.Pending++
			}
			if h.FeedbackRating > 0 {
				g.ratings = append(g.ratings, h.FeedbackRating)
			}
		}
		if h.Status == "accepted" {
			accepted[h.ActionID] = append(accepted[h.ActionID], [2]string{h.FromID, h.ToID})
			if h.RespondedAt != nil {
				holds = append(holds, held{actionID: h.ActionID, person: h.ToID, from: *h.RespondedAt, groups: gs, clock: clock})
			}
		}
		// What people said comes from the rows already read for the figures: the same window and
		// team, no query more.
		ref := ReportedHandover{ActionID: h.ActionID, ActionTitle: h.Title, HandoverID: h.ID, FromID: h.FromID, ToID: h.ToID, Situation: h.Situation}
		if h.FeedbackRating > 0 && strings.TrimSpace(h.FeedbackComment) != "" {
			r.FeedbackComments = append(r.FeedbackComments, RatedHandover{
				ReportedHandover: ref, Rating: h.FeedbackRating, Comment: h.FeedbackComment, AcceptedAt: utcPtr(h.RespondedAt),
			})
		}
		if h.Status == "declined" {
			r.DeclineReasons = append(r.DeclineReasons, DeclinedHandover{
				ReportedHandover: ref, Reason: h.DeclineReason, DeclinedAt: utcPtr(h.RespondedAt),
			})
		}
	}
	slices.SortFunc(r.FeedbackComments, func(a, b RatedHandover) int {
		return cmp.Or(cmp.Compare(a.Rating, b.Rating), newestFirst(a.AcceptedAt, b.AcceptedAt),
			cmp.Compare(a.ActionID, b.ActionID), cmp.Compare(a.HandoverID, b.HandoverID))
	})
	slices.SortFunc(r.DeclineReasons, func(a, b DeclinedHandover) int {
		return cmp.Or(newestFirst(a.DeclinedAt, b.DeclinedAt), cmp.Compare(a.ActionID, b.ActionID), cmp.Compare(a.HandoverID, b.HandoverID))
	})
	r.FeedbackComments = r.FeedbackComments[:min(len(r.FeedbackComments), ReportListLimit)]
	r.DeclineReasons = r.DeclineReasons[:min(len(r.DeclineReasons), ReportListLimit)]
	for action, pairs := range accepted {
		if bounced(pairs) {
			for _, g := range actionGroups[action] {
				g.Bounces++
			}
		}
	}
	if len(actionGroups) > 0 {
		// The first handover of each action made after the window: what follows it is that
		// window's.
		var later []Handover // MIN() of a time is text on SQLite: the first of each in Go
		if err := db.Select("action_id, requested_at").
			Where("action_id IN (?) AND requested_at >= ?", inWindow(false).Select("handovers.action_id"), utc(until)).
			Find(&later).Error; err != nil {
			return r, fmt.Errorf("reading later handovers for the report: %w", err)
		}
		next := make(map[string]time.Time, len(later))
		for _, l := range later {
			if n, ok := next[l.ActionID]; !ok || l.RequestedAt.Before(n) {
				next[l.ActionID] = l.RequestedAt
			}
		}
		// followed gives the groups of the handover of the window an outcome at `at` follows: the
		// last one made at or before it, unless a handover made after the window came between.
		followed := func(action string, at time.Time) []*ReportFigures {
			if n, ok := next[action]; ok && !at.Before(n) {
				return nil
			}
			var gs []*ReportFigures
			for _, m := range made[action] {
				if m.at.After(at) {
					break
				}
				gs = m.groups
			}
			return gs
		}
		var events []ActionEvent
		// The outcomes that follow the window's handovers, however long after it, with each
		// action's due time as it was set and moved, however long before: a completion after the
		// action reached its due time was late, whatever the due time became since. The data only
		// of the events that carry a reason or a due time.
		if err := db.Select("action_id, seq, type, actor_id, at, CASE WHEN type IN ? THEN data ELSE '' END AS data", withData).
			Where("action_id IN (?) AND ((type IN ? AND at >= ?) OR type IN ?)",
				inWindow(false).Select("handovers.action_id"), append([]string{"escalated"}, ownerEnds...), utc(since), dueEvents).
			Order("at, seq").Find(&events).Error; err != nil {
			return r, fmt.Errorf("reading outcomes for the report: %w", err)
		}
		addHolds(holds, events, utc(time.Now()))
		clocks := map[string]*dueClock{}
		for _, e := range events {
			clock := clocks[e.ActionID]
			if clock == nil {
				clock = &dueClock{}
				clocks[e.ActionID] = clock
			}
			var data struct {
				Kind   string     `json:"reason_kind"`
				Reason string     `json:"reason"`
				DueAt  *time.Time `json:"due_at"`
			}
			if e.Data != "" {
				_ = json.Unmarshal([]byte(e.Data), &data)
			}
			pastDue := clock.see(e.Type, e.At, data.DueAt)
			gs := followed(e.ActionID, e.At)
			if gs == nil {
				continue // an earlier event sets the clock; it follows no handover of the window
			}
			if e.Type == "escalated" && data.Kind == "by_hand" {
				r.EscalationReasons = append(r.EscalationReasons, EscalatedByHand{
					ActionID: e.ActionID, ActionTitle: titles[e.ActionID], ActorID: e.ActorID, Reason: data.Reason, At: e.At.UTC(),
				})
			}
			for _, g := range gs {
				switch e.Type {
				case "completed":
					g.Completed++
					// On time: completed before the action ever reached its due time (and its
					// check). An extension agreed before then moves the time to meet; one made at
					// the check, or once the due time passed while the action was escalated, does
					// not make the completion on time.
					if !pastDue {
						g.CompletedOnTime++
					}
				case "escalated":
					if data.Kind == "" {
						data.Kind = "unknown"
					}
					g.Escalations[data.Kind]++
				}
			}
		}
	}
	slices.SortFunc(r.EscalationReasons, func(a, b EscalatedByHand) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.ActionID, b.ActionID))
	})
	r.EscalationReasons = r.EscalationReasons[:min(len(r.EscalationReasons), ReportListLimit)]
	for _, g := range append([]*ReportFigures{r.Overall}, mapValues(r.BySituation, r.ByTeam)...) {
		g.finish()
	}
	return r, nil
}

// newestFirst orders times newest first, a missing one last. Callers break ties by the
// handover's IDs, so that equal times always come out in the same order.
func newestFirst(a, b *time.Time) int {
	switch {
	case a != nil && b != nil:
		return b.Compare(*a)
	case a != nil:
		return -1
	case b != nil:
		return 1
	}
	return 0
}

// addHolds adds to each accepted handover's groups how long its recipient held the action: until
// the first of its events (in time order) that ends the holding, or end (now).
func addHolds(holds []held, events []ActionEvent, end time.Time) {
	ends := map[string][]time.Time{} // action -> times its holder changed or it ended, in order
	for _, e := range events {
		if slices.Contains(ownerEnds, e.Type) {
			ends[e.ActionID] = append(ends[e.ActionID], e.At)
		}
	}
	for _, h := range holds {
		if !h.from.Before(end) {
			continue
		}
		until := end
		for _, at := range ends[h.actionID] {
			if at.After(h.from) {
				if at.Before(end) {
					until = at
				}
				break
			}
		}
		seconds := max(until.Sub(h.from).Seconds(), 0)
		open := seconds
		if h.clock != nil {
			open = h.clock.Between(h.from, until).Seconds()
		}
		for _, g := range h.groups {
			f := g.TimeHeld[h.person]
			if f == nil {
				f = &HeldFigures{actions: map[string]bool{}}
				g.TimeHeld[h.person] = f
			}
			f.actions[h.actionID] = true
			f.TotalSeconds += seconds
			f.seconds = append(f.seconds, seconds)
			f.OpenTotalSeconds += open
			f.open = append(f.open, open)
		}
	}
}

func (g *ReportFigures) finish() {
	if ended := g.Accepted + g.Declined + g.Expired; ended > 0 {
		declined, expired := float64(g.Declined)/float64(ended), float64(g.Expired)/float64(ended)
		g.DeclineRate, g.ExpiryRate = &declined, &expired
	}
	for _, f := range g.TimeHeld {
		f.Actions, f.Holdings = len(f.actions), len(f.seconds)
		f.TotalSeconds, f.OpenTotalSeconds = roundMillis(f.TotalSeconds), roundMillis(f.OpenTotalSeconds)
		sort.Float64s(f.seconds)
		f.MedianSeconds = percentile(f.seconds, 0.5)
		sort.Float64s(f.open)
		f.OpenMedianSeconds = percentile(f.open, 0.5)
	}
	if len(g.acceptSeconds) > 0 {
		sort.Float64s(g.acceptSeconds)
		p50, p90 := percentile(g.acceptSeconds, 0.5), percentile(g.acceptSeconds, 0.9)
		g.TimeToAcceptP50, g.TimeToAcceptP90 = &p50, &p90
		sort.Float64s(g.acceptOpen)
		open50, open90 := percentile(g.acceptOpen, 0.5), percentile(g.acceptOpen, 0.9)
		g.TimeToAcceptOpenP50, g.TimeToAcceptOpenP90 = &open50, &open90
	}
	if g.Completed > 0 {
		rate := float64(g.CompletedOnTime) / float64(g.Completed)
		g.OnTimeRate = &rate
	}
	if len(g.ratings) > 0 {
		sum := 0
		for _, r := range g.ratings {
			sum += r
		}
		avg := float64(sum) / float64(len(g.ratings))
		g.FeedbackCount, g.FeedbackAvg = len(g.ratings), &avg
	}
}

// percentile is the p-th percentile of sorted values (at least one), interpolated between the two
// nearest, as a spreadsheet's PERCENTILE.INC: the median of an even number of values is the
// midpoint of the middle two, as a manager reading "median" expects (the nearest rank gave the
// lower of two). It is rounded to the millisecond, as the totals of time held are (roundMillis).
func percentile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return roundMillis(sorted[len(sorted)-1])
	}
	return roundMillis(sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo]))
}

// roundMillis is seconds to the nearest millisecond: the report's times are kept to the
// microsecond, and its sums and interpolations add float noise (2.978905600000001), neither a
// figure a manager reads.
func roundMillis(seconds float64) float64 { return math.Round(seconds*1000) / 1000 }

// bounced reports whether an action went from one person to another and later back.
func bounced(pairs [][2]string) bool {
	for i, p := range pairs {
		for _, q := range pairs[i+1:] {
			if q[0] == p[1] && q[1] == p[0] {
				return true
			}
		}
	}
	return false
}

func appendUnique(list []*ReportFigures, items ...*ReportFigures) []*ReportFigures {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

func mapValues(maps ...map[string]*ReportFigures) []*ReportFigures {
	var out []*ReportFigures
	for _, m := range maps {
		for _, v := range m {
			out = append(out, v)
		}
	}
	return out
}

// WeeklyReport is a stored handover review of one week, for one team or ("") all.
type WeeklyReport struct {
	Until     time.Time `gorm:"primaryKey"`
	TeamID    string    `gorm:"primaryKey"`
	Since     time.Time
	Body      string
	CreatedAt time.Time
}

// WeekEnd is the end of the last whole review week at or before t in UTC (Monday 06:00 UTC): the
// week of all teams together, and of a team without opening hours.
func WeekEnd(t time.Time) time.Time {
	return WeekEndIn(t, time.UTC)
}

// WeekEndIn is the end of the last whole review week at or before t in loc: Monday 06:00 there,
// as an instant in UTC. A week across a change of the clocks is an hour shorter or longer.
func WeekEndIn(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	end := time.Date(l.Year(), l.Month(), l.Day()-(int(l.Weekday())+6)%7, 6, 0, 0, 0, loc) // back to Monday
	if end.After(t) {
		return mondayFrom(end, loc, -7)
	}
	return end.UTC()
}

// weekBefore is the start of the review week that ends at end in loc: the Monday 06:00 before.
func weekBefore(end time.Time, loc *time.Location) time.Time {
	return mondayFrom(end, loc, -7)
}

// NextWeekEnd is the end of the review week going on at t in loc: the first Monday 06:00 there
// after t, when its review is kept.
func NextWeekEnd(t time.Time, loc *time.Location) time.Time {
	return mondayFrom(WeekEndIn(t, loc), loc, 7)
}

// mondayFrom is 06:00 in loc on the day days from monday's there.
func mondayFrom(monday time.Time, loc *time.Location, days int) time.Time {
	l := monday.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+days, 6, 0, 0, 0, loc).UTC()
}

// TeamZone is a team's time zone: its opening hours' zone, UTC for a team without opening hours
// (or whose zone this process cannot load), and for all together (""). Its weekly review is cut
// in it, and the webhook gives the times of its messages in it.
func (s *Store) TeamZone(ctx context.Context, teamID string) (*time.Location, error) {
	if teamID == "" {
		return time.UTC, nil
	}
	c, err := s.GetCalendar(ctx, teamID)
	if errors.Is(err, ErrNotFound) {
		return time.UTC, nil
	}
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// weeksCaughtUp is how many whole weeks a run keeps at most for one team: the week just ended and
// those before it that no run kept (the schedule or its workers down over a weekend), back to the
// team's last week kept. As many as the reports page shows.
const weeksCaughtUp = 8

// SaveWeeklyReports keeps the review of the last whole week at or before now of every team, the
// week that ended on Monday 06:00 in the team's own time zone (TeamZone), and of all teams
// together (to Monday 06:00 UTC), each once: a week kept already is left as it is, so the schedule
// can run every hour and each team's week is kept within the hour of its end, wherever the team
// works. A run after weeks without one keeps each week since the team's last kept, up to
// weeksCaughtUp of them, the oldest first; a team with none kept yet gets the last week's alone.
// The weeks of one round (every team's oldest not kept yet, then the next) are written in one
// transaction, a round's reports made just before it: a run cut short (its activity's time
// spent) keeps the rounds it wrote, and the next goes on from there. It answers how many it kept.
func (s *Store) SaveWeeklyReports(ctx context.Context, now time.Time) (int, error) {
	teams, err := s.ListTeams(ctx)
	if err != nil {
		return 0, err
	}
	ids := []string{""}
	for _, t := range teams {
		ids = append(ids, t.ID)
	}
	type week struct {
		team         string
		since, until time.Time
	}
	var rounds [][]week // rounds[i]: the i-th oldest week not kept of each team that has one
	for _, team := range ids {
		loc, err := s.TeamZone(ctx, team)
		if err != nil {
			return 0, err
		}
		var last []WeeklyReport
		if err := s.db.WithContext(ctx).Select("until").Where("team_id = ?", team).Order("until DESC").Limit(1).Find(&last).Error; err != nil {
			return 0, fmt.Errorf("reading the weekly reports of %q: %w", team, err)
		}
		var missed []week // newest first
		until := WeekEndIn(now, loc)
		for range weeksCaughtUp {
			if len(last) > 0 && !until.After(last[0].Until) {
				break
			}
			since := weekBefore(until, loc)
			missed = append(missed, week{team: team, since: since, until: until})
			if len(last) == 0 {
				break
			}
			until = since
		}
		slices.Reverse(missed)
		for i, w := range missed {
			if i == len(rounds) {
				rounds = append(rounds, nil)
			}
			rounds[i] = append(rounds[i], w)
		}
	}
	saved := 0
	for _, round := range rounds {
		rows := make([]WeeklyReport, 0, len(round))
		for _, w := range round {
			r, err := s.HandoverReport(ctx, w.since, w.until, w.team)
			if err != nil {
				return saved, err
			}
			body, err := json.Marshal(r)
			if err != nil {
				return saved, fmt.Errorf("encoding the weekly report: %w", err)
			}
			rows = append(rows, WeeklyReport{Until: utc(w.until), TeamID: w.team, Since: utc(w.since), Body: string(body), CreatedAt: utc(time.Now())})
		}
		n := 0
		err := s.tx(ctx, func(tx *gorm.DB) error {
			n = 0
			for _, row := range rows {
				// Kept meanwhile by another run (a worker of another process): that one stands.
				res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
				if res.Error != nil {
					return fmt.Errorf("saving the weekly report of %q: %w", row.TeamID, res.Error)
				}
				n += int(res.RowsAffected)
			}
			return nil
		})
		if err != nil {
			return saved, err
		}
		saved += n
	}
	return saved, nil
}

// ListWeeklyReports returns the kept reports of one team ("" for all teams together), newest first.
func (s *Store) ListWeeklyReports(ctx context.Context, teamID string, limit int) ([]WeeklyReport, error) {
	var out []WeeklyReport
	err := s.db.WithContext(ctx).Where("team_id = ?", teamID).Order("until DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing weekly reports: %w", err)
	}
	return out, nil
}
