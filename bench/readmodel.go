package bench

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// ReadModelOptions size the read-model measurement.
type ReadModelOptions struct {
	// Actions to seed, each with its handovers, a timeline of 3 to 7 events and an inbox record
	// of each event after the first. Default 100,000.
	Actions int
	// Requests of each query measured. Default 200.
	Requests int
	// Teams the actions are spread over, 10 staff each. Default one per 200 actions, from 1 to
	// 50 (50 at 10,000 actions and more), so that every team has two pages of actions to list.
	Teams int
	// Sealer, when set, seals each customer's name and contact with the customer's own key, as
	// the API does; nil leaves them plain.
	Sealer *pii.Sealer
}

func (o *ReadModelOptions) setDefaults() {
	if o.Actions <= 0 {
		o.Actions = 100_000
	}
	if o.Requests <= 0 {
		o.Requests = 200
	}
	if o.Teams <= 0 {
		o.Teams = min(max(o.Actions/MinReadModelActions, 1), 50)
	}
}

// MinReadModelActions is the fewest actions a read-model run seeds: its paging query reads a
// team's first two pages of 50.
const MinReadModelActions = 200

// QueryFigures are one query's latencies.
type QueryFigures struct {
	Query string  `json:"query"`
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	Rows  int     `json:"rows_last"`
}

// ReadModelResult is what the read-model measurement found.
type ReadModelResult struct {
	Dialect     string  `json:"dialect"`
	Actions     int     `json:"actions"`
	Events      int     `json:"events"`
	SeedSeconds float64 `json:"seed_seconds"`
	// Sealed says whether the seeded customers' data is sealed (a seed made by an older version
	// is not, and its API figures then leave out opening it).
	Sealed  bool           `json:"customer_data_sealed"`
	Queries []QueryFigures `json:"queries"`
	// API are the same reads through the HTTP API: token check, read model, opening the sealed
	// customer data, JSON.
	API []QueryFigures `json:"api"`
}

// Table is the result as lines of text.
func (r ReadModelResult) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read model (%s): %d actions, %d events, seeded in %.1fs, customer data sealed: %t\n", r.Dialect, r.Actions, r.Events, r.SeedSeconds, r.Sealed)
	for i, qs := range [][]QueryFigures{r.Queries, r.API} {
		if i == 1 && len(qs) > 0 {
			b.WriteString("through the HTTP API:\n")
		}
		for _, q := range qs {
			fmt.Fprintf(&b, "  %-34s p50 %7.2f ms   p99 %7.2f ms   (%d rows)\n", q.Query, q.P50Ms, q.P99Ms, q.Rows)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// ReadModel migrates the read model at url, seeds it (once: a read model already holding the
// seeded actions is reused) and measures each read query the API makes.
func ReadModel(ctx context.Context, url string, opt ReadModelOptions) (ReadModelResult, error) {
	opt.setDefaults()
	if opt.Actions < MinReadModelActions {
		return ReadModelResult{}, fmt.Errorf("a read-model run seeds at least %d actions (its paging query reads a team's first two pages of 50); %d asked", MinReadModelActions, opt.Actions)
	}
	store, err := models.Open(url, nil)
	if err != nil {
		return ReadModelResult{}, err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return ReadModelResult{}, err
	}
	res := ReadModelResult{Dialect: store.Dialect(), Actions: opt.Actions}
	keys, err := seedKeyring()
	if err != nil {
		return res, err
	}
	opt.Sealer = &pii.Sealer{Keys: keys, Store: store}
	began := time.Now()
	seed, err := Seed(ctx, store, opt)
	if err != nil {
		return res, err
	}
	res.SeedSeconds, res.Events = round(time.Since(began).Seconds()), seed.Events
	if res.Sealed, err = seedSealed(ctx, store); err != nil {
		return res, err
	}
	for _, q := range ReadQueries(store, seed) {
		f, err := q.Measure(ctx, opt.Requests)
		if err != nil {
			return res, err
		}
		res.Queries = append(res.Queries, f)
	}
	srv, err := StartReadAPI(ctx, store, opt.Sealer, seed)
	if err != nil {
		return res, err
	}
	defer srv.Close()
	for _, q := range srv.Queries() {
		f, err := q.Measure(ctx, opt.Requests)
		if err != nil {
			return res, err
		}
		res.API = append(res.API, f)
	}
	return res, nil
}

// seedKeyring is the key the seeded customers' data keys are wrapped with. It is fixed, so that a
// seed made by one run is read by the next: the seed is synthetic data in a database of its own.
func seedKeyring() (*codec.Keyring, error) {
	key := sha256.Sum256([]byte("handover bench: the read model's seed"))
	return codec.NewKeyring(base64.StdEncoding.EncodeToString(key[:]))
}

// seedSealed reports whether the seeded customers' data is sealed.
func seedSealed(ctx context.Context, store *models.Store) (bool, error) {
	var names []string
	err := store.DB().WithContext(ctx).Model(&models.Action{}).Where("title LIKE ?", seedTitle+"%").
		Limit(1).Pluck("customer_name", &names).Error
	if err != nil {
		return false, fmt.Errorf("reading a seeded action: %w", err)
	}
	return len(names) == 1 && pii.IsSealed(names[0]), nil
}

// Seeded describes a seeded read model, for choosing query parameters.
type Seeded struct {
	Teams       []string
	Staff       []string
	Supervisors []string
	Actions     []string
	Customers   int
	Events      int
	// Notifications are the inbox records seeded, about 800 a person.
	Notifications int
	Now           time.Time
	// Search reads a search for a customer as the seed indexed them (its keys, and the
	// blind indexes of customer_search).
	Search *pii.Sealer
}

// seedTitle begins the title of every seeded action.
const seedTitle = "Seeded action "

// seedNamespace makes the seeded actions' IDs.
var seedNamespace = uuid.MustParse("6f1c2a3e-8d4b-4c1a-9e2f-5b7d8c9a0e1f")

var seedOpen = []string{"unassigned", "assigned", "assigned", "assigned", "handover_pending", "checking", "escalated"}

// Seed fills the read model with opt.Actions actions of opt.Teams teams, spread over 90 days,
// about 40 % of them open, with handovers and timelines, in multi-row batches. It is deterministic,
// and a store that already holds the seed is left as it is.
func Seed(ctx context.Context, store *models.Store, opt ReadModelOptions) (Seeded, error) {
	opt.setDefaults()
	rng := rand.New(rand.NewPCG(7, uint64(opt.Actions)))
	now := time.Now().UTC().Truncate(time.Microsecond)
	s := Seeded{Customers: max(opt.Actions/5, 1), Now: now, Search: opt.Sealer}
	if s.Search == nil {
		keys, err := seedKeyring()
		if err != nil {
			return s, err
		}
		s.Search = &pii.Sealer{Keys: keys} // blind indexes only: the data itself stays plain
	}
	for t := range opt.Teams {
		team := fmt.Sprintf("seed-team-%02d", t)
		s.Teams = append(s.Teams, team)
		for p := range 10 {
			id := fmt.Sprintf("seed-%02d-%d", t, p)
			s.Staff = append(s.Staff, id)
			if p == 0 {
				s.Supervisors = append(s.Supervisors, id)
			}
		}
	}
	db := store.DB().WithContext(ctx)
	var have int64
	if err := db.Model(&models.Action{}).Where("title LIKE ?", seedTitle+"%").Count(&have).Error; err != nil {
		return s, fmt.Errorf("counting seeded actions: %w", err)
	}
	for i := range opt.Actions {
		// UUIDs, as the API's actions have (it answers 404 for any other ID), the same every run.
		s.Actions = append(s.Actions, uuid.NewSHA1(seedNamespace, fmt.Appendf(nil, "seed-a-%07d", i)).String())
	}
	if int(have) == opt.Actions {
		return s, reuseSeed(db, &s)
	}
	if have != 0 {
		return s, fmt.Errorf("the read model holds %d seeded actions, not %d: use an empty database", have, opt.Actions)
	}
	for t, team := range s.Teams {
		if err := store.SaveTeam(ctx, models.Team{ID: team, Name: "Seed team " + team}); err != nil {
			return s, err
		}
		for p := range 10 {
			role := "agent"
			if p == 0 {
				role = "supervisor"
			}
			tm := team
			err := store.SaveStaff(ctx, models.Staff{ID: s.Staff[t*10+p], Name: "Seed " + s.Staff[t*10+p], Role: role, TeamID: &tm, Authority: 1 + p%3, OnShift: true, Active: true})
			if err != nil {
				return s, err
			}
		}
	}
	customers, err := seedCustomers(ctx, opt.Sealer, s.Search, s.Customers)
	if err != nil {
		return s, err
	}
	const batch = 1000
	var (
		actions   []models.Action
		handovers []models.Handover
		events    []models.ActionEvent
		notes     []models.Notification
		search    []models.CustomerSearch
	)
	flush := func() error {
		err := db.Transaction(func(tx *gorm.DB) error {
			// An action's row has over 32 columns: a statement of 1000 of them would pass SQLite's
			// 32,766 variables.
			if err := tx.Omit("Handovers").CreateInBatches(actions, batch/4).Error; err != nil {
				return err
			}
			if len(handovers) > 0 {
				if err := tx.CreateInBatches(handovers, batch).Error; err != nil {
					return err
				}
			}
			if err := tx.CreateInBatches(events, batch).Error; err != nil {
				return err
			}
			if err := tx.CreateInBatches(search, batch).Error; err != nil {
				return err
			}
			return tx.CreateInBatches(notes, batch).Error
		})
		actions, handovers, events, notes, search = actions[:0], handovers[:0], events[:0], notes[:0], search[:0]
		return err
	}
	for i, id := range s.Actions {
		t := rng.IntN(opt.Teams)
		owner := s.Staff[t*10+1+rng.IntN(9)]
		created := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		a := models.Action{
			ID: id, Title: seedTitle + id, Details: "Seeded for the read-model benchmark.", Category: "request",
			Priority: []string{"low", "normal", "normal", "high", "urgent"}[rng.IntN(5)], Status: "completed",
			OwnerID: owner, TeamID: s.Teams[t], RequiredAuthority: 1,
			DueAt: created.Add(time.Duration(1+rng.IntN(72)) * time.Hour), CreatedBy: owner, CreatedAt: created,
		}
		c := customers[rng.IntN(s.Customers)]
		a.CustomerRef, a.CustomerName, a.CustomerContact = c.ref, c.name, c.contact
		for _, token := range c.tokens {
			search = append(search, models.CustomerSearch{Token: token, ActionID: id})
		}
		nEvents := 3 + rng.IntN(5)
		if rng.IntN(10) < 4 {
			a.Status = seedOpen[rng.IntN(len(seedOpen))]
			// Open actions are recent: due from a week ago to a week ahead.
			a.DueAt = now.Add(time.Duration(rng.Int64N(int64(14*24*time.Hour))) - 7*24*time.Hour)
		}
		if a.Status == "unassigned" {
			a.OwnerID = ""
		}
		if a.Status == "escalated" {
			a.EscalationLevel = 1 + rng.IntN(2)
		}
		if a.Status == "completed" {
			a.Outcome = "done"
		}
		// Half the actions were handed over; every one waiting for an acceptance has its handover.
		if handed := rng.IntN(10) < 5; (handed || a.Status == "handover_pending") && a.Status != "unassigned" {
			to := s.Staff[t*10+1+rng.IntN(9)]
			h := models.Handover{
				ActionID: id, ID: id + "-h1", FromID: owner, ToID: to, Reason: "shift ends", Method: "written",
				Situation: "routine", Summary: "seeded", Status: "accepted", RequestedAt: created.Add(time.Minute),
			}
			if a.Status == "handover_pending" {
				h.Status = "pending"
				a.PendingHandoverID = h.ID
			} else {
				at := created.Add(5 * time.Minute)
				h.RespondedAt = &at
				a.OwnerID, a.HanderID = to, owner
				if a.Status != "completed" && rng.IntN(2) == 0 {
					f := now.Add(time.Duration(rng.Int64N(int64(48*time.Hour))) - 24*time.Hour)
					a.FollowUpAt = &f
				}
			}
			handovers = append(handovers, h)
		}
		a.Version = int64(nEvents)
		a.UpdatedAt = created.Add(time.Duration(nEvents) * time.Minute)
		a.WrittenAt = a.UpdatedAt
		for seq := 1; seq <= nEvents; seq++ {
			// A lifecycle's first steps, then notes; a completed action's last event is its
			// completion, and an open one has none.
			typ := []string{"created", "handover_requested", "handover_accepted", "note_added"}[min(seq-1, 3)]
			if seq == nEvents && a.Status == "completed" {
				typ = "completed"
			}
			events = append(events, models.ActionEvent{
				ActionID: id, Seq: int64(seq), Type: typ,
				ActorID: owner, Cause: "request", At: created.Add(time.Duration(seq) * time.Minute), Data: `{"seeded":true}`,
			})
		}
		s.Events += nEvents
		told := seedNotifications(a, events[len(events)-nEvents:], s.Supervisors[t])
		notes = append(notes, told...)
		s.Notifications += len(told)
		actions = append(actions, a)
		if len(actions) == batch || i == len(s.Actions)-1 {
			if err := flush(); err != nil {
				return s, fmt.Errorf("seeding actions: %w", err)
			}
		}
	}
	if store.Dialect() == models.DialectPostgres {
		// Fresh statistics, as autovacuum would give a table this size soon after.
		if err := db.Exec("ANALYZE actions, handovers, action_events, notifications, customer_search").Error; err != nil {
			return s, err
		}
	} else if err := db.Exec("ANALYZE").Error; err != nil {
		return s, err
	}
	return s, nil
}

// reuseSeed checks that the read model holds a seed of this version (its actions' IDs, inbox
// records) and counts its events and inbox records into s.
func reuseSeed(db *gorm.DB, s *Seeded) error {
	var found, events, notes int64
	if err := db.Model(&models.Action{}).Where("id = ?", s.Actions[0]).Count(&found).Error; err != nil || found == 0 {
		return errors.Join(err, errors.New("the read model holds a seed of an older version: use an empty database"))
	}
	if err := db.Model(&models.Notification{}).Where("action_id = ?", s.Actions[0]).Count(&notes).Error; err != nil || notes == 0 {
		return errors.Join(err, errors.New("the read model holds a seed without inbox records (an older version): use an empty database"))
	}
	if err := db.Model(&models.CustomerSearch{}).Where("action_id = ?", s.Actions[0]).Count(&found).Error; err != nil || found == 0 {
		return errors.Join(err, errors.New("the read model holds a seed without customers' blind indexes (an older version): use an empty database"))
	}
	if err := db.Model(&models.ActionEvent{}).Count(&events).Error; err != nil {
		return err
	}
	if err := db.Model(&models.Notification{}).Count(&notes).Error; err != nil {
		return err
	}
	s.Events, s.Notifications = int(events), int(notes)
	return nil
}

// seedNotifications are the inbox records of a seeded action's events after its creation: the
// owner is told of every other one, the person who handed it over (or, when there is none, the
// team's supervisor) of the rest.
func seedNotifications(a models.Action, events []models.ActionEvent, supervisor string) []models.Notification {
	other := cmp.Or(a.HanderID, supervisor)
	var out []models.Notification
	for _, e := range events[1:] {
		to := other
		if e.Seq%2 == 0 && a.OwnerID != "" {
			to = a.OwnerID
		}
		out = append(out, models.Notification{
			RecipientID: to, ActionID: a.ID, Seq: e.Seq, Kind: e.Type, ActorID: e.ActorID, Cause: e.Cause,
			Message: "Seeded: " + e.Type + " on " + a.Title, CreatedAt: e.At,
		})
	}
	return out
}

// ReadQuery is one read the API makes, with parameters varied from call to call.
type ReadQuery struct {
	Name string
	Run  func(ctx context.Context, i int) (rows int, err error)
}

// Measure runs the query n times and returns its p50 and p99.
func (q ReadQuery) Measure(ctx context.Context, n int) (QueryFigures, error) {
	var lat latencies
	rows := 0
	for i := range n {
		began := time.Now()
		r, err := q.Run(ctx, i)
		if err != nil {
			return QueryFigures{}, fmt.Errorf("%s: %w", q.Name, err)
		}
		lat.add(time.Since(began))
		rows = r
	}
	return QueryFigures{Query: q.Name, P50Ms: lat.ms(0.50), P99Ms: lat.ms(0.99), Rows: rows}, nil
}

// ReadQueries are the reads behind GET /actions (with its filters), GET /me/inbox,
// GET /me/notifications and GET /actions/{id} with its timeline, as the API calls them (page size 50).
func ReadQueries(store *models.Store, s Seeded) []ReadQuery {
	team := func(i int) string { return s.Teams[i%len(s.Teams)] }
	open := []string{"unassigned", "assigned", "handover_pending", "checking", "escalated"}
	list := func(f func(i int) models.ActionFilter) func(context.Context, int) (int, error) {
		return func(ctx context.Context, i int) (int, error) {
			filter := f(i)
			if filter.Limit == 0 {
				filter.Limit = 50
			}
			rows, _, err := store.ListActions(ctx, filter)
			return len(rows), err
		}
	}
	return []ReadQuery{
		{"list team newest", list(func(i int) models.ActionFilter { return models.ActionFilter{TeamID: team(i)} })},
		{"list team pages 1 and 2", func(ctx context.Context, i int) (int, error) {
			_, next, err := store.ListActions(ctx, models.ActionFilter{TeamID: team(i), Limit: 50})
			if err != nil || next == nil {
				return 0, errors.Join(err, errors.New("no second page"))
			}
			rows, _, err := store.ListActions(ctx, models.ActionFilter{TeamID: team(i), Limit: 50, After: next})
			return len(rows), err
		}},
		{"list team open statuses", list(func(i int) models.ActionFilter {
			return models.ActionFilter{TeamID: team(i), Statuses: open}
		})},
		{"list all status escalated", list(func(int) models.ActionFilter {
			return models.ActionFilter{Statuses: []string{"escalated"}}
		})},
		{"list team overdue", list(func(i int) models.ActionFilter {
			return models.ActionFilter{TeamID: team(i), Overdue: true, Now: s.Now}
		})},
		{"list all overdue", list(func(int) models.ActionFilter { return models.ActionFilter{Overdue: true, Now: s.Now} })},
		{"list owner open", list(func(i int) models.ActionFilter {
			return models.ActionFilter{OwnerID: s.Staff[(i*7)%len(s.Staff)], Statuses: open}
		})},
		{"list customer_ref", list(func(i int) models.ActionFilter {
			return models.ActionFilter{CustomerRef: fmt.Sprintf("C-%06d", (i*7919)%s.Customers)}
		})},
		// A search (GET /actions?q=) for a customer's reference: an agent's in their team, a
		// manager's in every team. No index serves it: each reads every row of its scope.
		{"find team text", list(func(i int) models.ActionFilter {
			return models.ActionFilter{TeamID: team(i), Text: fmt.Sprintf("C-%06d", (i*7919)%s.Customers)}
		})},
		{"find all text", list(func(i int) models.ActionFilter {
			return models.ActionFilter{Text: fmt.Sprintf("C-%06d", (i*7919)%s.Customers)}
		})},
		// A search (GET /actions?customer=) for a customer by a word of their name, or by their
		// phone number written as a guest says it: their blind indexes under the key.
		{"find customer name", list(func(i int) models.ActionFilter {
			return models.ActionFilter{Customer: s.Search.QueryTokens(fmt.Sprintf("guest%06d", (i*7919)%s.Customers))}
		})},
		{"find customer phone", list(func(i int) models.ActionFilter {
			return models.ActionFilter{Customer: s.Search.QueryTokens(fmt.Sprintf("07700 %06d", (i*7919)%s.Customers))}
		})},
		// The beginning of a name: ten customers' ("guest00004" finds guest000040 to 49), and the
		// worst case, three letters every seeded customer's name begins with.
		{"find customer name beginning", list(func(i int) models.ActionFilter {
			return models.ActionFilter{Customer: s.Search.QueryTokens(fmt.Sprintf("guest%05d", ((i*7919)%s.Customers)/10))}
		})},
		{"find customer 3 letters, all", list(func(int) models.ActionFilter {
			return models.ActionFilter{Customer: s.Search.QueryTokens("gue")}
		})},
		{"inbox agent", func(ctx context.Context, i int) (int, error) {
			k := (i * 13) % len(s.Staff)
			in, err := store.Inbox(ctx, models.InboxOf{StaffID: s.Staff[k], TeamID: s.Teams[k/10]}, s.Now) // ten people a team
			return len(in.Owned) + len(in.AwaitingAcceptance) + len(in.FollowUpsDue) + len(in.ChecksDue), err
		}},
		{"inbox supervisor", func(ctx context.Context, i int) (int, error) {
			t := i % len(s.Teams)
			in, err := store.Inbox(ctx, models.InboxOf{StaffID: s.Supervisors[t], TeamID: s.Teams[t], Supervisor: true}, s.Now)
			return len(in.Owned) + len(in.AwaitingAcceptance) + len(in.FollowUpsDue) + len(in.ChecksDue), err
		}},
		{"inbox notifications", func(ctx context.Context, i int) (int, error) {
			// As GET /me/notifications reads them for the inbox page, which shows 15.
			k := (i * 13) % len(s.Staff)
			told, _, err := store.MyNotifications(ctx, models.InboxOf{StaffID: s.Staff[k], TeamID: s.Teams[k/10]}, models.NotificationPage{Limit: 15})
			return len(told), err
		}},
		{"action with timeline", func(ctx context.Context, i int) (int, error) {
			id := s.Actions[(i*104729)%len(s.Actions)]
			if _, err := store.GetAction(ctx, id); err != nil {
				return 0, err
			}
			ev, err := store.ListEvents(ctx, id)
			return len(ev), err
		}},
	}
}

type seedCustomer struct {
	ref, name, contact string
	// tokens are the blind indexes the customer is found by (customer_search).
	tokens []string
}

// seedName and seedPhone are seeded customer i's name and phone number, each their own: a search
// for one finds the actions of that customer alone, as a search for a guest's surname or number
// mostly does.
func seedName(i int) string  { return fmt.Sprintf("Seeded Guest%06d", i) }
func seedPhone(i int) string { return fmt.Sprintf("+44 7700 %06d", i) }

// seedCustomers makes the seed's customers, with the blind indexes search makes of their name and
// contact, which are sealed with a key of each customer's own when sealer is set.
func seedCustomers(ctx context.Context, sealer, search *pii.Sealer, n int) ([]seedCustomer, error) {
	out := make([]seedCustomer, n)
	for i := range out {
		c := seedCustomer{ref: fmt.Sprintf("C-%06d", i), name: seedName(i), contact: seedPhone(i)}
		c.tokens = search.SearchTokens(c.name, c.contact)
		if sealer != nil {
			if err := sealer.Seal(ctx, c.ref, &c.name, &c.contact); err != nil {
				return nil, fmt.Errorf("sealing the data of customer %s: %w", c.ref, err)
			}
		}
		out[i] = c
	}
	return out, nil
}
