package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// proc is one handover process started by the test.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *bytes.Buffer
}

// cluster runs the production topology on loopback: one Temporal service, several workers and
// API processes, one PostgreSQL database.
type cluster struct {
	t     *testing.T
	bin   string
	env   []string
	procs []*proc
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (c *cluster) start(name string, extraEnv []string, args ...string) *proc {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(append(os.Environ(), c.env...), extraEnv...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(c.t, cmd.Start(), name)
	p := &proc{name: name, cmd: cmd, out: out}
	c.procs = append(c.procs, p)
	return p
}

// run runs a short command to completion and returns what it printed on stdout: its logs (a slow
// query's warning on a loaded machine, say) go to stderr, and are not part of a token it prints.
func (c *cluster) run(args ...string) string {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(os.Environ(), c.env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(c.t, err, "%v: %s%s", args, out, stderr.String())
	return string(out)
}

func waitReady(t *testing.T, url string) {
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var ready struct{ Status string }
		// Degraded (one part down) answers 200 too: ready is every part up.
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&ready) == nil && ready.Status == "ready"
	}, 60*time.Second, 100*time.Millisecond, "%s never became ready", url)
}

// post sends a JSON body and decodes the answer; it returns the status.
func post(t *testing.T, url, token string, body any, out any) int {
	status, _ := postKeyed(t, url, token, "", body, out)
	return status
}

// postKeyed is post with an Idempotency-Key (none when key is empty); it returns the status and
// the answer's headers.
func postKeyed(t *testing.T, url, token, key string, body any, out any) (int, http.Header) {
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := (&http.Client{Timeout: 90 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if out != nil {
		require.NoError(t, json.Unmarshal(answer, out), string(answer))
	}
	return resp.StatusCode, resp.Header
}

func get(t *testing.T, url, token string, out any) int {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	return resp.StatusCode
}

type actionView struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	OwnerID string `json:"owner_id"`
	Version int64  `json:"version"`
}

// TestScaleOut runs one Temporal service, two workers and two API processes against one
// PostgreSQL, drives actions through both APIs, kills one worker with SIGKILL half way, and checks
// that every action finishes and that the survivors stop cleanly on SIGTERM.
func TestScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes; skipped with -short")
	}
	dbURL := modelstest.PostgresURL(t) // skips, saying so, without HANDOVER_TEST_POSTGRES_URL
	dir := t.TempDir()
	bin := buildBinary(t)

	temporalPort := freePort(t)
	c := &cluster{t: t, bin: bin, env: []string{
		"HANDOVER_DATABASE_URL=" + dbURL,
		"HANDOVER_TEMPORAL_ADDRESS=127.0.0.1:" + strconv.Itoa(temporalPort),
		"HANDOVER_LOG_FORMAT=json",
		"HANDOVER_RATE_LIMIT=0",
		"HANDOVER_ENCRYPTION_KEY=" + codec.NewKey(),
	}}
	t.Cleanup(func() {
		for _, p := range c.procs {
			if p.cmd.ProcessState == nil {
				_ = p.cmd.Process.Kill()
				_ = p.cmd.Wait()
			}
		}
		if t.Failed() {
			for _, p := range c.procs {
				t.Logf("--- %s output:\n%s", p.name, tail(p.out.String(), 3000))
			}
		}
	})

	temporal := c.start("temporal", nil, "temporal", "--data", filepath.Join(dir, "temporal"), "--port", strconv.Itoa(temporalPort))
	require.Eventually(t, func() bool { return strings.Contains(temporal.out.String(), "temporal server ready") },
		60*time.Second, 50*time.Millisecond, "temporal never became ready: %s", temporal.out)
	// Its log is JSON to the line that says so, as the api's and the worker's are.
	// (The ready line itself may still be being written: that it is an object is enough.)
	for _, line := range strings.Split(temporal.out.String(), "\n") {
		if strings.Contains(line, "temporal server ready") {
			require.True(t, strings.HasPrefix(line, `{"time":`), "the ready line is not JSON: %s", line)
			break
		}
		require.True(t, json.Valid([]byte(line)), "a line of the temporal log that is not JSON: %s", line)
	}
	c.run("migrate")
	// A read model once used with `dev --demo` holds the demo staff and their well-known tokens.
	store, err := models.Open(dbURL, nil)
	require.NoError(t, err)
	require.NoError(t, app.SeedDemo(context.Background(), store))
	require.NoError(t, store.Close())
	c.run("admin", "add-team", "desk", "Desk")
	c.run("admin", "add-staff", "ann", "Ann", "--team", "desk", "--authority", "1")
	c.run("admin", "add-staff", "ben", "Ben", "--team", "desk", "--authority", "1")
	tokens := map[string]string{}
	for _, id := range []string{"ann", "ben"} {
		tokens[id] = strings.TrimSpace(c.run("admin", "issue-token", id))
	}

	workers := []*proc{c.start("worker-1", nil, "worker"), c.start("worker-2", nil, "worker")}
	var apis []string
	for i := range 2 {
		addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
		c.start(fmt.Sprintf("api-%d", i+1), []string{"HANDOVER_HTTP_ADDR=" + addr}, "api")
		apis = append(apis, "http://"+addr)
	}
	for _, url := range apis {
		waitReady(t, url)
		// `api` serves without --demo: the demo tokens it found are revoked before it serves.
		var problem struct {
			Detail string `json:"detail"`
		}
		require.Equal(t, http.StatusUnauthorized, get(t, url+"/api/v1/me", "demo-root", &problem), "a demo token works on a production api")
		require.Contains(t, problem.Detail, "revoked")
	}
	require.Contains(t, c.procs[len(c.procs)-2].out.String()+c.procs[len(c.procs)-1].out.String(), "demo tokens revoked",
		"an api that revoked demo tokens says so")

	const actions = 20
	var ids []string
	for i := range actions {
		if i == actions/2 {
			// Half way: one worker dies without warning; the other must carry every action on.
			require.NoError(t, workers[0].cmd.Process.Signal(syscall.SIGKILL))
			_ = workers[0].cmd.Wait()
		}
		api := apis[i%2]
		var a actionView
		require.Equal(t, http.StatusCreated, post(t, api+"/api/v1/actions", tokens["ann"],
			map[string]any{"title": fmt.Sprintf("Action %d", i), "category": "request", "owner_id": "ann", "due_in": "2h"}, &a))
		require.Equal(t, http.StatusOK, post(t, apis[(i+1)%2]+"/api/v1/actions/"+a.ID+"/handover", tokens["ann"],
			map[string]any{"to_id": "ben", "reason": "shift ends", "method": "phone", "situation": "busy", "notes": map[string]any{"summary": "s"}}, &a))
		ids = append(ids, a.ID)
	}
	for i, id := range ids {
		var a actionView
		require.Equal(t, http.StatusOK, post(t, apis[i%2]+"/api/v1/actions/"+id+"/accept", tokens["ben"], map[string]any{"summary": "I own it now"}, &a))
		require.Equal(t, http.StatusOK, post(t, apis[(i+1)%2]+"/api/v1/actions/"+id+"/complete", tokens["ben"], map[string]any{"outcome": "done"}, &a))
		require.Equal(t, "completed", a.Status)
	}
	for i, id := range ids {
		var a actionView
		require.Equal(t, http.StatusOK, get(t, apis[i%2]+"/api/v1/actions/"+id, tokens["ann"], &a))
		require.Equal(t, "completed", a.Status, id)
		require.Equal(t, "ben", a.OwnerID)
		require.EqualValues(t, 5, a.Version, "created, handover, accepted, customer told, completed: nothing lost or doubled in %s", id)
		var tl struct {
			Items []struct {
				Seq int64 `json:"seq"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, get(t, apis[i%2]+"/api/v1/actions/"+id+"/events", tokens["ann"], &tl))
		require.Len(t, tl.Items, 5, id)
		for j, e := range tl.Items {
			require.EqualValues(t, j+1, e.Seq, id)
		}
	}
	// The api's /metrics counts the workers Temporal sees polling: the survivor, and worker-1 for
	// as long as Temporal still lists its last poll (within the 90 s it counts a worker that polled;
	// a poll cut short by the kill may have taken it off the list already, as it did in 1 run of 4).
	// Temporal holds its answer for 5 s (the README says so): a look-up made before the survivor's
	// first poll was seen (the api's own look for workers, as it started) may still be the answer,
	// with 0 workers, on a machine fast enough to run the actions in that time. A scrape whose
	// look-up Temporal did not answer in time (a loaded machine) says handover_temporal_up 0. The
	// scrape is made again until either has passed.
	counted := regexp.MustCompile(`^handover_workers\{task_queue="handover"\} [12]$`)
	var up, workersLine string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		resp, err := http.Get(apis[0] + "/metrics")
		require.NoError(t, err)
		scrape, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		up, workersLine = "", ""
		for _, line := range strings.Split(string(scrape), "\n") {
			if strings.HasPrefix(line, "handover_temporal_up ") {
				up = line
			}
			if strings.HasPrefix(line, `handover_workers{task_queue="handover"} `) {
				workersLine = line
			}
		}
		if up == "handover_temporal_up 1" && counted.MatchString(workersLine) {
			break
		}
	}
	require.Equal(t, "handover_temporal_up 1", up, "Temporal never answered the api's look-up of the workers")
	require.Regexp(t, counted, workersLine, "the survivor counted, and no worker that was never there")
	t.Logf("one of two workers killed with SIGKILL with %d actions awaiting acceptance; all %d completed by the survivor, %d events checked, 0 lost or doubled",
		actions/2, actions, 5*actions)

	// With no worker left, a command is answered 503 once the api's command timeout passes, not
	// held for as long as the client waits; the same Idempotency-Key once a worker is back applies
	// it once.
	// (An api with a short timeout: the survivors' default of 30 s also covers the 5 s in which
	// Temporal still offers a killed worker's workflows to it alone.)
	require.NoError(t, workers[1].cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, workers[1].cmd.Wait(), "the worker stops cleanly on SIGTERM")
	const commandTimeout = 2 * time.Second
	impatient := "127.0.0.1:" + strconv.Itoa(freePort(t))
	c.start("api-3", []string{"HANDOVER_HTTP_ADDR=" + impatient, "HANDOVER_COMMAND_TIMEOUT=" + commandTimeout.String()}, "api")
	waitReady(t, "http://"+impatient)
	note := map[string]any{"text": "called the customer back"}
	create := map[string]any{"title": "Late room service", "category": "request", "owner_id": "ann", "due_in": "2h"}
	for _, try := range []struct {
		url, key string
		body     any
	}{
		{"http://" + impatient + "/api/v1/actions/" + ids[0] + "/notes", "late-note", note},
		{"http://" + impatient + "/api/v1/actions", "late-create", create},
	} {
		var problem struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		began := time.Now()
		status, header := postKeyed(t, try.url, tokens["ann"], try.key, try.body, &problem)
		waited := time.Since(began)
		require.Equal(t, http.StatusServiceUnavailable, status, "%s with no worker", try.url)
		require.Equal(t, "1", header.Get("Retry-After"))
		require.Contains(t, problem.Detail, "retry it with the same Idempotency-Key")
		require.GreaterOrEqual(t, waited, commandTimeout, "answered before the timeout")
		require.Less(t, waited, commandTimeout+10*time.Second, "held long past the timeout")
		t.Logf("%s with no worker: 503 after %s", try.key, waited.Round(time.Millisecond))
	}
	// A consistent read asks the workflow, through a worker too: bounded alike.
	began := time.Now()
	var problem struct {
		Detail string `json:"detail"`
	}
	require.Equal(t, http.StatusServiceUnavailable, get(t, "http://"+impatient+"/api/v1/actions/"+ids[0]+"?consistent=true", tokens["ann"], &problem))
	require.Less(t, time.Since(began), commandTimeout+10*time.Second)
	t.Logf("consistent read with no worker: 503 after %s (%s)", time.Since(began).Round(time.Millisecond), problem.Detail)
	back := time.Now()
	c.start("worker-3", nil, "worker")
	var noted struct {
		Seq int64 `json:"seq"`
	}
	var created, again actionView
	require.Eventually(t, func() bool {
		status, _ := postKeyed(t, apis[1]+"/api/v1/actions/"+ids[0]+"/notes", tokens["ann"], "late-note", note, &noted)
		return status == http.StatusCreated
	}, 60*time.Second, 500*time.Millisecond, "the note's retry never went through")
	t.Logf("the note's retry went through %s after a worker was started again", time.Since(back).Round(time.Millisecond))
	status, _ := postKeyed(t, apis[0]+"/api/v1/actions", tokens["ann"], "late-create", create, &created)
	require.Equal(t, http.StatusCreated, status)
	status, _ = postKeyed(t, apis[1]+"/api/v1/actions", tokens["ann"], "late-create", create, &again)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, created.ID, again.ID, "one action for one key")
	var tl struct {
		Items []struct {
			Type string `json:"type"`
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		return get(t, apis[0]+"/api/v1/actions/"+ids[0]+"/events", tokens["ann"], &tl) == http.StatusOK && len(tl.Items) == 6
	}, 10*time.Second, 100*time.Millisecond, "the timeline after the note: %+v", tl.Items)
	notes := 0
	for _, e := range tl.Items {
		if e.Type == "note_added" {
			notes++
		}
	}
	require.Equal(t, 1, notes, "the note sent while no worker ran, and its retry, are one note")

	// The survivors stop cleanly on SIGTERM.
	for _, p := range c.procs {
		if p.cmd.ProcessState != nil {
			continue
		}
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case err := <-done:
			require.NoError(t, err, "%s did not exit cleanly", p.name)
			if p.name == "temporal" {
				require.Contains(t, p.out.String(), "temporal server stopped", "its log says it ended cleanly")
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s did not stop within 30 s of SIGTERM", p.name)
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	sc := bufio.NewScanner(strings.NewReader(s[len(s)-n:]))
	sc.Scan() // drop the cut line
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}
