package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// csrfValue finds the CSRF token a page carries in its forms.
var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// drawnAfresh is a random value of a page: a masked CSRF token, an idempotency key.
var drawnAfresh = regexp.MustCompile(`[A-Za-z0-9_-]{32,}`)

// uiClient is a browser signed in as staffID in one session: its cookie in a jar, and the
// session's token as the read model keeps it.
func (u *uiScale) uiClient(staffID string) (*http.Client, string) {
	u.t.Helper()
	sess, err := u.store.OpenSession(context.Background(), "token-"+staffID, time.Now(), time.Hour)
	require.NoError(u.t, err)
	jar, err := cookiejar.New(nil)
	require.NoError(u.t, err)
	base, err := url.Parse(u.srv.URL)
	require.NoError(u.t, err)
	jar.SetCookies(base, []*http.Cookie{{Name: sessionCookie, Value: sess.ID, Path: "/"}})
	return &http.Client{Jar: jar}, sess.CSRF
}

// fetch GETs path with the Accept-Encoding given (none: the answer as it is), and answers the
// response with its body read (still encoded, as it was sent).
func fetch(t *testing.T, client *http.Client, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, path, nil)
	require.NoError(t, err)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	} else {
		req.Header.Set("Accept-Encoding", "identity") // keeps Go's client from asking for gzip itself
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// A team's board, hundreds of kilobytes of HTML, is sent compressed to a browser that accepts it,
// and unpacks to the page sent to one that does not; an answer of a kilobyte or two (an action, a
// command's answer) is sent as it is.
func TestLargePagesAreSentCompressed(t *testing.T) {
	u := newUIScale(t)
	u.put("desk", "desk", "assigned", "ann", 200, time.Hour)
	client, _ := u.uiClient("sue")

	plain, page := fetch(t, client, u.srv.URL+"/board", "")
	require.Equal(t, http.StatusOK, plain.StatusCode)
	require.Empty(t, plain.Header.Get("Content-Encoding"))
	require.Greater(t, len(page), 100<<10, "the board of 200 actions")

	packed, body := fetch(t, client, u.srv.URL+"/board", "gzip")
	require.Equal(t, http.StatusOK, packed.StatusCode)
	require.Equal(t, "gzip", packed.Header.Get("Content-Encoding"))
	require.Contains(t, packed.Header.Values("Vary"), "Accept-Encoding")
	require.Less(t, len(body), len(page)/5, "compressed %d bytes of %d", len(body), len(page))
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	unpacked, err := io.ReadAll(zr)
	require.NoError(t, err)
	// The two differ only in what is drawn afresh for each page: the CSRF token's mask and the
	// forms' idempotency keys.
	masked := func(b []byte) []byte { return drawnAfresh.ReplaceAll(b, []byte("*")) }
	require.Equal(t, string(masked(page)), string(masked(unpacked)))

	req, err := http.NewRequest(http.MethodGet, u.srv.URL+"/api/v1/actions?limit=1", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer token-ann")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, string(answer))
	require.Empty(t, resp.Header.Get("Content-Encoding"))
	require.Contains(t, string(answer), `"id":"desk-0199"`)
	require.Less(t, len(answer), compressAbove)
}

// The page's event stream is not compressed: each event goes out when it happens.
func TestEventStreamIsNotCompressed(t *testing.T) {
	u := newUIScale(t)
	client, _ := u.uiClient("ann")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.srv.URL+"/events", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "gzip, zstd")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/event-stream")
	require.Empty(t, resp.Header.Get("Content-Encoding"))
}

// Each page carries the session's CSRF token masked afresh, so that no two pages hold the same
// bytes; a form sent back with any page's token is taken, and one with the token unmasked, or
// altered, is refused and changes nothing.
func TestEachPageMasksTheCSRFTokenAfresh(t *testing.T) {
	u := newUIScale(t)
	client, raw := u.uiClient("ann")
	tokens := make([]string, 2)
	for i := range tokens {
		resp, page := fetch(t, client, u.srv.URL+"/inbox", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		m := csrfValue.FindSubmatch(page)
		require.NotNil(t, m, "a form's CSRF field")
		tokens[i] = string(m[1])
		require.NotContains(t, string(page), raw)
	}
	require.NotEqual(t, tokens[0], tokens[1])

	post := func(token, on string) int {
		resp, err := client.PostForm(u.srv.URL+"/my-shift", url.Values{"csrf": {token}, "on": {on}})
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp.StatusCode
	}
	onShift := func() bool {
		st, err := u.store.GetStaff(context.Background(), "ann")
		require.NoError(t, err)
		return st.OnShift
	}
	// A character in the middle: all of its bits are the token's (the last one's lowest are
	// padding, which decoding ignores, so changing them changes nothing).
	altered := []byte(tokens[0])
	altered[10] ^= 1
	for _, bad := range []string{raw, string(altered), "", tokens[0] + "A"} {
		require.Equal(t, http.StatusForbidden, post(bad, "false"), "token %q", bad)
		require.True(t, onShift(), "a refused form changes nothing")
	}
	require.Equal(t, http.StatusOK, post(tokens[0], "false"))
	require.False(t, onShift())
	require.Equal(t, http.StatusOK, post(tokens[1], "true"))
	require.True(t, onShift())
}
