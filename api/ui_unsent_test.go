package api

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// keptMarker is where a page drawn for a form that changed nothing says, by its script, that what
// was typed in it is kept (app.js puts it back in the form on the form's page).
const keptMarker = `id="kept-unsent"`

// A form that changed nothing and was not drawn again with what was typed in it (its session had
// ended, its key had expired, its person had sent too many requests) leads to a page marked for
// the script that kept the text; each signed-in page names its person, so that the text is put
// back for them alone. A refusal for too many requests says how long to wait, in seconds.
func TestFormsThatChangedNothingAreMarked(t *testing.T) {
	t.Parallel()
	u := newUIScaleOn(t, modelstest.SQLiteURL(t), func(d *Deps) { d.RateLimit = RateLimit{Rate: 0.001, Burst: 6} })
	ctx := context.Background()
	const id = "0b6f4f52-5a5e-4b8a-9d0e-00000000b001"
	require.NoError(t, u.store.ApplyProjection(ctx, models.Action{ID: id, Title: "Late checkout", Category: "request", Priority: "normal",
		Status: "assigned", OwnerID: "ann", TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(time.Hour), RequiredAuthority: 1,
		CreatedBy: "ann", CreatedAt: u.now.Add(-time.Minute), UpdatedAt: u.now, Version: 1}, nil))
	note := url.Values{"text": {"Guest called back: wants the late checkout after all."}}
	send := func(cookie, csrf string) *http.Response {
		form := url.Values{"csrf": {csrf}}
		for k, v := range note {
			form[k] = v
		}
		req, err := http.NewRequest(http.MethodPost, u.srv.URL+"/actions/"+id+"/note", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", u.srv.URL+"/actions/"+id)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		require.NoError(t, err)
		return resp
	}
	read := func(resp *http.Response) string {
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(raw)
	}

	status, page := u.get("ann", "/actions/"+id)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `<body data-page="action" data-me="ann"`)
	require.NotContains(t, page, keptMarker)

	// The session ended: the sign-in page the form leads to says it was not sent, and is marked.
	sess, err := u.store.OpenSession(ctx, "token-ann", time.Now(), time.Hour)
	require.NoError(t, err)
	require.NoError(t, u.store.CloseSession(ctx, sess.ID))
	resp := send(sess.ID, maskCSRF(sess.CSRF))
	read(resp)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/signin?unsent=1&next=%2Factions%2F"+id, resp.Header.Get("Location"))
	signin, err := http.Get(u.srv.URL + resp.Header.Get("Location"))
	require.NoError(t, err)
	page = read(signin)
	require.Contains(t, page, "Not sent:")
	require.Contains(t, page, keptMarker)
	signin, err = http.Get(u.srv.URL + "/signin")
	require.NoError(t, err)
	require.NotContains(t, read(signin), keptMarker, "a sign-in page of its own keeps nothing: it forgets")

	// A key from an earlier session (signed out and in again in another tab): the error page.
	live, err := u.store.OpenSession(ctx, "token-ann", time.Now(), time.Hour)
	require.NoError(t, err)
	resp = send(live.ID, maskCSRF(sess.CSRF))
	page = read(resp)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, page, "This form has expired")
	require.Contains(t, page, keptMarker)
	require.Contains(t, page, `data-me="ann"`)

	// Past the person's budget a page says how long to wait, and a form sent changed nothing.
	for {
		status, page = u.get("ann", "/inbox")
		if status == http.StatusTooManyRequests {
			break
		}
		require.Equal(t, http.StatusOK, status)
	}
	require.Contains(t, page, "You have made too many requests just now (all your tabs, sessions and tokens together), so this one did nothing. Try again in 1000 seconds.")
	require.NotContains(t, page, keptMarker, "a page asked for, not a form sent")
	resp = send(live.ID, maskCSRF(live.CSRF))
	page = read(resp)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Contains(t, page, "Try again in 1000 seconds.")
	require.Contains(t, page, keptMarker)
}

// A form refused because the session could not be checked (the read model away) did nothing,
// though its status is one that may leave a command still to take effect: it is marked too.
func TestFormRefusedWithoutASessionCheckIsMarked(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	sess, err := u.store.OpenSession(context.Background(), "token-ann", time.Now(), time.Hour)
	require.NoError(t, err)
	require.NoError(t, u.store.Close())
	req, err := http.NewRequest(http.MethodPost, u.srv.URL+"/actions", strings.NewReader(url.Values{"csrf": {maskCSRF(sess.CSRF)}, "title": {"Taxi at 6"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess.ID})
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Contains(t, string(raw), "The service cannot check your session just now.")
	require.Contains(t, string(raw), keptMarker)
}
