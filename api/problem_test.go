package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// A refusal of a workflow carries its code in its details; one from a worker of the release before
// carries none, and its refusal of a reused Idempotency-Key is named so all the same (the web forms
// take a new key on that code), while its other refusals have their kind's code.
func TestRefusalCodes(t *testing.T) {
	t.Parallel()
	coded := temporal.NewApplicationErrorWithOptions("cannot hand over an action whose handover to Bob waits", workflows.ErrConflict,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{workflows.CodeHandoverPending}})
	earlier := temporal.NewApplicationErrorWithOptions("Idempotency-Key: this key was already used with a different request", workflows.ErrInvalid,
		temporal.ApplicationErrorOptions{NonRetryable: true})
	plain := temporal.NewApplicationErrorWithOptions("to_id: Bob Brown is not on shift", workflows.ErrInvalid,
		temporal.ApplicationErrorOptions{NonRetryable: true})
	for err, want := range map[error]string{coded: workflows.CodeHandoverPending, earlier: workflows.CodeKeyReused, plain: codeInvalid} {
		ae, ok := classify(fmt.Errorf("a command: %w", err))
		require.True(t, ok)
		require.Equal(t, want, ae.codeOrKind(), err.Error())
	}
}

// A consistent read of an action with no worker polling fails with Temporal's FailedPrecondition
// ("no poller seen"): answered 503 with a retry hint, not 500.
func TestNoWorkerIsUnavailableNotInternal(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("querying action a1: %w", serviceerror.NewFailedPrecondition("no poller seen for task queue recently, worker may be down"))
	ae, ok := classify(err)
	require.True(t, ok)
	require.Equal(t, kindUnavailable, ae.kind)
	require.Equal(t, http.StatusServiceUnavailable, statusOfKind[ae.kind])
	require.Contains(t, ae.detail, "no worker is running it")
}

// A query the worker could not answer (replaying the workflow right after a restart, as a kill -9
// test of a shift handover once saw) is 503 with a retry hint, not 500.
func TestFailedQueryIsUnavailable(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("asking shift handover s1: %w", serviceerror.NewQueryFailed("[TMPRL1100] invalid state transition"))
	ae, ok := classify(err)
	require.True(t, ok)
	require.Equal(t, http.StatusServiceUnavailable, statusOfKind[ae.kind])
	require.Contains(t, ae.detail, "retry shortly")
}

// An Update or query to a workflow whose task keeps failing in its worker (Temporal's
// WorkflowNotReady) is the operator's to mend: 503 saying so, not a bare 500.
func TestFailingWorkflowIsUnavailable(t *testing.T) {
	t.Parallel()
	ae, ok := classify(fmt.Errorf("adding a note: %w", serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to Workflow Task in failed state.")))
	require.True(t, ok)
	require.Equal(t, http.StatusServiceUnavailable, statusOfKind[ae.kind])
	require.Contains(t, ae.detail, "its worker fails to run it")
}

// A command that timed out may still take effect: only one sent with an Idempotency-Key is told to
// retry with it; without one, retrying could apply it twice, so the caller is told to look first.
// A read that timed out (a `?consistent=true` read with no worker) changed nothing.
func TestTimeoutAdviceFollowsTheKey(t *testing.T) {
	t.Parallel()
	answer := func(key string, method ...string) (int, string) {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(append(method, http.MethodPost)[0], "/api/v1/actions/a1/notes", nil)
		if key != "" {
			c.Request.Header.Set("Idempotency-Key", key)
		}
		writeError(c, slog.New(slog.DiscardHandler), fmt.Errorf("adding a note: %w", context.DeadlineExceeded))
		var p problem
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
		return rec.Code, p.Detail
	}
	code, detail := answer("k1")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, detail, "retry it with the same Idempotency-Key")
	code, detail = answer("")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, detail, "look at the action before sending it again")
	code, detail = answer("", http.MethodGet)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, detail, "it changed nothing: retry it shortly")
	require.NotContains(t, detail, "command")
}

// A path with a slash too many is not found, answered with a problem document, not redirected (a
// client that follows redirects was led from DELETE /customers to the erasure of an empty
// reference).
func TestTrailingSlashIsNotFound(t *testing.T) {
	u := newUIScale(t)
	for _, path := range []string{"/api/v1/actions/", "/api/v1/me/"} {
		resp := u.apiGet("ann", path)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), path)
	}
}

// A request its caller cancelled (a browser dropping one it no longer wants) is no server error:
// recorded 499, as proxies record it, and not logged as a failure. The same error while the caller
// still waits is one.
func TestCancelledByTheCallerIsNoServerError(t *testing.T) {
	t.Parallel()
	answer := func(cancelled bool, errs ...error) (int, string) {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		ctx, cancel := context.WithCancel(context.Background())
		if cancelled {
			cancel()
		} else {
			defer cancel()
		}
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/actions", nil).WithContext(ctx)
		var logged bytes.Buffer
		err := fmt.Errorf("listing actions: %w", context.Canceled)
		if len(errs) > 0 {
			err = errs[0]
		}
		writeError(c, slog.New(slog.NewTextHandler(&logged, nil)), err)
		return rec.Code, logged.String()
	}
	// A transaction the cancellation rolled back, used after: the cancellation too.
	code, logged := answer(true, fmt.Errorf("claiming staff alice: %w", sql.ErrTxDone))
	require.Equal(t, statusClientClosed, code)
	require.Empty(t, logged)
	// One the request's own time running out rolled back is the server too slow: 503, to retry.
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/actions", nil).WithContext(ctx)
	c.Request.Header.Set("Idempotency-Key", "k")
	writeError(c, slog.New(slog.DiscardHandler), fmt.Errorf("claiming staff alice: %w", sql.ErrTxDone))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Contains(t, rec.Body.String(), tooSlow)
	code, logged = answer(true)
	require.Equal(t, statusClientClosed, code)
	require.Empty(t, logged)
	code, logged = answer(false)
	require.Equal(t, http.StatusInternalServerError, code)
	require.Contains(t, logged, "request failed")
}

// A change to a person refused because a handover to them is on its way says so, and when to try
// again; what they own and await is said as before.
func TestBusyRefusalSaysWhatIsOnItsWay(t *testing.T) {
	t.Parallel()
	team := "frontdesk"
	err := busyRefusal(models.Staff{ID: "bob", Name: "Bob Brown", TeamID: &team}, "Front desk", "is deactivated", -1, models.StaffBusy{Owned: 2, OnTheirWay: 1})
	ae, ok := classify(err)
	require.True(t, ok)
	require.Equal(t, http.StatusConflict, statusOfKind[ae.kind])
	require.Equal(t, "Bob Brown owns 2 open actions: a supervisor of Front desk or a manager passes them on (a shift handover from the board, or a reassignment); "+
		"1 handover or reassignment to Bob Brown is on its way at this moment: try again in a few seconds, once it has landed (it then counts above); then Bob Brown is deactivated", ae.detail)
}

// A \u escape of half of a UTF-16 surrogate pair, alone, is found (encoding/json reads it as
// U+FFFD); a whole pair, other escapes and escaped backslashes before a "u" are not.
func TestEscapedLoneSurrogate(t *testing.T) {
	t.Parallel()
	for body, lone := range map[string]bool{
		`{"text":"bad \ud800"}`:              true,
		`{"text":"\ud83d"}`:                  true,
		`{"text":"\ude00 first"}`:            true,
		`{"text":"\ud83d\u0041"}`:            true,
		`{"text":"\ud83d\n\ude00"}`:          true,
		`{"text":"cut \ud83d`:                true,
		`{"text":"smile \ud83d\ude00"}`:      false,
		`{"text":"\uD83D\uDE00 upper case"}`: false,
		`{"text":"\\ud800 is text"}`:         false,
		`{"text":"\u00e9t\u00e9 \"q\""}`:     false,
		`{"text":"plain"}`:                   false,
		`{"text":"\u12"}`:                    false,
	} {
		require.Equal(t, lone, escapedLoneSurrogate([]byte(body)), body)
	}
}

// /readyz logs each probe that finds a part down, and once, when the API is ready again, what it
// was before: an operator reading the log sees the outage end.
func TestReadyAgainIsLogged(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	var down error = &Degraded{Part: "read model", Err: fmt.Errorf("dial tcp: connection refused")}
	h := NewRouter(Deps{Log: slog.New(slog.NewTextHandler(&logged, nil)), Ready: func(context.Context) error { return down }})
	probe := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code
	}
	require.Equal(t, http.StatusOK, probe())
	require.Equal(t, http.StatusOK, probe())
	require.Contains(t, logged.String(), `msg=degraded`)
	require.NotContains(t, logged.String(), "ready again")
	down = nil
	require.Equal(t, http.StatusOK, probe())
	require.Equal(t, http.StatusOK, probe())
	require.Equal(t, 1, bytes.Count(logged.Bytes(), []byte(`msg="ready again" was="degraded: read model"`)), logged.String())
	down = fmt.Errorf("temporal: health check failed")
	require.Equal(t, http.StatusServiceUnavailable, probe())
	down = nil
	require.Equal(t, http.StatusOK, probe())
	require.Contains(t, logged.String(), `msg="ready again" was="not ready: temporal"`)
}
