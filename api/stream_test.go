package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// The hub reads page after page: more changes in its look-back window than one page holds do not
// keep it from reaching the newest.
func TestChangeHubCatchesUpPastOnePage(t *testing.T) {
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	n := hubPage*2 + 100
	for i := range n {
		at := now.Add(time.Duration(i-n) * time.Millisecond)
		require.NoError(t, store.ApplyProjection(ctx, models.Action{
			ID: fmt.Sprintf("a%04d", i), Title: "t", Category: "request", Priority: "normal", Status: "assigned",
			OwnerID: "alice", TeamID: "frontdesk", CustomerRef: "C", DueAt: now.Add(time.Hour),
			CreatedBy: "alice", CreatedAt: at, UpdatedAt: at, Version: 1,
		}, nil))
	}
	hub := newChangeHub(store, slog.New(slog.DiscardHandler))
	hub.every = 20 * time.Millisecond
	ch, ok := hub.subscribe("alice")
	require.True(t, ok)
	defer hub.unsubscribe(ch)
	seen := map[string]int{}
	read := func(d time.Duration, until string) {
		timeout := time.After(d)
		for until == "" || seen[until] == 0 {
			select {
			case c := <-ch:
				if c.action != nil {
					seen[c.action.ID]++
				}
			case <-timeout:
				if until != "" {
					t.Fatalf("the change of %s never came; %d other changes did", until, len(seen))
				}
				return
			}
		}
	}
	read(time.Second, "") // the backlog, from before the hub started: not sent
	require.Empty(t, seen, "what changed before anyone listened is not news")
	at := time.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, store.ApplyProjection(ctx, models.Action{
		ID: "fresh", Title: "t", Category: "request", Priority: "normal", Status: "assigned",
		OwnerID: "alice", TeamID: "frontdesk", CustomerRef: "C", DueAt: at.Add(time.Hour),
		CreatedBy: "alice", CreatedAt: at, UpdatedAt: at, Version: 1,
	}, nil))
	read(10*time.Second, "fresh")
	for id, times := range seen {
		require.Equal(t, 1, times, "the change of %s is sent once", id)
	}
}

// A member of staff going off shift, or changed by an administrator, is told to the hub's
// subscribers once; who was added before anyone listened is not news.
func TestChangeHubTellsStaffChanges(t *testing.T) {
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	team := "frontdesk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, store.CreateStaff(ctx, "root", models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: &team, Authority: 1, OnShift: true, Active: true}))
	hub := newChangeHub(store, slog.New(slog.DiscardHandler))
	hub.every = 20 * time.Millisecond
	ch, ok := hub.subscribe("carol")
	require.True(t, ok)
	defer func() { hub.unsubscribe(ch) }()
	staffSeen := func(d time.Duration) []string {
		var ids []string
		timeout := time.After(d)
		for {
			select {
			case c := <-ch:
				if c.staff != nil {
					ids = append(ids, c.staff.ID+"@"+*c.staff.TeamID)
				}
			case <-timeout:
				return ids
			}
		}
	}
	require.Empty(t, staffSeen(300*time.Millisecond), "added before anyone listened")
	_, err := store.SetOnShift(ctx, "ann", "ann", false)
	require.NoError(t, err)
	require.Equal(t, []string{"ann@frontdesk"}, staffSeen(time.Second), "off shift, told once")
	ann, err := store.GetStaff(ctx, "ann")
	require.NoError(t, err)
	ann.Authority = 2
	require.NoError(t, store.UpdateStaff(ctx, "root", ann, []string{"authority"}, false))
	require.Equal(t, []string{"ann@frontdesk"}, staffSeen(time.Second), "an administrator's change")

	// More changes within the look-back than one page holds (a directory synced at once, before
	// anyone listened again) do not hold the hub back: the change after them comes, alone.
	hub.unsubscribe(ch)
	for i := range hubPage + 100 {
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: fmt.Sprintf("s%04d", i), Name: "S", Role: "agent", TeamID: &team, Authority: 1, Active: true}))
	}
	ch, ok = hub.subscribe("carol")
	require.True(t, ok)
	require.Empty(t, staffSeen(300*time.Millisecond), "changed before anyone listened again")
	_, err = store.SetOnShift(ctx, "ann", "ann", true)
	require.NoError(t, err)
	require.Equal(t, []string{"ann@frontdesk"}, staffSeen(time.Second))
}

// A stream ends when its caller's token is revoked, and when the server begins to shut down.
func TestStreamEndsOnRevocationAndShutdown(t *testing.T) {
	b := newStreamBench(t, 20*time.Millisecond)
	first, second := b.open("token-ann-1"), b.open("token-ann-2")
	_, err := b.store.RevokeTokenValues(context.Background(), "token-ann-1")
	require.NoError(t, err)
	select {
	case got := <-first:
		require.NoError(t, got.err, "the stream ends cleanly")
	case <-time.After(5 * time.Second):
		t.Fatal("the stream of a revoked token did not end")
	}
	select {
	case <-second:
		t.Fatal("the stream of a live token ended")
	case <-time.After(100 * time.Millisecond):
	}
	b.shutDown()
	select {
	case <-second:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the server began to shut down")
	}
}

// A change that comes after the token is revoked is not sent: the stream checks its caller again
// before sending one (when its last check is over streamRecheck old), not only at its keep-alive.
func TestStreamSendsNothingAfterRevocation(t *testing.T) {
	b := newStreamBench(t, time.Hour) // no keep-alive comes to end it
	ended := b.open("token-ann-1")
	time.Sleep(streamRecheck + 200*time.Millisecond) // the check made at the start is old now
	ctx := context.Background()
	_, err := b.store.RevokeTokenValues(ctx, "token-ann-1")
	require.NoError(t, err)
	now := time.Now().UTC()
	require.NoError(t, b.store.ApplyProjection(ctx, models.Action{
		ID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "ann",
		TeamID: "desk", DueAt: now.Add(time.Hour), CreatedBy: "ann", CreatedAt: now, UpdatedAt: now, Version: 1,
	}, nil))
	select {
	case got := <-ended:
		require.NoError(t, got.err)
		require.NotContains(t, got.body, "event: action", "nothing after the revocation")
	case <-time.After(5 * time.Second):
		t.Fatal("the stream of a revoked token went on when a change came")
	}
}

// streamBench is a router with a stream keep-alive of its own, over a read model with ann (team
// desk) and two tokens of hers.
type streamBench struct {
	t        *testing.T
	store    *models.Store
	url      string
	shutDown func()
}

// streamEnd is how a stream ended: what it sent, and the error reading it, if any.
type streamEnd struct {
	body string
	err  error
}

func newStreamBench(t *testing.T, keepAlive time.Duration) *streamBench {
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	require.NoError(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: "desk", Name: "Desk"}))
	require.NoError(t, store.CreateStaff(ctx, "test-admin", models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: ptr("desk"), Authority: 1, Active: true}))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann-1", "test"))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann-2", "test"))
	closing := make(chan struct{})
	srv := httptest.NewServer(NewRouter(Deps{
		Store: store, Log: slog.New(slog.DiscardHandler), Closing: closing, StreamKeepAlive: keepAlive,
	}))
	var once sync.Once
	shutDown := func() { once.Do(func() { close(closing) }) }
	t.Cleanup(srv.Close)
	t.Cleanup(shutDown) // before srv.Close, which waits for the streams
	return &streamBench{t: t, store: store, url: srv.URL, shutDown: shutDown}
}

// open opens a stream with token and answers how it ends.
func (b *streamBench) open(token string) chan streamEnd {
	req, err := http.NewRequest(http.MethodGet, b.url+"/api/v1/stream", nil)
	require.NoError(b.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(b.t, err)
	require.Equal(b.t, http.StatusOK, resp.StatusCode)
	ended := make(chan streamEnd, 1)
	go func() {
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		ended <- streamEnd{body: string(body), err: err}
	}()
	return ended
}

func ptr[T any](v T) *T { return &v }

// One person holds at most maxStreamsPerPerson streams at once; closing one makes room again, and
// someone else's streams do not count.
func TestStreamsPerPersonAreBounded(t *testing.T) {
	hub := newChangeHub(nil, slog.New(slog.DiscardHandler))
	hub.every = time.Hour // no polling of a read model here
	var open []chan liveChange
	for range maxStreamsPerPerson {
		ch, ok := hub.subscribe("alice")
		require.True(t, ok)
		open = append(open, ch)
	}
	_, ok := hub.subscribe("alice")
	require.False(t, ok, "one stream too many")
	bob, ok := hub.subscribe("bob")
	require.True(t, ok, "another person's stream")
	hub.unsubscribe(open[0])
	again, ok := hub.subscribe("alice")
	require.True(t, ok, "room again once one closed")
	for _, ch := range append(open[1:], again, bob) {
		hub.unsubscribe(ch)
	}
	require.Empty(t, hub.per)
	require.Empty(t, hub.subs)
}

// The stream beyond a person's maxStreamsPerPerson is 429 too_many_streams without Retry-After:
// waiting does not make room, closing a stream does.
func TestStreamBeyondTheBoundSaysNoWait(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(engineFor(t, modelstest.SQLiteURL(t), "ann", "agent"))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() *http.Response {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/stream", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token-ann")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return res
	}
	for range maxStreamsPerPerson {
		res := open()
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	res := open()
	defer res.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	require.Empty(t, res.Header.Get("Retry-After"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Contains(t, string(body), `"code":"too_many_streams"`)
}
