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
			ctx := context.Background()
			store := modelstest.Open(t, b.URL(t))
			team := "desk"
			require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
			require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: &team, Active: true, OnShift: true}))
			require.NoError(t, store.AddToken(ctx, "ann", "token-ann", "test"))
			h := newEngine(Deps{Store: store})
			list := func(cursor string) (int, problemBody) {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/api/v1/actions?cursor="+url.QueryEscape(cursor), nil)
				req.Header.Set("Authorization", "Bearer token-ann")
				h.ServeHTTP(rec, req)
				var p problemBody
				_ = json.Unmarshal(rec.Body.Bytes(), &p)
				return rec.Code, p
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
