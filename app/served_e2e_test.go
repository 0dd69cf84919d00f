package app_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/temporalserver"
	"github.com/handover/handover/workflows"
)

// A read model holds the actions of one Temporal namespace, which the first process on it records.
// A worker given a new database beside a namespace that has actions, or an API or a worker given
// the read model of another namespace, refuses to start: going on, it would write and read actions
// apart from the rest of its deployment, in silence. `handover admin reproject` rebuilds a lost
// read model into a new database, which then serves the namespace.
func TestProcessesRefuseAnotherNamespacesReadModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	engine, err := temporalserver.Start(ctx, temporalserver.Config{DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = engine.Stop() })
	other, err := temporalserver.Start(ctx, temporalserver.Config{DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Stop() })
	readModel := func() (string, *models.Store) {
		url := modelstest.SQLiteURL(t)
		_, err := app.Migrate(ctx, app.Config{DatabaseURL: url}, log)
		require.NoError(t, err)
		return url, modelstest.Open(t, url)
	}
	ownURL, own := readModel()
	cfg := app.Config{DatabaseURL: ownURL, DatabaseWait: time.Minute, TemporalAddress: engine.HostPort(), TemporalNamespace: engine.Namespace(),
		TemporalWait: time.Minute, EncryptionKey: codec.NewKey(), CommandTimeout: 30 * time.Second, HTTPAddr: "127.0.0.1:0"}
	keys, err := cfg.Keyring()
	require.NoError(t, err)
	tc, err := client.DialContext(ctx, keys.ClientOptions(client.Options{HostPort: engine.HostPort(), Namespace: engine.Namespace()}))
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	// runWorker runs a worker on a read model until an action started meanwhile is written there.
	runWorker := func(cfg app.Config, store *models.Store) {
		t.Helper()
		run, stop := context.WithCancel(ctx)
		ended := make(chan error, 1)
		go func() { ended <- app.RunWorker(run, cfg, log) }()
		// Once it has recorded the namespace, or found it recorded: the namespace then has an
		// action its read model lacks, which before that would be another's read model.
		require.Eventually(t, func() bool { served, err := store.ServedNamespace(ctx); return err == nil && served != nil }, 30*time.Second, 20*time.Millisecond)
		id := uuid.NewString()
		_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(id), TaskQueue: workflows.TaskQueue},
			workflows.ActionWorkflowName, workflows.StartInput{ActionID: id, Title: "Late checkout", Category: "request", Priority: "normal",
				OwnerID: "alice", TeamID: "frontdesk", DueAt: time.Now().Add(time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}})
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			select {
			case err := <-ended:
				require.NoError(t, err, "the worker stopped")
			default:
			}
			_, err := store.GetAction(ctx, id)
			return err == nil
		}, 30*time.Second, 50*time.Millisecond)
		stop()
		require.NoError(t, <-ended)
	}

	// A new deployment: the first worker records the namespace, and runs.
	runWorker(cfg, own)
	served, err := own.ServedNamespace(ctx)
	require.NoError(t, err)
	require.NotNil(t, served)
	require.Equal(t, engine.Namespace(), served.Namespace)

	// A worker given a new database beside it: refused before it takes any task, naming why.
	emptyURL, empty := readModel()
	withEmpty := cfg
	withEmpty.DatabaseURL = emptyURL
	// Bounded: a process that is not refused runs until its context ends (and passes nil).
	refused, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = app.RunWorker(refused, withEmpty, log)
	require.ErrorIs(t, err, app.ErrOtherReadModel)
	require.ErrorContains(t, err, "it holds no action, while namespace \""+engine.Namespace()+"\" holds some")
	require.ErrorContains(t, err, "handover admin reproject")
	served, err = empty.ServedNamespace(ctx)
	require.NoError(t, err)
	require.Nil(t, served, "nothing recorded in it")

	// The read model of this namespace, given to processes of another (another Temporal's): each
	// refuses, as reproject does.
	onOther := cfg
	onOther.TemporalAddress, onOther.TemporalNamespace = other.HostPort(), other.Namespace()
	for name, run := range map[string]func(context.Context, app.Config, *slog.Logger) error{"api": app.RunAPI, "worker": app.RunWorker} {
		err = run(refused, onOther, log)
		require.ErrorIs(t, err, app.ErrOtherReadModel, name)
		require.ErrorContains(t, err, "it holds the actions of Temporal namespace", name)
	}
	_, err = app.Reproject(ctx, onOther, own, log, false)
	require.ErrorIs(t, err, app.ErrOtherReadModel)
	before, err := own.ServedNamespace(ctx)
	require.NoError(t, err)

	// A lost read model rebuilt into the new database: it serves the namespace from then on.
	res, err := app.Reproject(ctx, withEmpty, empty, log, false)
	require.NoError(t, err)
	require.Equal(t, 1, res.Actions)
	runWorker(withEmpty, empty)

	// Told to, a read model serves another namespace from then on (one set up anew).
	_, err = app.Reproject(ctx, onOther, own, log, true)
	require.NoError(t, err)
	after, err := own.ServedNamespace(ctx)
	require.NoError(t, err)
	require.NotEqual(t, before.NamespaceID, after.NamespaceID)
	require.Equal(t, other.Namespace(), after.Namespace)
	err = app.RunAPI(refused, cfg, log)
	require.ErrorIs(t, err, app.ErrOtherReadModel, "the namespace it served before is refused now")

	// `dev` with another data directory's read model (HANDOVER_DATABASE_URL shared): refused too.
	_, err = app.StartDev(ctx, app.DevConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", DatabaseURL: ownURL, NoTemporalUI: true})
	require.ErrorIs(t, err, app.ErrOtherReadModel)
}
