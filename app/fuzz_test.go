package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handover/handover/app"
)

// FuzzAPIBodies sends arbitrary bodies to the routes that take one (every action command, the
// create, policies, calendars, staff, shift handovers) of the real stack: every answer must be 2xx
// or 4xx, never 5xx. Run it longer with
// go test ./app -run '^$' -fuzz FuzzAPIBodies -fuzztime 5m -parallel 1
func FuzzAPIBodies(f *testing.F) {
	seeds := []string{
		`{"title":"Late checkout","category":"request","owner_id":"alice","due_in":"4h"}`,
		`{"title":"Refund","category":"refund","team_id":"frontdesk","due_at":"2031-01-01T10:00:00Z","required_authority":2,"customer":{"ref":"G-1","name":"A","contact":"x"}}`,
		`{"to_id":"bob","reason":"shift ends","method":"phone","situation":"busy","notes":{"summary":"s"},"follow_up_in":"1h","accept_within":"10m"}`,
		`{"to_id":"alice","reason":"","method":"pigeon","situation":"calm","notes":{}}`,
		`{"title":null,"due_in":"-5h","priority":7}`,
		`{"title":"\u0000\ud800","category":"a","owner_id":"../../etc","due_in":"9999999h"}`,
		`[]`, `null`, `"x"`, `{`, ``, `{"notes":{"summary":{"a":1}}}`,
		`{"result":"not_done","next":"reassign","to_id":"bob","due_in":"2h"}`,
		`{"due_at":"2031-13-45T25:00:00Z","reason":"x"}`,
		`{"text":"` + strings.Repeat("a", 5000) + `"}`,
		`{"rating":2.5,"comment":"ok"}`,
		`{"accept_within":"banana","clock":"lunar","required_fields":["x",1]}`,
		`{"time_zone":"Mars/Olympus","hours":[{"day":"mon","open":"25:00","close":"08:00"}],"holidays":["2026-02-30"]}`,
		`{"from_id":"alice","to_id":"alice","notes":"n","situation":"routine"}`,
		`{"id":"KIM","name":"","role":"boss","team_id":"nope","authority":11}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := app.StartDev(ctx, app.DevConfig{DataDir: f.TempDir(), HTTPAddr: "127.0.0.1:0", Demo: true, NoTemporalUI: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Stop(context.Background()) })
	id := createForFuzz(f, st)

	// Every route that reads a body, with someone allowed to call it (refusals by role come after
	// the body is read, but then the body is not all it checks). Cancel and complete would end
	// the target, and the rest would only answer 409.
	routes := []struct{ method, path, who string }{
		{http.MethodPost, "/api/v1/actions", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/handover", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/accept", "bob"},
		{http.MethodPost, "/api/v1/actions/" + id + "/decline", "bob"},
		{http.MethodPost, "/api/v1/actions/" + id + "/check", "carol"},
		{http.MethodPost, "/api/v1/actions/" + id + "/escalate", "carol"},
		{http.MethodPost, "/api/v1/actions/" + id + "/reassign", "carol"},
		{http.MethodPost, "/api/v1/actions/" + id + "/extend", "carol"},
		{http.MethodPost, "/api/v1/actions/" + id + "/pause", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/resume", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/notes", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/claim", "alice"},
		{http.MethodPost, "/api/v1/actions/" + id + "/handovers/" + id + "/feedback", "bob"},
		{http.MethodPut, "/api/v1/policies/fuzz", "root"},
		{http.MethodPut, "/api/v1/teams/frontdesk/calendar", "root"},
		{http.MethodPost, "/api/v1/staff", "root"},
		{http.MethodPost, "/api/v1/staff/erin/tokens", "root"},
		{http.MethodPost, "/api/v1/shift-handovers", "carol"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := routes[int(route)%len(routes)]
		path := r.path
		req, err := http.NewRequest(r.method, st.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+app.DemoToken(r.who))
		req.Header.Set("Content-Type", "application/json")
		client := contractClient(t) // an answer the document does not describe fails too
		client.Timeout = 30 * time.Second
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s with %q answered %d: %s", r.method, path, body, resp.StatusCode, answer)
		}
	})
}

// createForFuzz makes the action the handover bodies are sent to.
func createForFuzz(f *testing.F, st *app.Stack) string {
	req, err := http.NewRequest(http.MethodPost, st.URL+"/api/v1/actions",
		strings.NewReader(`{"title":"Fuzz target","category":"request","owner_id":"alice","due_in":"24h"}`))
	if err != nil {
		f.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+app.DemoToken("alice"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := contractClient(f).Do(req)
	if err != nil {
		f.Fatal(err)
	}
	defer resp.Body.Close()
	var a action
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != http.StatusCreated {
		f.Fatalf("creating the fuzz target: %d %v", resp.StatusCode, err)
	}
	return a.ID
}
