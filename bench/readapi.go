package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/handover/handover/api"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// ReadAPI is the HTTP API serving a seeded read model, for timing its reads as a client sees them:
// the token check, the read model, opening the customers' sealed data, JSON. It serves reads only
// (it has no Temporal client).
type ReadAPI struct {
	base   string
	server *http.Server
	client *http.Client
	seed   Seeded
	store  *models.Store
	tokens []string
}

// seedToken is the bearer token the read API gives a member of the seeded staff.
func seedToken(staffID string) string { return "bench-" + staffID }

// seedManager sees every team, so it reads any action.
const seedManager = "seed-manager"

// StartReadAPI serves the API over store on a loopback port, with a token for each member of the
// seeded staff and for a manager, live until Close.
func StartReadAPI(ctx context.Context, store *models.Store, sealer *pii.Sealer, seed Seeded) (*ReadAPI, error) {
	err := store.SaveStaff(ctx, models.Staff{ID: seedManager, Name: "Seed manager", Role: "manager", Authority: 4, OnShift: true, Active: true})
	if err != nil {
		return nil, err
	}
	var tokens []string
	for _, id := range append([]string{seedManager}, seed.Staff...) {
		if err := store.AddToken(ctx, id, seedToken(id), "bench"); err != nil {
			return nil, err
		}
		tokens = append(tokens, seedToken(id))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the read API: %w", err)
	}
	r := &ReadAPI{
		base:   "http://" + ln.Addr().String(),
		server: &http.Server{Handler: api.NewRouter(api.Deps{Store: store, Sealer: sealer}), ReadHeaderTimeout: 10 * time.Second},
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
		seed:   seed,
		store:  store,
		tokens: tokens,
	}
	go func() { _ = r.server.Serve(ln) }()
	return r, nil
}

// Close stops the server and revokes its tokens: they are known to anyone who reads this code.
func (r *ReadAPI) Close() error {
	_, err := r.store.RevokeTokenValues(context.Background(), r.tokens...)
	return errors.Join(r.server.Close(), err)
}

// get reads path as staffID, checks that every customer's name in the answer was opened, and
// returns how many actions (or events) the answer lists.
func (r *ReadAPI) get(ctx context.Context, staffID, path string) (int, error) {
	body, err := send(ctx, r.client, http.MethodGet, r.base+path, seedToken(staffID), nil, http.StatusOK)
	if err != nil {
		return 0, fmt.Errorf("as %s: %w", staffID, err)
	}
	// An action, a page of them, an inbox's lists, or a timeline.
	type item struct {
		Customer struct {
			Name string `json:"name"`
		} `json:"customer"`
	}
	var page struct {
		item
		Items              []item `json:"items"`
		Owned              []item `json:"owned"`
		AwaitingAcceptance []item `json:"awaiting_acceptance"`
		FollowUpsDue       []item `json:"follow_ups_due"`
		ChecksDue          []item `json:"checks_due"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, fmt.Errorf("GET %s: %w", path, err)
	}
	all := append([]item{page.item}, page.Items...)
	for _, l := range [][]item{page.Owned, page.AwaitingAcceptance, page.FollowUpsDue, page.ChecksDue} {
		all = append(all, l...)
	}
	for _, it := range all {
		if name := it.Customer.Name; pii.IsSealed(name) || name == pii.Erased {
			return 0, fmt.Errorf("GET %s: a customer's name was not opened (%q)", path, name)
		}
	}
	return len(all) - 1, nil
}

// export downloads path as CSV as staffID, checks that every customer's name in it was opened,
// and returns how many actions it lists.
func (r *ReadAPI) export(ctx context.Context, staffID, path string) (int, error) {
	body, err := send(ctx, r.client, http.MethodGet, r.base+path, seedToken(staffID), nil, http.StatusOK)
	if err != nil {
		return 0, fmt.Errorf("as %s: %w", staffID, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		return 0, fmt.Errorf("GET %s: not CSV with a header: %v", path, err)
	}
	name := slices.Index(rows[0], "customer_name")
	if name < 0 {
		return 0, fmt.Errorf("GET %s: no customer_name column", path)
	}
	for _, row := range rows[1:] {
		if pii.IsSealed(row[name]) || row[name] == pii.Erased {
			return 0, fmt.Errorf("GET %s: a customer's name was not opened (%q)", path, row[name])
		}
	}
	return len(rows) - 1, nil
}

// Queries are the API's reads matching ReadQueries: a team's newest actions (as its supervisor),
// the team's open ones as CSV (every one, as a download), an owner's open ones, a search by text
// and one for a customer by a word of their name (as a manager), an agent's and a supervisor's
// inbox, an agent's inbox records, one action and its timeline.
func (r *ReadAPI) Queries() []ReadQuery {
	s := r.seed
	teamOf := func(i int) int { return i % len(s.Teams) }
	agent := func(i int) string { return s.Staff[(i*13)%len(s.Staff)] }
	open := url.Values{"status": {"unassigned", "assigned", "handover_pending", "checking", "escalated"}}
	return []ReadQuery{
		{"API list team newest", func(ctx context.Context, i int) (int, error) {
			t := teamOf(i)
			return r.get(ctx, s.Supervisors[t], "/api/v1/actions?team_id="+s.Teams[t])
		}},
		{"API list owner open", func(ctx context.Context, i int) (int, error) {
			id := agent(i)
			return r.get(ctx, id, "/api/v1/actions?owner_id="+id+"&"+open.Encode())
		}},
		{"API find team text", func(ctx context.Context, i int) (int, error) {
			return r.get(ctx, agent(i), fmt.Sprintf("/api/v1/actions?q=C-%06d", (i*7919)%s.Customers))
		}},
		{"API find customer", func(ctx context.Context, i int) (int, error) {
			// As a manager, in every team: a customer's few actions are spread over the teams.
			return r.get(ctx, seedManager, fmt.Sprintf("/api/v1/actions?customer=guest%06d", (i*7919)%s.Customers))
		}},
		{"API inbox agent", func(ctx context.Context, i int) (int, error) {
			return r.get(ctx, agent(i), "/api/v1/me/inbox")
		}},
		{"API inbox supervisor", func(ctx context.Context, i int) (int, error) {
			return r.get(ctx, s.Supervisors[teamOf(i)], "/api/v1/me/inbox")
		}},
		{"API inbox notifications", func(ctx context.Context, i int) (int, error) {
			// What the inbox page asks for: the newest it shows.
			return r.get(ctx, agent(i), "/api/v1/me/notifications?limit=15")
		}},
		{"API export team open (CSV)", func(ctx context.Context, i int) (int, error) {
			t := teamOf(i)
			return r.export(ctx, s.Supervisors[t], "/api/v1/actions.csv?team_id="+s.Teams[t]+"&"+open.Encode())
		}},
		{"API action and its timeline", func(ctx context.Context, i int) (int, error) {
			id := s.Actions[(i*104729)%len(s.Actions)]
			if _, err := r.get(ctx, seedManager, "/api/v1/actions/"+id); err != nil {
				return 0, err
			}
			return r.get(ctx, seedManager, "/api/v1/actions/"+id+"/events")
		}},
	}
}
