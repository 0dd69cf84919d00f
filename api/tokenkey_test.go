package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// A token request sent again with its Idempotency-Key issues no second live credential: a token
// is shown once and not kept, so the repeat is 409 token_shown_once naming the token the key
// issued and how to replace it, and another request with the key is 422. Sent at once, as a
// client's retry racing its first try, one of them issues a token and the other does not. Another
// administrator's key of the same text is theirs; no key, a new token each time.
func TestTokenRequestSentAgainIssuesNothing(t *testing.T) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			h := engineFor(t, b.URL(t), "root", "admin")
			issue := func(staff, label, key string) (int, string, problemBody) {
				raw, err := json.Marshal(map[string]string{"label": label})
				require.NoError(t, err)
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, "/api/v1/staff/"+staff+"/tokens", bytes.NewReader(raw))
				req.Header.Set("Authorization", "Bearer token-root")
				req.Header.Set("Content-Type", "application/json")
				if key != "" {
					req.Header.Set("Idempotency-Key", key)
				}
				h.ServeHTTP(rec, req)
				var p problemBody
				var issued tokenJSON
				if rec.Code == http.StatusCreated {
					require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &issued))
				} else {
					require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
				}
				return rec.Code, issued.Token, p
			}
			live := func() int {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/api/v1/staff/root/tokens", nil)
				req.Header.Set("Authorization", "Bearer token-root")
				h.ServeHTTP(rec, req)
				require.Equal(t, http.StatusOK, rec.Code)
				var body struct{ Items []json.RawMessage }
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
				return len(body.Items)
			}
			require.Equal(t, 1, live(), "the test's own")

			code, first, _ := issue("root", "crm", "k1")
			require.Equal(t, http.StatusCreated, code)
			require.True(t, strings.HasPrefix(first, "hov_"))
			code, again, p := issue("root", "crm", "k1")
			require.Equal(t, http.StatusConflict, code)
			require.Empty(t, again)
			require.Equal(t, codeTokenShownOnce, p.Code)
			require.Regexp(t, `^Idempotency-Key: this key already issued the token of root labelled "crm" at \S+Z \(live\)\. A token is shown once and not kept, so it cannot be answered again: if that answer was lost, revoke the tokens of that label \(DELETE /api/v1/staff/root/tokens\?label=crm, which revokes every live token of root labelled "crm"\) and issue another with a new key$`, p.Detail)
			code, _, p = issue("root", "other", "k1")
			require.Equal(t, http.StatusUnprocessableEntity, code)
			require.Equal(t, workflows.CodeKeyReused, p.Code)
			require.Contains(t, p.Detail, `it issued a token to root labelled "crm" at `)
			require.Equal(t, []FieldError{{Field: "Idempotency-Key", Message: p.Errors[0].Message}}, p.Errors, "named as every reused key is")
			// The key is checked as every POST's: too long, or given twice, it is refused.
			code, _, p = issue("root", "long", strings.Repeat("k", 201))
			require.Equal(t, http.StatusUnprocessableEntity, code)
			require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
			require.Equal(t, 2, live(), "one token for the key, however often it is sent")

			// Sent at once: one issues, the other is refused as sent again.
			var wg sync.WaitGroup
			codes := make([]int, 4)
			for i := range codes {
				wg.Go(func() { codes[i], _, _ = issue("root", "tablet", "k2") })
			}
			wg.Wait()
			require.ElementsMatch(t, []int{http.StatusCreated, http.StatusConflict, http.StatusConflict, http.StatusConflict}, codes)
			require.Equal(t, 3, live())

			// Revoked since, the repeat says so rather than to revoke it.
			send := func(method, path, body string) int {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(method, path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer token-root")
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				return rec.Code
			}
			require.Equal(t, http.StatusCreated, send(http.MethodPost, "/api/v1/staff", `{"id":"kim","name":"Kim","role":"service"}`))
			code, _, _ = issue("kim", "pms", "k3")
			require.Equal(t, http.StatusCreated, code)
			require.Equal(t, http.StatusOK, send(http.MethodDelete, "/api/v1/staff/kim/tokens?label=pms", ""))
			code, _, p = issue("kim", "pms", "k3")
			require.Equal(t, http.StatusConflict, code)
			require.Regexp(t, `^Idempotency-Key: this key already issued the token of kim labelled "pms" at \S+Z, since revoked\. A token is shown once and not kept, so it cannot be answered again: issue another with a new key$`, p.Detail)

			// Without a key, each call is a new token, as before.
			for range 2 {
				code, _, _ = issue("root", "spare", "")
				require.Equal(t, http.StatusCreated, code)
			}
			require.Equal(t, 5, live())
		})
	}
}
