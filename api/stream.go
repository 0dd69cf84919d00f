package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
)

// changeHub tells subscribers which actions changed, and which members of staff (a shift ended,
// a move to another team), whom the boards and inboxes show. The API and the worker may be
// separate processes, so the hub follows the read model itself: while anyone listens it asks for
// actions and staff changed since it last looked, a few times a second, and fans each change out
// to the subscribers allowed to see it. Nobody listening, no polling.
type changeHub struct {
	store *models.Store
	log   *slog.Logger
	every time.Duration

	mu     sync.Mutex
	subs   map[chan liveChange]string // -> the subscriber's staff ID
	per    map[string]int             // streams open per person
	cancel context.CancelFunc
}

// maxStreamsPerPerson bounds the streams one person (or integration) holds open at once: a page in
// each of a few tabs and devices, not thousands of connections.
const maxStreamsPerPerson = 8

// streamWriteTimeout is how long one event may take to reach a client: a client that stops
// reading ends its stream instead of holding it forever.
const streamWriteTimeout = 10 * time.Second

// hubLookback is how far back the hub looks on each poll: a projection written late (a retry
// after an outage) still carries the workflow's time of the change, so the hub re-reads a window
// and sends only versions it has not sent.
const hubLookback = 30 * time.Second

// streamRecheck is how old a stream's last check of its caller may be when a change is to be sent.
const streamRecheck = time.Second

// liveChange is one change the hub fans out: an action's, or a member of staff's.
type liveChange struct {
	action *models.ActionChange
	staff  *models.StaffChange
}

func newChangeHub(store *models.Store, log *slog.Logger) *changeHub {
	return &changeHub{store: store, log: log, every: 300 * time.Millisecond,
		subs: map[chan liveChange]string{}, per: map[string]int{}}
}

// subscribe opens a stream for a person; false when they already hold maxStreamsPerPerson.
func (h *changeHub) subscribe(staffID string) (chan liveChange, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.per[staffID] >= maxStreamsPerPerson {
		return nil, false
	}
	ch := make(chan liveChange, 64)
	h.subs[ch] = staffID
	h.per[staffID]++
	if h.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		// The start is taken here, as the first subscriber subscribes: taken by the goroutine, late
		// on a busy machine, it left out a change made in between (a colleague's shift ending right
		// after a page's stream opened never arrived).
		go h.poll(ctx, time.Now())
	}
	return ch, true
}

func (h *changeHub) unsubscribe(ch chan liveChange) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if id, ok := h.subs[ch]; ok {
		if h.per[id]--; h.per[id] <= 0 {
			delete(h.per, id)
		}
	}
	delete(h.subs, ch)
	if len(h.subs) == 0 && h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
}

// hubPage is how many changes the hub reads at once; it reads page after page until it has
// caught up, so a busy read model never holds it back in the past.
const hubPage = 500

func (h *changeHub) poll(ctx context.Context, started time.Time) {
	sent := map[string]models.ActionChange{} // action -> newest change sent
	// What changed before the hub started is not news: the first subscriber's page already shows
	// it. The first pass only notes it (later passes still send a late projection of an old time).
	first := true
	since := started.Add(-hubLookback)
	staffSent := map[staffKey]bool{} // changes of staff sent
	staffSince := started.Add(-hubLookback)
	tick := time.NewTicker(h.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		from := since.Add(-hubLookback)
		for {
			changes, err := h.store.ActionsChangedSince(ctx, from, hubPage)
			if err != nil {
				if ctx.Err() == nil {
					h.log.Warn("live updates: reading changed actions", "error", err)
				}
				break
			}
			for _, ch := range changes {
				if ch.WrittenAt.After(since) {
					since = ch.WrittenAt
				}
				if sent[ch.ID].Version >= ch.Version {
					continue
				}
				sent[ch.ID] = ch
				if first && ch.WrittenAt.Before(started) {
					continue
				}
				h.publish(liveChange{action: &ch})
			}
			if len(changes) < hubPage {
				break
			}
			// The next page starts just before the last change read: changes of the same instant are
			// read again and recognised as sent.
			next := changes[len(changes)-1].WrittenAt.Add(-time.Microsecond)
			if !next.After(from) {
				break
			}
			from = next
		}
		staffSince = h.staffChanges(ctx, staffSince, started, first, staffSent)
		first = false
		// Forget what fell out of the window, so the maps stay small.
		for id, ch := range sent {
			if ch.WrittenAt.Before(since.Add(-2 * hubLookback)) {
				delete(sent, id)
			}
		}
		for key := range staffSent {
			if time.UnixMicro(key.at).Before(staffSince.Add(-2 * hubLookback)) {
				delete(staffSent, key)
			}
		}
	}
}

// staffKey is one change of one member of staff: who, and when it was written (in microseconds,
// as the databases keep it: a time.Time as a map key would also compare its location).
type staffKey struct {
	id string
	at int64
}

// staffChanges publishes the members of staff changed since the last look, page after page until
// it has caught up, and answers where the next look starts. Like the actions it re-reads
// hubLookback (a change written by a process whose clock runs behind lands before the newest seen)
// and sends each change once, by who and when. The first look only notes what changed before the
// hub started.
func (h *changeHub) staffChanges(ctx context.Context, since, started time.Time, first bool, sent map[staffKey]bool) time.Time {
	from, afterID := since.Add(-hubLookback), ""
	for {
		changes, err := h.store.StaffChangedSince(ctx, from, afterID, hubPage)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("live updates: reading changed staff", "error", err)
			}
			return since
		}
		for _, c := range changes {
			if c.ChangedAt.After(since) {
				since = c.ChangedAt
			}
			key := staffKey{c.ID, c.ChangedAt.UnixMicro()}
			if sent[key] {
				continue
			}
			sent[key] = true
			if first && c.ChangedAt.Before(started) {
				continue
			}
			h.publish(liveChange{staff: &c})
		}
		if len(changes) < hubPage {
			return since
		}
		// The next page starts after the last row read, by its time and then its ID, so that many
		// changes of one instant do not hold the hub there.
		last := changes[len(changes)-1]
		from, afterID = last.ChangedAt, last.ID
	}
}

func (h *changeHub) publish(c liveChange) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- c:
		default: // a subscriber that cannot keep up misses a change; its next page load catches up
		}
	}
}

// stream sends server-sent events of the changes to actions the caller may see: event "action"
// with the action's id, team, owner, status and version. A comment every 15 s keeps proxies from
// closing the connection; with it, and before a change is sent, the caller is checked again, so a
// revoked token or an ended session ends the stream, and a move to another team changes what it
// shows. The stream ends when the server shuts down.
func (s *server) stream(c *gin.Context) {
	me := principal(c)
	recheck := s.callerAgain(c)
	ch, ok := s.changes.subscribe(me.ID)
	if !ok {
		// No Retry-After: waiting does not make room, closing a stream does.
		writeProblem(c, http.StatusTooManyRequests, codeTooManyStreams, fmt.Sprintf("you have %d streams open already: close one first", maxStreamsPerPerson), nil)
		return
	}
	defer s.changes.unsubscribe(ch)
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	// The HTTP server's write timeout would end a long stream: this one lives as long as the client
	// reads it, each write given streamWriteTimeout.
	rc := http.NewResponseController(c.Writer)
	send := func(text string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := fmt.Fprint(c.Writer, text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 2000\n: connected\n\n") {
		return
	}
	every := s.StreamKeepAlive
	if every <= 0 {
		every = 15 * time.Second
	}
	keepAlive := time.NewTicker(every)
	defer keepAlive.Stop()
	// The web UI's stream also says whether any worker runs, when that changes, so that a page
	// open when the workers stop (or come back) says so without a reload.
	var workersSeen <-chan time.Time
	workersShown := ""
	if s.workers != nil && c.FullPath() == uiStreamPath {
		// Twice per look: the watch looks again once `every` has passed since its last look
		// ended, which a tick of the same period would just miss every other time.
		look := time.NewTicker(s.workers.every / 2)
		defer look.Stop()
		workersSeen = look.C
	}
	ctx := c.Request.Context()
	checked := time.Now()
	// stillAllowed reads the caller again: false once their token is revoked, they are
	// deactivated or their session ended (a read model that does not answer keeps them as they were).
	stillAllowed := func() bool {
		if recheck == nil {
			return true
		}
		st, err := recheck(ctx)
		if errors.Is(err, models.ErrNotFound) {
			return false
		}
		if err == nil {
			me, checked = st, time.Now()
		}
		return true
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Closing:
			return
		case <-keepAlive.C:
			if !stillAllowed() || !send(": keep-alive\n\n") {
				return
			}
		case <-workersSeen:
			now := fmt.Sprintf(`{"running":%t}`, !s.workers.none())
			if now == workersShown {
				continue
			}
			if !send("event: workers\ndata: " + now + "\n\n") {
				return
			}
			workersShown = now
		case change := <-ch:
			// Checked again before a change is sent when the last check is over a second old, so a
			// revoked token hears of nothing more (it waited for the next keep-alive, up to 15 s).
			if time.Since(checked) > streamRecheck && !stillAllowed() {
				return
			}
			if st := change.staff; st != nil {
				// Whoever shows the person: their team, the team they last left, those who see every
				// team, and themselves.
				if st.ID != me.ID && !seesAllTeams(me) && !inTeam(me, st.TeamID) && !inTeam(me, st.LeftTeamID) {
					continue
				}
				data, err := json.Marshal(st)
				if err != nil {
					continue
				}
				if !send(fmt.Sprintf("event: staff\ndata: %s\n\n", data)) {
					return
				}
				continue
			}
			a := change.action
			if !inScope(me, a.TeamID) {
				continue
			}
			data, err := json.Marshal(a)
			if err != nil {
				continue
			}
			if !send(fmt.Sprintf("event: action\nid: %s/%d\ndata: %s\n\n", a.ID, a.Version, data)) {
				return
			}
		}
	}
}

// callerAgain reads a long request's caller again from what it authenticated with (its token, or
// its session as the web UI's), as their token or session may end while it runs; nil when neither.
func (s *server) callerAgain(c *gin.Context) func(context.Context) (models.Staff, error) {
	if token, ok := bearerToken(c); ok {
		return func(ctx context.Context) (models.Staff, error) { return s.Store.StaffByToken(ctx, token) }
	}
	if id, err := c.Cookie(sessionCookie); err == nil {
		return func(ctx context.Context) (models.Staff, error) {
			st, _, err := s.Store.SessionStaff(ctx, id, s.Now())
			return st, err
		}
	}
	return nil
}

// inTeam says whether team, when set, is one in the caller's scope.
func inTeam(me models.Staff, team *string) bool { return team != nil && inScope(me, *team) }
