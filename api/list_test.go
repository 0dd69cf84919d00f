package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// A cursor is the API's own: one made up by the caller (valid base64 and JSON, but naming no
// action, or with text no database stores) is 422 on cursor, never a 5xx, on either database.
func TestListRefusesCursorsItDidNotGiveOut(t *testing.T) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			h := engineFor(t, b.URL(t), "ann", "agent")
			list := func(cursor string) (int, problemBody) {
				return getAs(h, "token-ann", "/api/v1/actions?cursor="+url.QueryEscape(cursor))
			}
			made := func(v map[string]any) string {
				raw, err := json.Marshal(v)
				require.NoError(t, err)
				return base64.RawURLEncoding.EncodeToString(raw)
			}
			for name, cursor := range map[string]string{
				"NUL in the ID":  made(map[string]any{"t": "2026-12-03T09:00:00Z", "i": "a\u0000b"}),
				"not an ID":      made(map[string]any{"t": "2026-12-03T09:00:00Z", "i": "x"}),
				"no time":        made(map[string]any{"i": "0192a1f0-0000-7000-8000-000000000000"}),
				"not base64":     "garbage!",
				"a JSON array":   base64.RawURLEncoding.EncodeToString([]byte("[1]")),
				"an empty value": base64.RawURLEncoding.EncodeToString([]byte("{}")),
			} {
				code, p := list(cursor)
				require.Equal(t, http.StatusUnprocessableEntity, code, "%s: %+v", name, p)
				require.Equal(t, "cursor", p.Errors[0].Field, name)
			}
			// A cursor the API gave out still works.
			code, _ := list(made(map[string]any{"t": "2026-12-03T09:00:00Z", "i": "0192a1f0-0000-7000-8000-000000000000"}))
			require.Equal(t, http.StatusOK, code)
		})
	}
}

// Every read refuses a query parameter it does not take, or one it takes given twice, naming it:
// a misspelt one would otherwise be ignored in silence.
func TestReadsRefuseParametersTheyDoNotTake(t *testing.T) {
	t.Parallel()
	h := engineFor(t, modelstest.SQLiteURL(t), "sue", "supervisor")
	get := func(path string) (int, problemBody) { return getAs(h, "token-sue", path) }
	for _, tc := range []struct{ path, field, message string }{
		{"/api/v1/me?verbose=1", "verbose", "is not a parameter of this read (it takes none)"},
		{"/api/v1/me/inbox?limit=5", "limit", "is not a parameter of this read (it takes none)"},
		{"/api/v1/teams?team_id=desk", "team_id", "is not a parameter of this read (it takes none)"},
		{"/api/v1/teams/desk/calendar?at=now", "at", "is not a parameter of this read (it takes none)"},
		{"/api/v1/staff/sue?fields=name", "fields", "is not a parameter of this read (it takes none)"},
		{"/api/v1/stream?since=now", "since", "is not a parameter of this read (it takes none)"},
		{"/api/v1/policies?category=refund", "category", "is not a parameter of this read (it takes none)"},
		{"/api/v1/policies/refund?at=2", "at", "is not a parameter of this read (version)"},
		{"/api/v1/policies/refund?version=1&version=2", "version", "give it once"},
		{"/api/v1/shift-handovers/01a23bde-4941-735c-8cb1-338329dd55cd?x=1", "x", "is not a parameter of this read (it takes none)"},
		{"/api/v1/reports/weekly?team=desk", "team", "is not a parameter of this read (team_id)"},
		{"/api/v1/reports/weekly?team_id=desk&team_id=desk", "team_id", "give it once"},
	} {
		code, p := get(tc.path)
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s: %+v", tc.path, p)
		require.Len(t, p.Errors, 1, tc.path)
		require.Equal(t, tc.field, p.Errors[0].Field, tc.path)
		require.Equal(t, tc.message, p.Errors[0].Message, tc.path)
	}
	// Without them, each answers as before.
	for _, path := range []string{"/api/v1/me", "/api/v1/me/inbox", "/api/v1/teams", "/api/v1/staff/sue", "/api/v1/policies", "/api/v1/reports/weekly?team_id=desk"} {
		code, p := get(path)
		require.Equal(t, http.StatusOK, code, "%s: %+v", path, p)
	}
}

// getAs sends a GET with a bearer token and answers its status and, for a refusal, its problem.
func getAs(h http.Handler, token, path string) (int, problemBody) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(rec, req)
	var p problemBody
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	return rec.Code, p
}

// engineFor is the API over a read model at url holding team desk and one person of it, id with
// the role, whose token is "token-" + id.
func engineFor(t *testing.T, url, id, role string) http.Handler {
	ctx := context.Background()
	store := modelstest.Open(t, url)
	team := "desk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: role, TeamID: &team, Active: true, OnShift: true}))
	require.NoError(t, store.AddToken(ctx, id, "token-"+id, "test"))
	return newEngine(Deps{Store: store})
}

// The Authorization scheme's name is case-insensitive (RFC 9110, 11.1): "bearer" and "BEARER"
// sign in like "Bearer"; another scheme, or no token, does not.
func TestBearerSchemeIgnoresCase(t *testing.T) {
	t.Parallel()
	h := engineFor(t, modelstest.SQLiteURL(t), "ann", "agent")
	for header, want := range map[string]int{
		"Bearer token-ann": http.StatusOK, "bearer token-ann": http.StatusOK, "BEARER token-ann": http.StatusOK,
		"Basic token-ann": http.StatusUnauthorized, "bearer ": http.StatusUnauthorized, "token-ann": http.StatusUnauthorized,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		req.Header.Set("Authorization", header)
		h.ServeHTTP(rec, req)
		require.Equal(t, want, rec.Code, "Authorization: %s", header)
	}
}

// A read an agent may not make is 403 whatever its parameters: the role is checked first.
func TestReportsRefuseAnAgentFirst(t *testing.T) {
	t.Parallel()
	h := engineFor(t, modelstest.SQLiteURL(t), "ann", "agent")
	for _, path := range []string{"/api/v1/reports/weekly?x=1", "/api/v1/reports/weekly", "/api/v1/reports/handovers?x=1"} {
		code, p := getAs(h, "token-ann", path)
		require.Equal(t, http.StatusForbidden, code, "%s: %+v", path, p)
	}
}
