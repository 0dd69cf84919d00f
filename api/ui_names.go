package api

import (
	"context"
	"sync"
	"time"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// namesTTL is how long pages go on using the staff directory they last read: a name changed
// through another process shows within it (one changed through this process at once).
const namesTTL = 30 * time.Second

// staffNames lets pages show people by name rather than by staff ID. The directory is read from
// the read model before a page is drawn, at most every namesTTL or after a change made here, so a
// page draws without a query per name; an ID it does not know shows as it is.
type staffNames struct {
	load      func(ctx context.Context) ([]models.Staff, error)
	loadTeams func(ctx context.Context) ([]models.Team, error)
	ttl       time.Duration

	mu    sync.Mutex
	names map[string]string
	teams map[string]string // the teams' names, by ID
	off   map[string]bool   // who is off shift, of those who own actions
	read  time.Time         // when the directory was last read, or last tried
}

func newStaffNames(store *models.Store) *staffNames {
	n := &staffNames{ttl: namesTTL}
	if store != nil {
		n.load = func(ctx context.Context) ([]models.Staff, error) { return store.ListStaff(ctx, "") }
		n.loadTeams = store.ListTeams
	}
	return n
}

// refresh reads the directory again when it is older than the TTL. A failed read keeps the names
// known before (a page shows IDs for the others) and is not tried again before the TTL.
func (n *staffNames) refresh(ctx context.Context, now time.Time) error {
	if n.load == nil {
		return nil
	}
	n.mu.Lock()
	fresh := !n.read.IsZero() && now.Sub(n.read) < n.ttl
	if !fresh {
		n.read = now // the pages drawn meanwhile do not read it too
	}
	n.mu.Unlock()
	if fresh {
		return nil
	}
	staff, err := n.load(ctx)
	if err != nil {
		return err
	}
	var teams []models.Team
	if n.loadTeams != nil {
		if teams, err = n.loadTeams(ctx); err != nil {
			return err
		}
	}
	teamNames := make(map[string]string, len(teams))
	for _, t := range teams {
		if t.Name != "" {
			teamNames[t.ID] = t.Name
		}
	}
	names, off := make(map[string]string, len(staff)), map[string]bool{}
	for _, st := range staff {
		if st.Name != "" {
			names[st.ID] = st.Name
		}
		if !st.OnShift && workflows.Role(st.Role).CanOwn() {
			off[st.ID] = true
		}
	}
	n.mu.Lock()
	n.names, n.off, n.teams = names, off, teamNames
	n.mu.Unlock()
	return nil
}

// offShift reports whether the member of staff with the ID is off shift, as the directory last
// read says (false for an ID it does not know).
func (n *staffNames) offShift(id string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.off[id]
}

// forget makes the next page read the directory again (someone was added or renamed).
func (n *staffNames) forget() {
	n.mu.Lock()
	n.read = time.Time{}
	n.mu.Unlock()
}

// team is the name of the team with the ID, or the ID when the directory read has none for it.
func (n *staffNames) team(id string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if name, ok := n.teams[id]; ok {
		return name
	}
	return id
}

// of is the name of the member of staff with the ID, or the ID when the directory has no name
// for it (an empty ID stays empty, so templates can still say "nobody yet").
func (n *staffNames) of(id string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if name, ok := n.names[id]; ok {
		return name
	}
	return id
}
