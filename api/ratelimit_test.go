package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// stoppedClock is a clock that stands still at the time it is made: budgets refill with time, so a
// test that spends one must not see it refill while a loaded machine runs it.
func stoppedClock() func() time.Time {
	at := time.Now()
	return func() time.Time { return at }
}

func TestRateLimitPerToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "desk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
	for _, id := range []string{"ann", "ben"} {
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: "agent", TeamID: &team, Active: true, OnShift: true}))
		require.NoError(t, store.AddToken(ctx, id, "token-"+id, "test"))
	}
	h := newEngine(Deps{Store: store, RateLimit: RateLimit{Rate: 0.5, Burst: 2}, Now: stoppedClock()})
	get := func(token string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(rec, req)
		return rec
	}
	budget := func(rec *httptest.ResponseRecorder) []string {
		return []string{rec.Header().Get("RateLimit-Limit"), rec.Header().Get("RateLimit-Remaining"), rec.Header().Get("RateLimit-Reset")}
	}
	first := get("token-ann")
	require.Equal(t, http.StatusOK, first.Code)
	require.Equal(t, []string{"2", "1", "2"}, budget(first), "two at once, one left, whole again in 2 s")
	second := get("token-ann")
	require.Equal(t, http.StatusOK, second.Code)
	require.Equal(t, []string{"2", "0", "4"}, budget(second))
	limited := get("token-ann")
	require.Equal(t, http.StatusTooManyRequests, limited.Code)
	require.Equal(t, "application/problem+json", limited.Header().Get("Content-Type"))
	require.Equal(t, "2", limited.Header().Get("Retry-After"), "one request every 2 s")
	require.Equal(t, []string{"2", "0", "4"}, budget(limited), "a refused request spends nothing")
	require.Equal(t, http.StatusOK, get("token-ben").Code, "each token has its own budget")
}

// Failed authentications are bounded per client address: past the budget even a good token is
// answered 429 from that address, before any look-up, while other addresses are unaffected. The
// address is the connection's: an X-Forwarded-For header changes nothing unless its sender is a
// trusted proxy.
func TestFailedAuthenticationsPerAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "desk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: &team, Active: true, OnShift: true}))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann", "test"))
	get := func(h http.Handler, addr, forwarded, token string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		req.RemoteAddr = addr + ":40000"
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(rec, req)
		return rec
	}

	h := newEngine(Deps{Store: store, RateLimit: RateLimit{Rate: 100, Burst: 100}, Now: stoppedClock()})
	for i := range failBurst {
		// A different forwarded address each time: not believed, so all count against one.
		require.Equal(t, http.StatusUnauthorized, get(h, "192.0.2.7", fmt.Sprintf("198.51.100.%d", i), "guess").Code, "failure %d", i+1)
	}
	limited := get(h, "192.0.2.7", "198.51.100.200", "token-ann")
	require.Equal(t, http.StatusTooManyRequests, limited.Code)
	require.Equal(t, "1", limited.Header().Get("Retry-After"), "one more failure allowed every 200 ms")
	require.Contains(t, limited.Body.String(), "failed authentications")
	require.Equal(t, http.StatusOK, get(h, "192.0.2.8", "", "token-ann").Code, "another address is not held back")
	require.Equal(t, http.StatusOK, get(h, "192.0.2.7", "", "token-ann").Code,
		"a token that authenticated lately is still looked up: one caller's failures do not lock out the others at its address")
	require.Equal(t, http.StatusTooManyRequests, get(h, "192.0.2.7", "", "guess").Code)

	// Behind a trusted proxy, each forwarded client has its own budget.
	proxied := newEngine(Deps{Store: store, RateLimit: RateLimit{Rate: 100, Burst: 100}, TrustedProxies: []string{"10.0.0.0/8"}, Now: stoppedClock()})
	for range failBurst {
		require.Equal(t, http.StatusUnauthorized, get(proxied, "10.1.2.3", "198.51.100.1", "guess").Code)
	}
	require.Equal(t, http.StatusTooManyRequests, get(proxied, "10.1.2.3", "198.51.100.1", "token-ann").Code)
	require.Equal(t, http.StatusOK, get(proxied, "10.1.2.3", "198.51.100.2", "token-ann").Code)

	// With rate limiting off, failures are not counted either.
	off := newEngine(Deps{Store: store})
	for range failBurst + 5 {
		require.Equal(t, http.StatusUnauthorized, get(off, "192.0.2.9", "", "guess").Code)
	}
	open := get(off, "192.0.2.9", "", "token-ann")
	require.Equal(t, http.StatusOK, open.Code)
	require.Empty(t, open.Header().Get("RateLimit-Limit"), "no budget to tell of")
}

// The web UI's sign-in counts its refusals against the same budget: past it the sign-in page says
// to wait, and a good token is not looked up either.
func TestFailedSignInsPerAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "ann", Name: "Ann", Role: "manager", Active: true}))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann", "test"))
	srv := httptest.NewServer(newEngine(Deps{Store: store, RateLimit: RateLimit{Rate: 100, Burst: 100}, Now: stoppedClock()}))
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	page := func(resp *http.Response) string {
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(raw)
	}
	resp, err := client.Get(srv.URL + "/signin")
	require.NoError(t, err)
	body := page(resp)
	signIn := func(token string) (int, string) {
		resp, err := client.PostForm(srv.URL+"/signin", url.Values{"csrf": {csrf.FindStringSubmatch(body)[1]}, "token": {token}})
		require.NoError(t, err)
		body = page(resp)
		return resp.StatusCode, body
	}
	for i := range failBurst {
		status, _ := signIn("guess")
		require.Equal(t, http.StatusUnauthorized, status, "failure %d", i+1)
	}
	status, text := signIn("token-ann")
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Contains(t, text, "Too many sign-ins failed from here. Try again in 1 second.")
	// The API's bearer tokens have a budget of their own at the same address.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer token-ann")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// An IPv6 host counts against its /64, and the addresses remembered stay bounded: past failKeep a
// sweep (at most every failSweep) brings them down to nine tenths.
func TestFailureBudgetsBounded(t *testing.T) {
	t.Parallel()
	require.Equal(t, failKey(failBearer, "2001:db8:1:2:aaaa::1"), failKey(failBearer, "2001:db8:1:2:bbbb::9"))
	require.NotEqual(t, failKey(failBearer, "2001:db8:1:2::1"), failKey(failBearer, "2001:db8:1:3::1"))
	require.Equal(t, failBearer+"192.0.2.7", failKey(failBearer, "192.0.2.7"))
	require.NotEqual(t, failKey(failBearer, "192.0.2.7"), failKey(failSignIn, "192.0.2.7"))

	f := &failures{}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for i := range failKeep {
		f.failed(fmt.Sprintf("k%d", i), now)
	}
	require.Len(t, f.by, failKeep)
	f.failed("one more", now)
	require.Len(t, f.by, failKeep*9/10, "swept down to nine tenths, the newcomer included")
	for i := range failKeep / 10 {
		f.failed(fmt.Sprintf("n%d", i), now.Add(time.Second))
	}
	f.failed("within the sweep interval", now.Add(time.Second))
	require.Len(t, f.by, failKeep+1, "no second sweep within failSweep")
	f.failed("after it", now.Add(failSweep))
	require.Less(t, len(f.by), failKeep)
}

// With the demo, the sign-in page offers each demo person by name and role (not one deactivated
// since), signs in as one with a click, and refuses a person who is not of the demo.
func TestDemoSignInOffersPeopleByNameAndRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "carol", Name: "Carol Chen", Role: "supervisor", Active: true}))
	require.NoError(t, store.AddToken(ctx, "carol", "demo-carol", "demo"))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "gil", Name: "Gil Gone", Role: "agent", Active: false}))
	srv := httptest.NewServer(newEngine(Deps{Store: store, Now: stoppedClock(),
		UI: UIOptions{DemoStaff: []DemoUser{{ID: "carol", Name: "Carol Chen", Role: "supervisor"}, {ID: "gil", Name: "Gil Gone", Role: "agent"}}}}))
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	read := func(resp *http.Response, err error) (int, string) {
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(raw)
	}
	_, page := read(client.Get(srv.URL + "/signin"))
	require.Contains(t, page, `<button type="submit" name="demo" value="carol" class="secondary">Carol Chen <small>(supervisor)</small></button>`)
	require.NotContains(t, page, `value="gil"`, "not one deactivated, who could not sign in")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	status, page := read(client.PostForm(srv.URL+"/signin", url.Values{"csrf": {csrf}, "demo": {"mallory"}}))
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, page, "There is no demo user mallory.")
	csrf = regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	status, _ = read(client.PostForm(srv.URL+"/signin", url.Values{"csrf": {csrf}, "demo": {"carol"}}))
	require.Equal(t, http.StatusSeeOther, status, "signed in")
}
