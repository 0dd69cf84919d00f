package api

import (
	"context"
	"sync"
)

// updatesPerAction is how many Updates this process sends one action's workflow at once. Temporal
// refuses an Update past its limit of Updates in flight per workflow (history.maxInFlightUpdates,
// 10 by default), and that refusal clears the workflow's register of Updates: every Update
// admitted with it is aborted ("workflow update was aborted"), and the workflow task taking them
// is thrown away, after its projection has written. Sixteen people or integrations commanding one
// action at once stalled it for two minutes that way, each command answered 503. Past the bound a
// command waits its turn, within the command timeout.
const updatesPerAction = 8

// actionTurns bounds the Updates in flight to each action's workflow from this process.
type actionTurns struct {
	mu sync.Mutex
	by map[string]*turns
}

// turns is one action's: a slot per Update in flight, and how many commands hold or wait for one.
type turns struct {
	slots chan struct{}
	users int
}

// take waits for a turn at actionID's workflow, and answers the function that gives it back; or
// ctx's error when ctx ends first.
func (a *actionTurns) take(ctx context.Context, actionID string) (func(), error) {
	a.mu.Lock()
	if a.by == nil {
		a.by = map[string]*turns{}
	}
	t := a.by[actionID]
	if t == nil {
		t = &turns{slots: make(chan struct{}, updatesPerAction)}
		a.by[actionID] = t
	}
	t.users++
	a.mu.Unlock()
	leave := func() {
		a.mu.Lock()
		if t.users--; t.users == 0 {
			delete(a.by, actionID)
		}
		a.mu.Unlock()
	}
	select {
	case t.slots <- struct{}{}:
		return func() { <-t.slots; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
