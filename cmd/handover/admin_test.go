package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/keyuse"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/pii"
)

// The admin command applies the API's rules to what it creates, refuses a read model that is not
// there or not migrated, and names what is wrong.
func TestAdminChecksWhatItIsGiven(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(os.Environ(), "HANDOVER_DATABASE_URL="), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run(nil, "admin", "add-team", "desk", "Desk", "--data", filepath.Join(dir, "missing"))
	require.Error(t, err)
	require.Contains(t, out, "no read model in")
	_, statErr := os.Stat(filepath.Join(dir, "missing"))
	require.ErrorIs(t, statErr, os.ErrNotExist, "nothing was created")
	// Without --data, the data directory is HANDOVER_DATA_DIR's, as for dev.
	out, err = run([]string{"HANDOVER_DATA_DIR=" + filepath.Join(dir, "elsewhere")}, "admin", "add-team", "desk", "Desk")
	require.Error(t, err)
	require.Contains(t, out, "no read model in "+filepath.Join(dir, "elsewhere"))

	url := "HANDOVER_DATABASE_URL=sqlite:" + filepath.Join(dir, "readmodel.db")
	out, err = run([]string{url}, "admin", "add-team", "desk", "Desk")
	require.Error(t, err, "a read model that is not migrated")
	require.Contains(t, out, "handover migrate")
	out, err = run([]string{url}, "migrate")
	require.NoError(t, err, out)
	require.Regexp(t, `read model migrated to schema version \d+ \(\d+ migrations applied\)`, out)
	out, err = run([]string{url}, "migrate")
	require.NoError(t, err, out)
	require.Regexp(t, `read model already at schema version \d+: nothing to apply`, out, "run again, it says it did nothing")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"admin", "add-team", "Bad Team!", "X"}, "id:"},
		{[]string{"admin", "add-team", "desk", " "}, "name:"},
		{[]string{"admin", "add-staff", "kim", "Kim", "--role", "wizard"}, "--role: must be one of"},
		{[]string{"admin", "add-staff", "kim", "Kim", "--authority", "99"}, "--authority: must be from 0 to 10"},
		{[]string{"admin", "add-staff", "kim", "Kim"}, "--team: agents and supervisors belong to a team"},
		{[]string{"admin", "add-staff", "Kim Lee", "Kim"}, "ID: "},
		{[]string{"admin", "revoke-tokens", "nobody"}, "not found"},
	} {
		out, err := run([]string{url}, tc.args...)
		require.Error(t, err, "%v", tc.args)
		require.Contains(t, out, tc.want, "%v", tc.args)
	}
	out, err = run([]string{url}, "admin", "add-team", "desk", "Desk")
	require.NoError(t, err, out)
	out, err = run([]string{url}, "admin", "add-staff", "kim", "Kim", "--team", "desk", "--authority", "2")
	require.NoError(t, err, out)
	out, err = run([]string{url}, "admin", "issue-token", "kim")
	require.NoError(t, err, out)
	out, err = run([]string{url}, "admin", "issue-token", "kim", "--label", "till 2")
	require.NoError(t, err, out)
	out, err = run([]string{url}, "admin", "revoke-tokens", "kim", "--label", "till 3")
	require.Error(t, err)
	require.Contains(t, out, `no live token of kim is labelled "till 3": nothing revoked (their labels: "", "till 2")`, "the labels there are, as the API says them")
	out, err = run([]string{url}, "admin", "revoke-tokens", "kim", "--label", "till 2")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 token(s) of kim revoked")
	out, err = run([]string{url}, "admin", "revoke-tokens", "kim")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 token(s) of kim revoked", "the one without a label")
	// Each change is in the audit trail as the admin command's; the refused ones are not.
	store := modelstest.Open(t, "sqlite:"+filepath.Join(dir, "readmodel.db"))
	trail, _, err := store.AuditTrail(context.Background(), models.AuditFilter{Limit: 10})
	require.NoError(t, err)
	var kinds []string
	for _, e := range trail {
		require.Equal(t, models.AdminCommand, e.ActorID)
		kinds = append(kinds, e.Kind+" "+e.Subject)
	}
	require.Equal(t, []string{"tokens_revoked kim", "tokens_revoked kim", "token_issued kim", "token_issued kim", "staff_created kim", "team_created desk"}, kinds)
	// rewrap-keys needs the key (pii's tests rotate and rewrap real customer keys).
	out, err = run([]string{url, "HANDOVER_ENCRYPTION_KEY="}, "admin", "rewrap-keys", "--data", filepath.Join(dir, "nokey"))
	require.Error(t, err)
	require.Contains(t, out, "no HANDOVER_ENCRYPTION_KEY and no key file in "+filepath.Join(dir, "nokey")+": set HANDOVER_ENCRYPTION_KEY to the api and worker processes' key, or give --data")
	out, err = run([]string{url, "HANDOVER_ENCRYPTION_KEY=" + codec.NewKey()}, "admin", "rewrap-keys")
	require.NoError(t, err, out)
	require.Contains(t, out, "nothing to rewrap: every customer key is wrapped by key ", "nothing moved is said so, not as 0 keys wrapped")
}

// rewrap-keys moves customers' data keys to the current key only once the operator names that key
// by its ID: a key in the admin's shell that no api or worker holds (mistyped, stale, another
// environment's) would otherwise lock every customer's data away from them, irrecoverably once that
// key is gone. A wrong ID is refused as well; nothing is moved until the right one is given.
func TestAdminRewrapNamesItsKey(t *testing.T) {
	bin := buildBinary(t)
	url := modelstest.SQLiteURL(t)
	ctx := context.Background()
	first, second := codec.NewKey(), codec.NewKey()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HANDOVER_DATABASE_URL="+url, "HANDOVER_ENCRYPTION_KEY="+second, "HANDOVER_ENCRYPTION_OLD_KEYS="+first)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("migrate")
	require.NoError(t, err, out)

	store, err := models.Open(url, nil)
	require.NoError(t, err)
	defer store.Close()
	before, err := codec.NewKeyring(first)
	require.NoError(t, err)
	name := "Ms Patel"
	require.NoError(t, (&pii.Sealer{Keys: before, Store: store}).Seal(ctx, "G-1", &name))
	after, err := codec.NewKeyring(second)
	require.NoError(t, err)
	wrappedBy := func() map[string]int64 {
		w, err := store.CustomerKeysByWrapper(ctx)
		require.NoError(t, err)
		return w
	}

	out, err = run("admin", "rewrap-keys")
	require.Error(t, err, "no key named")
	require.Contains(t, out, "1 customer key(s) would be wrapped by key "+after.CurrentKeyID())
	require.Contains(t, out, "--to "+after.CurrentKeyID())
	out, err = run("admin", "rewrap-keys", "--to", before.CurrentKeyID())
	require.Error(t, err, "not the current key")
	require.Contains(t, out, "is not the current key")
	require.Equal(t, map[string]int64{before.CurrentKeyID(): 1}, wrappedBy(), "nothing moved")

	out, err = run("admin", "rewrap-keys", "--to", after.CurrentKeyID())
	require.NoError(t, err, out)
	require.Contains(t, out, "1 customer key(s) now wrapped by key "+after.CurrentKeyID())
	require.Equal(t, map[string]int64{after.CurrentKeyID(): 1}, wrappedBy())
	out, err = run("admin", "rewrap-keys")
	require.NoError(t, err, "nothing left to move needs no --to: %s", out)
}

// `admin webhooks list` shows the deliveries that failed, and `admin webhooks redeliver` sends them
// to the configured webhook, signed, and says how many got through; without a webhook it says
// what is missing and sends nothing.
func TestAdminRedeliversFailedWebhooks(t *testing.T) {
	run, store := adminOnSQLite(t)
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"a1/2/handover_requested/bob", "a2/4/escalated/role:supervisor@desk", "erasure/G-1/2026-12-03T09:00:00Z"} {
		action := id[:2]
		if strings.HasPrefix(id, "erasure/") {
			action = "" // a customer's erasure names no action
		}
		ev, err := json.Marshal(activities.WebhookEvent{ID: id, Type: "action.handover_requested", ActionID: action, Message: "m"})
		require.NoError(t, err)
		require.NoError(t, store.WebhookFailed(context.Background(), models.WebhookDelivery{
			ID: id, ActionID: action, Event: string(ev), LastError: "webhook answered 503 Service Unavailable", LastAttemptAt: at,
		}))
	}

	out, err := run(nil, "admin", "webhooks", "list")
	require.NoError(t, err, out)
	require.Contains(t, out, "a1/2/handover_requested/bob\taction a1\t1 attempt(s)\tfailing since 2026-12-03T09:00:00Z")
	require.Contains(t, out, "erasure/G-1/2026-12-03T09:00:00Z\ta customer's erasure\t1 attempt(s)")
	require.Contains(t, out, "503 Service Unavailable")
	require.Contains(t, out, "3 undelivered webhook(s)")
	out, err = run(nil, "admin", "webhooks", "list", "--action", "a2")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 undelivered webhook(s)")

	out, err = run(nil, "admin", "webhooks", "redeliver")
	require.Error(t, err)
	require.Contains(t, out, "no webhook is configured")
	require.NotContains(t, out, "webhook(s) delivered", "no count of a redelivery that never started")

	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !activities.Verify("0123456789abcdef", r.Header.Get(activities.HeaderTimestamp), body, r.Header.Get(activities.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Header.Get(activities.HeaderEventID))
	}))
	defer srv.Close()
	hook := []string{"HANDOVER_WEBHOOK_URL=" + srv.URL, "HANDOVER_WEBHOOK_SECRET=0123456789abcdef"}
	out, err = run(hook, "admin", "webhooks", "redeliver", "--action", "a2")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 webhook(s) delivered, 0 failed again, 0 held back behind one of their action that failed")
	out, err = run(hook, "admin", "webhooks", "redeliver")
	require.NoError(t, err, out)
	require.Contains(t, out, "2 webhook(s) delivered, 0 failed again, 0 held back behind one of their action that failed")
	mu.Lock()
	require.ElementsMatch(t, []string{"a2/4/escalated/role:supervisor@desk", "a1/2/handover_requested/bob", "erasure/G-1/2026-12-03T09:00:00Z"}, got)
	require.Equal(t, "a2/4/escalated/role:supervisor@desk", got[0], "the action asked for first")
	mu.Unlock()
	out, err = run(nil, "admin", "webhooks", "list")
	require.NoError(t, err, out)
	require.Contains(t, out, "0 undelivered webhook(s)")
}

// `admin webhooks redeliver` signs as the workers do: with HANDOVER_WEBHOOK_PREVIOUS_SECRET set
// (the secret being changed), each delivery carries the new secret's signature and then the
// previous one's, so a receiver that still has the old secret accepts it; one the same as the
// secret is refused before anything is sent, naming neither secret's value.
func TestAdminRedeliverSignsWithThePreviousSecretToo(t *testing.T) {
	const secret, previous = "the-new-secret-0123456789", "the-old-secret-0123456789"
	run, store := adminOnSQLite(t)
	ev, err := json.Marshal(activities.WebhookEvent{ID: "a1/2/handover_requested/bob", Type: "action.handover_requested", ActionID: "a1", Seq: 2})
	require.NoError(t, err)
	require.NoError(t, store.WebhookFailed(context.Background(), models.WebhookDelivery{
		ID: "a1/2/handover_requested/bob", ActionID: "a1", Seq: 2, Event: string(ev), LastError: "webhook answered 401 Unauthorized",
		LastAttemptAt: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
	}))

	type delivery struct {
		signature, timestamp string
		body                 []byte
	}
	received := make(chan delivery, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		d := delivery{r.Header.Get(activities.HeaderSignature), r.Header.Get(activities.HeaderTimestamp), body}
		select {
		case received <- d:
		default:
		}
		// The receiver has not been given the new secret yet.
		if !activities.Verify(previous, d.timestamp, body, d.signature) {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	hook := []string{"HANDOVER_WEBHOOK_URL=" + srv.URL, "HANDOVER_WEBHOOK_SECRET=" + secret}

	out, err := run(append(hook, "HANDOVER_WEBHOOK_PREVIOUS_SECRET="+secret), "admin", "webhooks", "redeliver")
	require.Error(t, err)
	require.Contains(t, out, "HANDOVER_WEBHOOK_PREVIOUS_SECRET is the same as HANDOVER_WEBHOOK_SECRET")
	require.NotContains(t, out, secret)
	require.Empty(t, received, "nothing was sent")

	out, err = run(append(hook, "HANDOVER_WEBHOOK_PREVIOUS_SECRET="+previous), "admin", "webhooks", "redeliver")
	require.NoError(t, err, out)
	require.Contains(t, out, "1 webhook(s) delivered, 0 failed again")
	d := <-received
	parts := strings.Split(d.signature, ", ")
	require.Len(t, parts, 2, d.signature)
	require.True(t, activities.Verify(secret, d.timestamp, d.body, parts[0]), "the new secret's first: %s", d.signature)
	require.True(t, activities.Verify(previous, d.timestamp, d.body, parts[1]), "then the previous one's: %s", d.signature)
	require.False(t, activities.Verify(previous, d.timestamp, d.body, parts[0]))
	require.False(t, activities.Verify(secret, d.timestamp, d.body, parts[1]))
}

// The key report says of each key what still needs it: the current key's use, an earlier key
// needed by open runs, closed runs (until when their histories are kept) or customer keys, one
// that nothing needs and can go, and a key no process here holds that a history still needs.
func TestKeyReportSaysWhatNeedsEachKey(t *testing.T) {
	closed := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	u := keyuse.Usage{Runs: 40, Open: 30, Retention: 30 * 24 * time.Hour, Keys: []keyuse.Key{
		{ID: "cur", OpenRuns: 28, Open: []string{"action/a"}, ClosedRuns: 5, LastClosed: closed},
		{ID: "old1", OpenRuns: 12, Open: []string{"action/b", "action/c"}, ClosedRuns: 2, LastClosed: closed},
		{ID: "lost", OpenRuns: 1, Open: []string{"action/z"}},
	}}
	got := keyReport(u, "cur", []string{"old1", "old2", "old3"}, map[string]int64{"cur": 7, "old3": 4})
	require.Equal(t, []string{
		"40 workflow run(s) read, 30 open; Temporal keeps a closed run's history for 30 days; 11 customer key(s) stored",
		"key cur (current): 28 open run(s) (action/a and 27 more); 5 closed run(s), whose histories are kept until 2026-12-31T10:00:00Z; 7 customer key(s) it wraps",
		"key old1 (old): needed by 12 open run(s) (action/b, action/c and 10 more); 2 closed run(s), whose histories are kept until 2026-12-31T10:00:00Z: keep it in HANDOVER_ENCRYPTION_OLD_KEYS",
		"key old2 (old): nothing needs it: it can leave HANDOVER_ENCRYPTION_OLD_KEYS",
		"key old3 (old): needed by 4 customer key(s) it wraps: keep it in HANDOVER_ENCRYPTION_OLD_KEYS; run `handover admin rewrap-keys` for the customer keys",
		"key lost (not among this process's keys): needed by 1 open run(s) (action/z), which nothing here can read: give it back in HANDOVER_ENCRYPTION_OLD_KEYS",
	}, got)
	require.Equal(t, "key new (current): nothing written under it yet", keyReport(keyuse.Usage{Retention: 36 * time.Hour}, "new", nil, nil)[1])
	require.Contains(t, keyReport(keyuse.Usage{Retention: 36 * time.Hour}, "new", nil, nil)[0], "for 36h0m0s; 0 customer key(s) stored",
		"none is said, not left out")
}

// adminOnSQLite builds the binary and migrates a SQLite read model of its own, with a new key:
// run runs the binary on them, with no webhook settings but those env gives.
func adminOnSQLite(t *testing.T) (run func(env []string, args ...string) (string, error), store *models.Store) {
	t.Helper()
	bin := buildBinary(t)
	dir := t.TempDir()
	url := "HANDOVER_DATABASE_URL=sqlite:" + filepath.Join(dir, "readmodel.db")
	key := "HANDOVER_ENCRYPTION_KEY=" + codec.NewKey()
	run = func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(os.Environ(), url, key, "HANDOVER_WEBHOOK_URL=", "HANDOVER_WEBHOOK_SECRET=", "HANDOVER_WEBHOOK_PREVIOUS_SECRET="), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(nil, "migrate")
	require.NoError(t, err, out)
	return run, modelstest.Open(t, "sqlite:"+filepath.Join(dir, "readmodel.db"))
}
