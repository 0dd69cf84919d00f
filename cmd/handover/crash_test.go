package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildBinary builds the handover binary once for the package's tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "handover-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "handover")
		build := exec.Command("go", "build", "-o", builtBin, ".")
		build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%w: %s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// createResult is what one create request got before the process died.
type createResult struct {
	key    string
	status int // 0: no answer (the process died under it)
	id     string
}

// TestKillDashNineUnderLoad runs `handover dev` as a real process, creates actions from several
// clients at once, kills the process with SIGKILL in the middle, starts it again on the same data
// directory, and checks that every action that was answered 201 exists in its workflow, can be
// carried on to completion, and shows in the read model with its whole timeline; a request that got
// no answer can be sent again with its Idempotency-Key and makes exactly one action.
func TestKillDashNineUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a real process; skipped with -short")
	}
	bin := buildBinary(t)
	dataDir := t.TempDir()
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	temporalPort := strconv.Itoa(freePort(t))
	// The Temporal Web UI on a free port too: on its default (8233) the test failed beside a
	// `handover dev` someone was running, and that one's UI could not start beside the test.
	uiPort := strconv.Itoa(freePort(t))
	base := "http://" + httpAddr
	start := func() *exec.Cmd {
		return startDev(t, bin, dataDir, httpAddr, temporalPort, []string{"HANDOVER_SECURE_COOKIES=true"}, "--temporal-ui-port", uiPort)
	}
	body := func(key string) map[string]any {
		return map[string]any{
			"title": "Crash " + key, "category": "request", "owner_id": "alice", "due_in": "4h",
			"customer": map[string]any{"ref": "G-" + key, "name": "Guest " + key},
		}
	}
	create := func(client *http.Client, key string) createResult {
		raw, _ := json.Marshal(body(key))
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/actions", bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer demo-alice")
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			return createResult{key: key}
		}
		defer resp.Body.Close()
		var a actionView
		_ = json.NewDecoder(resp.Body).Decode(&a)
		return createResult{key: key, status: resp.StatusCode, id: a.ID}
	}

	dev := start()
	// dev takes the settings the api process takes: behind a TLS proxy, its cookies are Secure.
	resp, err := http.Get(base + "/signin")
	require.NoError(t, err)
	resp.Body.Close()
	require.NotEmpty(t, resp.Cookies())
	for _, c := range resp.Cookies() {
		require.True(t, c.Secure, "cookie %s", c.Name)
	}
	const clients = 8
	var (
		mu      sync.Mutex
		results []createResult
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				r := create(client, fmt.Sprintf("k%d-%d", g, i))
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if r.status == 0 {
					return // the process is gone
				}
			}
		}()
	}
	// Kill once a good number of actions were acknowledged, with requests still in flight.
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(results) >= 100
	}, 60*time.Second, 5*time.Millisecond)
	require.NoError(t, dev.Process.Signal(syscall.SIGKILL))
	_ = dev.Wait()
	close(stop)
	wg.Wait()

	acked, unanswered := 0, 0
	for _, r := range results {
		switch r.status {
		case http.StatusCreated:
			acked++
		case 0:
			unanswered++
		default:
			t.Fatalf("create %s answered %d before the kill", r.key, r.status)
		}
	}
	require.Positive(t, acked)

	restarted := start()
	client := &http.Client{Timeout: 60 * time.Second}
	for _, r := range results {
		// Every request can be sent again with its key: the acknowledged ones answer with the same
		// action, the unanswered ones make exactly one.
		again := create(client, r.key)
		require.Equal(t, http.StatusCreated, again.status, r.key)
		if r.status == http.StatusCreated {
			require.Equal(t, r.id, again.id, "key %s made a second action", r.key)
			var live actionView
			require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+r.id+"?consistent=true", "demo-alice", &live), r.key)
			require.Equal(t, "assigned", live.Status)
		}
		var done actionView
		require.Equal(t, http.StatusOK, post(t, base+"/api/v1/actions/"+again.id+"/complete", "demo-alice",
			map[string]any{"outcome": "carried on after the crash"}, &done), r.key)
		require.Equal(t, "completed", done.Status)
	}

	// The read model converges: every action completed, its timeline whole and in order.
	events := 0
	for _, r := range results {
		id := r.id
		if id == "" {
			id = create(client, r.key).id
		}
		var row actionView
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id, "demo-alice", &row))
		require.Equal(t, "completed", row.Status, r.key)
		var tl struct {
			Items []struct {
				Seq  int64  `json:"seq"`
				Type string `json:"type"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id+"/events", "demo-alice", &tl))
		require.Len(t, tl.Items, int(row.Version), r.key)
		for i, e := range tl.Items {
			require.Equal(t, int64(i+1), e.Seq, r.key)
		}
		require.Equal(t, "created", tl.Items[0].Type)
		require.Equal(t, "completed", tl.Items[len(tl.Items)-1].Type)
		events += len(tl.Items)
	}
	// The rebuild command runs against the live stack and finds every action, writing nothing twice.
	// Given dev's data directory, it finds dev's Temporal there, on the port dev was started with
	// (HANDOVER_TEMPORAL_ADDRESS unset: its default is another port).
	require.NotEqual(t, "7233", temporalPort)
	rebuild := exec.Command(bin, "admin", "reproject", "--data", dataDir)
	rebuild.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "HANDOVER_TEMPORAL_ADDRESS=") }),
		"HANDOVER_DATABASE_URL=", "HANDOVER_ENCRYPTION_KEY=", "HANDOVER_LOG_LEVEL=warn", "HANDOVER_TEMPORAL_WAIT=5s")
	out, err := rebuild.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), fmt.Sprintf("%d actions, %d events", len(results), events))
	for _, r := range results[:5] {
		var tl struct {
			Items []struct{} `json:"items"`
		}
		var row actionView
		id := r.id
		if id == "" {
			id = create(client, r.key).id
		}
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id, "demo-alice", &row))
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id+"/events", "demo-alice", &tl))
		require.Len(t, tl.Items, int(row.Version))
	}

	// Stopped cleanly, dev takes its Temporal address away: an admin command then looks no more
	// for a Temporal that is gone.
	require.FileExists(t, filepath.Join(dataDir, "temporal.address"))
	require.NoError(t, restarted.Process.Signal(os.Interrupt))
	require.NoError(t, restarted.Wait())
	require.NoFileExists(t, filepath.Join(dataDir, "temporal.address"))

	t.Logf("%d creates from %d clients before SIGKILL: %d acknowledged, %d unanswered; after restart all %d carried on to completion, %d events checked, 0 lost",
		len(results), clients, acked, unanswered, len(results), events)
}

// startDev runs `handover dev --demo` on dataDir, its API at httpAddr, with the environment's
// extra settings and extra arguments, and waits until it is ready. The process is killed when the
// test ends, if it still runs, and its output logged if the test failed.
func startDev(t *testing.T, bin, dataDir, httpAddr, temporalPort string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"dev", "--demo", "--data", dataDir, "--http", httpAddr, "--temporal-port", temporalPort}, args...)...)
	cmd.Env = append(append(os.Environ(), "HANDOVER_RATE_LIMIT=0", "HANDOVER_LOG_LEVEL=warn", "HANDOVER_DATABASE_URL=", "HANDOVER_ENCRYPTION_KEY="), env...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("handover dev output:\n%s", tail(out.String(), 4000))
		}
	})
	waitReady(t, "http://"+httpAddr)
	return cmd
}

// TestKillDashNineDuringFirstStart kills `handover dev` on an empty data directory at moments of
// its first start (as Temporal's schema is being set up, as the read model is being migrated and
// the demo seeded), starts it again on the same directory, and checks that it comes up with the
// demo team, staff and tokens whole. Temporal's schema used to be set up one statement at a time:
// killed among them, the directory never started again ("no such table: namespaces").
func TestKillDashNineDuringFirstStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a real process; skipped with -short")
	}
	bin := buildBinary(t)
	for _, moment := range []struct{ name, file string }{
		{"temporal schema", "temporal.db"},
		{"read model", "readmodel.db"},
	} {
		t.Run(moment.name, func(t *testing.T) {
			dataDir := t.TempDir()
			httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
			base := "http://" + httpAddr
			// start runs handover dev; exited is closed when it has ended.
			start := func() (*exec.Cmd, <-chan struct{}, *bytes.Buffer) {
				cmd := exec.Command(bin, "dev", "--demo", "--data", dataDir, "--http", httpAddr,
					"--temporal-port", strconv.Itoa(freePort(t)), "--no-temporal-ui")
				cmd.Env = append(os.Environ(), "HANDOVER_RATE_LIMIT=0", "HANDOVER_LOG_LEVEL=warn", "HANDOVER_DATABASE_URL=", "HANDOVER_ENCRYPTION_KEY=")
				out := &bytes.Buffer{}
				cmd.Stdout, cmd.Stderr = out, out
				require.NoError(t, cmd.Start())
				exited := make(chan struct{})
				go func() { _ = cmd.Wait(); close(exited) }()
				t.Cleanup(func() {
					_ = cmd.Process.Kill()
					<-exited
					if t.Failed() {
						t.Logf("handover dev output:\n%s", tail(out.String(), 4000))
					}
				})
				return cmd, exited, out
			}

			first, exited, _ := start()
			deadline := time.Now().Add(60 * time.Second)
			for {
				if _, err := os.Stat(filepath.Join(dataDir, moment.file)); err == nil {
					break
				}
				select {
				case <-exited:
					t.Fatalf("the first start ended before %s appeared", moment.file)
				default:
				}
				require.True(t, time.Now().Before(deadline), "%s never appeared", moment.file)
				time.Sleep(200 * time.Microsecond)
			}
			require.NoError(t, first.Process.Signal(syscall.SIGKILL))
			<-exited

			_, exited, out := start()
			ready := func() bool {
				resp, err := http.Get(base + "/readyz")
				if err != nil {
					return false
				}
				defer resp.Body.Close()
				var ready struct{ Status string }
				// Degraded (one part down) answers 200 too: ready is every part up.
				return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&ready) == nil && ready.Status == "ready"
			}
			for deadline := time.Now().Add(60 * time.Second); !ready(); time.Sleep(100 * time.Millisecond) {
				select {
				case <-exited:
					t.Fatalf("the restart on the same data directory ended:\n%s", tail(out.String(), 2000))
				default:
				}
				require.True(t, time.Now().Before(deadline), "the restart never became ready")
			}

			for _, id := range []string{"alice", "bob", "erin", "carol", "dave", "root", "crm"} {
				var me struct {
					ID string `json:"id"`
				}
				require.Equal(t, http.StatusOK, get(t, base+"/api/v1/me", "demo-"+id, &me), id)
				require.Equal(t, id, me.ID)
			}
			var staff struct {
				Items []struct{} `json:"items"`
			}
			require.Equal(t, http.StatusOK, get(t, base+"/api/v1/staff", "demo-root", &staff))
			require.Len(t, staff.Items, 7)
			var created actionView
			require.Equal(t, http.StatusCreated, post(t, base+"/api/v1/actions", "demo-alice", map[string]any{
				"title": "After a first start killed", "category": "request", "owner_id": "alice", "due_in": "4h",
			}, &created))
			require.Equal(t, "assigned", created.Status)
		})
	}
}

// TestKillDashNineDuringShiftHandover kills `handover dev` while a shift handover is handing over a
// supervisor's worth of actions one by one, starts it again on the same data directory, and checks
// that the shift handover carries on at once (the hand-over in flight at the kill is tried again
// after its missing heartbeats, not after its minute's timeout, with the rest of the shift waiting
// behind it), and that each action was handed over exactly once and accepted once.
func TestKillDashNineDuringShiftHandover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a real process; skipped with -short")
	}
	bin := buildBinary(t)
	dataDir := t.TempDir()
	httpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	temporalPort := strconv.Itoa(freePort(t))
	base := "http://" + httpAddr
	start := func() *exec.Cmd {
		return startDev(t, bin, dataDir, httpAddr, temporalPort, nil, "--no-temporal-ui")
	}
	type shiftView struct {
		ID    string `json:"id"`
		Done  bool   `json:"done"`
		Items []struct {
			ActionID   string `json:"action_id"`
			Status     string `json:"status"`
			HandoverID string `json:"handover_id"`
		} `json:"items"`
	}
	progress := func(id string) (sv shiftView, handed int) {
		// Right after the restart the worker may not answer the query yet: 503, tried again.
		if status := get(t, base+"/api/v1/shift-handovers/"+id, "demo-carol", &sv); status != http.StatusOK {
			require.Equal(t, http.StatusServiceUnavailable, status, "a progress read that fails is 503, never a 500")
			return sv, -1
		}
		for _, it := range sv.Items {
			if it.Status != "requested" {
				handed++
			}
		}
		return sv, handed
	}

	dev := start()
	const actions = 24
	ids := map[string]bool{}
	for i := range actions {
		var a actionView
		require.Equal(t, http.StatusCreated, post(t, base+"/api/v1/actions", "demo-alice", map[string]any{
			"title": fmt.Sprintf("Shift item %d", i), "category": "request", "owner_id": "alice", "due_in": "4h",
		}, &a))
		ids[a.ID] = true
	}
	shiftBody := map[string]any{"from_id": "alice", "to_id": "bob", "notes": "Early shift ends", "situation": "busy"}
	var started shiftView
	status, _ := postKeyed(t, base+"/api/v1/shift-handovers", "demo-carol", "shift-1", shiftBody, &started)
	require.Equal(t, http.StatusAccepted, status)
	require.Len(t, started.Items, actions)

	// Kill it with a few actions handed over and the rest to come.
	var handed int
	require.Eventually(t, func() bool {
		_, handed = progress(started.ID)
		return handed >= 3
	}, 60*time.Second, 5*time.Millisecond)
	require.Less(t, handed, actions, "the shift handover ended before the kill")
	require.NoError(t, dev.Process.Signal(syscall.SIGKILL))
	_ = dev.Wait()

	start()
	restarted := time.Now()
	var again shiftView
	require.Eventually(t, func() bool {
		// Answered from the shift handover's workflow, which may not answer yet: 503, tried again.
		status, _ = postKeyed(t, base+"/api/v1/shift-handovers", "demo-carol", "shift-1", shiftBody, &again)
		return status != http.StatusServiceUnavailable
	}, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, started.ID, again.ID, "the same key started a second shift handover")
	var sv shiftView
	require.Eventually(t, func() bool {
		sv, handed = progress(started.ID)
		return handed == actions
	}, 40*time.Second, 100*time.Millisecond, "%d of %d actions handed over 40 s after the restart", handed, actions)
	t.Logf("killed with some of %d actions handed over; the rest handed over %s after the restart", actions, time.Since(restarted).Round(100*time.Millisecond))

	for _, it := range sv.Items {
		require.Equal(t, "pending", it.Status, it.ActionID)
		var a actionView
		require.Equal(t, http.StatusOK, post(t, base+"/api/v1/actions/"+it.ActionID+"/accept", "demo-bob",
			map[string]any{"summary": "I take on the early shift's item"}, &a), it.ActionID)
		require.Equal(t, "bob", a.OwnerID)
	}
	require.Eventually(t, func() bool {
		sv, _ = progress(started.ID)
		return sv.Done
	}, 30*time.Second, 100*time.Millisecond)

	for id := range ids {
		var row, live actionView
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id, "demo-bob", &row))
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id+"?consistent=true", "demo-bob", &live))
		require.Equal(t, live, row, id)
		var tl struct {
			Items []struct {
				Seq  int64          `json:"seq"`
				Type string         `json:"type"`
				Data map[string]any `json:"data"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, get(t, base+"/api/v1/actions/"+id+"/events", "demo-bob", &tl))
		require.Len(t, tl.Items, int(row.Version), id)
		types := map[string]int{}
		for i, e := range tl.Items {
			require.Equal(t, int64(i+1), e.Seq, id)
			types[e.Type]++
			if e.Type == "handover_requested" {
				require.Equal(t, started.ID, e.Data["shift_handover_id"], id)
			}
		}
		require.Equal(t, 1, types["handover_requested"], "action %s handed over %d times", id, types["handover_requested"])
		require.Equal(t, 1, types["handover_accepted"], id)
	}
	var inbox struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, get(t, base+"/api/v1/me/notifications", "demo-bob", &inbox))
	requested := map[string]int{}
	for _, n := range inbox.Items {
		if n.Kind == "handover_requested" {
			requested[n.ActionID]++
		}
	}
	require.Len(t, requested, actions)
	for id, n := range requested {
		require.Equal(t, 1, n, id)
	}
}
