package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestRequestIDsAreKeptOrMadeAndLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newEngine(Deps{Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	call := func(id string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if id != "" {
			req.Header.Set("X-Request-Id", id)
		}
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		return rec.Header().Get("X-Request-Id")
	}
	require.Equal(t, "crm-4711", call("crm-4711"), "a caller's ID is kept")
	made := call("")
	_, err := uuid.Parse(made)
	require.NoError(t, err, "one is made when none is sent")
	replaced := call("bad id\nwith newline")
	require.NotEqual(t, "bad id\nwith newline", replaced)

	var line struct {
		Msg       string `json:"msg"`
		RequestID string `json:"request_id"`
		Route     string `json:"route"`
		Status    int    `json:"status"`
	}
	first, _, _ := bytes.Cut(logs.Bytes(), []byte("\n"))
	require.NoError(t, json.Unmarshal(first, &line))
	require.Equal(t, "http request", line.Msg)
	require.Equal(t, "crm-4711", line.RequestID)
	require.Equal(t, "/healthz", line.Route)
	require.Equal(t, http.StatusOK, line.Status)
}
