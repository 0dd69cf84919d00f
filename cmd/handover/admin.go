package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/app"
	"github.com/handover/handover/keyuse"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// configWithKey is the configuration with its encryption key: HANDOVER_ENCRYPTION_KEY, or the key
// file `handover dev` keeps in dataDir. On dev's own read model (no HANDOVER_DATABASE_URL) and
// without HANDOVER_TEMPORAL_ADDRESS, Temporal is the one the running `handover dev` of dataDir
// started, on whatever port, as it wrote there (and removes as it stops).
func configWithKey(dataDir string) (app.Config, error) {
	cfg, err := loadConfig()
	if err != nil {
		return cfg, err
	}
	if _, set := os.LookupEnv("HANDOVER_TEMPORAL_ADDRESS"); !set && cfg.DatabaseURL == "" {
		path := filepath.Join(dataDir, app.TemporalAddressFileName)
		if addr, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(addr)) != "" {
			cfg.TemporalAddress = strings.TrimSpace(string(addr))
			cfg.Logger().Info("temporal address from the data directory", "temporal", cfg.TemporalAddress, "file", path)
		}
	}
	if cfg.EncryptionKey == "" {
		key, err := os.ReadFile(filepath.Join(dataDir, app.KeyFileName))
		if err != nil {
			return cfg, fmt.Errorf("no HANDOVER_ENCRYPTION_KEY and no key file in %s: set HANDOVER_ENCRYPTION_KEY to the api and worker processes' key, or give --data the data directory of the handover dev that made it (%w)", dataDir, err)
		}
		cfg.EncryptionKey = strings.TrimSpace(string(key))
	}
	return cfg, nil
}

// sealerOf is the configuration with its key (configWithKey) and the sealer of customers' data
// that key opens, on store.
func sealerOf(dataDir string, store *models.Store) (app.Config, *pii.Sealer, error) {
	cfg, err := configWithKey(dataDir)
	if err != nil {
		return cfg, nil, err
	}
	keys, err := cfg.Keyring()
	if err != nil {
		return cfg, nil, err
	}
	return cfg, &pii.Sealer{Keys: keys, Store: store}, nil
}

// newAdminCmd groups the commands that manage staff, teams and tokens directly in the read
// model: HANDOVER_DATABASE_URL, or the read model of `handover dev` in --data.
func newAdminCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Manage teams, staff and API tokens",
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", ".handover", "data directory of handover dev, when HANDOVER_DATABASE_URL is not set (env HANDOVER_DATA_DIR)")

	withStore := func(run storeCommand) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			url := cfg.DatabaseURL
			dataDir = dataDirOf(cmd, dataDir, cfg)
			if url == "" {
				path := filepath.Join(dataDir, "readmodel.db")
				if _, err := os.Stat(path); err != nil {
					return fmt.Errorf("no read model in %s (start `handover dev --data %s` once, or set HANDOVER_DATABASE_URL): %w", dataDir, dataDir, err)
				}
				url = "sqlite:" + path
			}
			// Like api and worker, on a schema `handover migrate` has brought up to date only.
			store, err := app.OpenCurrent(cmd.Context(), url, cfg.Logger())
			if err != nil {
				if cfg.DatabaseURL != "" {
					return app.DatabaseURLError(err)
				}
				return err
			}
			defer store.Close()
			return run(cmd.Context(), cmd, store, args)
		}
	}

	addTeam := &cobra.Command{
		Use:   "add-team ID NAME",
		Short: "Create a team",
		Args:  cobra.ExactArgs(2),
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, args []string) error {
			t := models.Team{ID: args[0], Name: args[1]}
			if err := models.CheckTeam(t); err != nil {
				return err
			}
			if err := store.CreateTeam(ctx, models.AdminCommand, t); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "team %s created\n", args[0])
			return nil
		}),
	}

	var staff models.Staff
	var team string
	addStaff := &cobra.Command{
		Use:   "add-staff ID NAME",
		Short: "Add a member of staff (or an integration, with --role service)",
		Args:  cobra.ExactArgs(2),
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, args []string) error {
			staff.ID, staff.Name, staff.Active, staff.OnShift = args[0], args[1], true, true
			if team != "" {
				staff.TeamID = &team
			}
			if err := models.CheckStaff(staff); err != nil {
				return flagWords(err, map[string]string{"team_id": "--team", "role": "--role", "authority": "--authority", "id": "ID", "name": "NAME"})
			}
			if team != "" {
				if _, err := store.GetTeam(ctx, team); err != nil {
					return err
				}
			}
			if err := store.CreateStaff(ctx, models.AdminCommand, staff); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s created\n", staff.Role, staff.ID)
			return nil
		}),
	}
	addStaff.Flags().StringVar(&staff.Role, "role", "agent", "agent, supervisor, manager, admin or service")
	addStaff.Flags().StringVar(&team, "team", "", "team ID")
	addStaff.Flags().IntVar(&staff.Authority, "authority", 0, "authority level (0-10)")

	var label string
	issueToken := &cobra.Command{
		Use:   "issue-token STAFF_ID",
		Short: "Issue a bearer token; it is printed once and stored only as a hash",
		Args:  cobra.ExactArgs(1),
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, args []string) error {
			token, err := store.IssueToken(ctx, models.AdminCommand, args[0], label)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), token)
			return nil
		}),
	}
	issueToken.Flags().StringVar(&label, "label", "", "a note on what the token is for")

	var revokeLabel string
	revoke := &cobra.Command{
		Use:   "revoke-tokens STAFF_ID",
		Short: "Revoke every token of a member of staff, or with --label those of one label",
		Args:  cobra.ExactArgs(1),
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, args []string) error {
			if _, err := store.GetStaff(ctx, args[0]); err != nil {
				return err
			}
			var labelled []string
			if cmd.Flags().Changed("label") {
				labelled = []string{revokeLabel}
			}
			n, err := store.RevokeTokens(ctx, models.AdminCommand, args[0], labelled...)
			if err != nil {
				return err
			}
			if len(labelled) > 0 && n == 0 {
				live, err := store.LiveTokens(ctx, args[0])
				if err != nil {
					return err
				}
				return errors.New(models.NoSuchLabel(args[0], revokeLabel, live))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d token(s) of %s revoked\n", n, args[0])
			return nil
		}),
	}
	revoke.Flags().StringVar(&revokeLabel, "label", "", "revoke only the live tokens with this label (an integration's old token, once its new one is in use)")
	var takeOver bool
	reprojectCmd := &cobra.Command{
		Use:   "reproject",
		Short: "Rebuild the read model's actions and timelines from the workflows Temporal keeps (open and closed)",
		Long: "Replays every action workflow's history from HANDOVER_TEMPORAL_ADDRESS and writes its state and\n" +
			"timeline again, idempotently. The key is HANDOVER_ENCRYPTION_KEY, or the key file of `handover dev`\n" +
			"in --data. Staff, teams, tokens and policies are not in the workflows: restore them from a backup.\n" +
			"A new read model (a lost one rebuilt) serves the namespace from then on; one that serves another\n" +
			"namespace is refused, unless --take-over says it is to serve this one instead.",
		Args: cobra.NoArgs,
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, _ []string) error {
			cfg, err := configWithKey(dataDir)
			if err != nil {
				return err
			}
			res, err := app.Reproject(ctx, cfg, store, cfg.Logger(), takeOver)
			if res.Runs > 0 || len(res.Failed) > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "read model rebuilt: %d workflow runs, %d actions, %d events; %d runs could not be replayed\n",
					res.Runs, res.Actions, res.Events, len(res.Failed))
			}
			return err
		}),
	}
	reprojectCmd.Flags().BoolVar(&takeOver, "take-over", false, "serve the configured Temporal namespace from now on where the read model serves another (a namespace set up anew, on a new cluster): api and worker refuse a read model of another namespace")
	var rewrapTo string
	rewrap := &cobra.Command{
		Use:   "rewrap-keys --to KEY_ID",
		Short: "Wrap every customer's data key with the current encryption key, so that earlier keys can be retired",
		Long: "After a rotation (the new key in HANDOVER_ENCRYPTION_KEY, the earlier ones in HANDOVER_ENCRYPTION_OLD_KEYS),\n" +
			"customers' data keys stay wrapped by the key that made them. This wraps them with the current key; once it\n" +
			"has run, an earlier key is needed only for the workflow histories it encrypted (kept 30 days). Safe to run\n" +
			"again, and while the product runs. --to names the current key by its ID (each api and worker logs its own\n" +
			"as encryption_key_id at start), so that a key in this shell that no process holds wraps nothing.",
		Args: cobra.NoArgs,
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, _ []string) error {
			_, sealer, err := sealerOf(dataDir, store)
			if err != nil {
				return err
			}
			if err := confirmRewrap(ctx, store, sealer.Keys.CurrentKeyID(), rewrapTo); err != nil {
				return err
			}
			n, err := sealer.Rewrap(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				// Nothing was moved: "0 now wrapped" read as if the keys had been lost.
				fmt.Fprintf(cmd.OutOrStdout(), "nothing to rewrap: every customer key is wrapped by key %s already\n", sealer.Keys.CurrentKeyID())
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d customer key(s) now wrapped by key %s\n", n, sealer.Keys.CurrentKeyID())
			return nil
		}),
	}
	rewrap.Flags().StringVar(&rewrapTo, "to", "", "the ID of the current encryption key (encryption_key_id in the api's and workers' start-up log)")
	keysCmd := &cobra.Command{
		Use:   "keys",
		Short: "Say what still needs each encryption key, so that an earlier one can be retired",
		Long: "Reads every workflow history HANDOVER_TEMPORAL_ADDRESS keeps (open and closed, as reproject does) and the\n" +
			"customers' data keys in the read model, and says for each encryption key the open runs whose histories hold\n" +
			"payloads it encrypted (the worker replays them), until when closed ones that do are kept, and how many\n" +
			"customer keys it wraps. An earlier key that nothing needs can leave HANDOVER_ENCRYPTION_OLD_KEYS. The keys\n" +
			"are HANDOVER_ENCRYPTION_KEY and HANDOVER_ENCRYPTION_OLD_KEYS, or the key file of `handover dev` in --data.",
		Args: cobra.NoArgs,
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, _ []string) error {
			cfg, sealer, err := sealerOf(dataDir, store)
			if err != nil {
				return err
			}
			usage, err := app.KeyUsage(ctx, cfg, cfg.Logger())
			if err != nil {
				return err
			}
			wrapped, err := store.CustomerKeysByWrapper(ctx)
			if err != nil {
				return err
			}
			for _, line := range keyReport(usage, sealer.Keys.CurrentKeyID(), sealer.Keys.OldKeyIDs(), wrapped) {
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			return nil
		}),
	}
	cmd.AddCommand(addTeam, addStaff, issueToken, revoke, reprojectCmd, rewrap, keysCmd, newWebhooksCmd(withStore, &dataDir))
	return cmd
}

// keyReport says, key by key, what still needs each one: the current key, the earlier keys this
// process holds, then any other key a history or a customer key names (one nothing here can open).
func keyReport(u keyuse.Usage, current string, old []string, wrapped map[string]int64) []string {
	customers := int64(0)
	for _, n := range wrapped {
		customers += n
	}
	lines := []string{fmt.Sprintf("%d workflow run(s) read, %d open; Temporal keeps a closed run's history for %s; %d customer key(s) stored",
		u.Runs, u.Open, daysText(u.Retention), customers)}
	ids := append([]string{current}, old...)
	for _, k := range u.Keys {
		if !slices.Contains(ids, k.ID) {
			ids = append(ids, k.ID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(wrapped)) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		k := u.Key(id)
		var needs []string
		if k.OpenRuns > 0 {
			named := strings.Join(k.Open, ", ")
			if more := k.OpenRuns - len(k.Open); more > 0 {
				named += fmt.Sprintf(" and %d more", more)
			}
			needs = append(needs, fmt.Sprintf("%d open run(s) (%s)", k.OpenRuns, named))
		}
		if k.ClosedRuns > 0 {
			needs = append(needs, fmt.Sprintf("%d closed run(s), whose histories are kept until %s", k.ClosedRuns, k.LastClosed.Add(u.Retention).UTC().Format(time.RFC3339)))
		}
		if n := wrapped[id]; n > 0 {
			needs = append(needs, fmt.Sprintf("%d customer key(s) it wraps", n))
		}
		what := strings.Join(needs, "; ")
		switch {
		case id == current && what == "":
			lines = append(lines, fmt.Sprintf("key %s (current): nothing written under it yet", id))
		case id == current:
			lines = append(lines, fmt.Sprintf("key %s (current): %s", id, what))
		case slices.Contains(old, id) && what == "":
			lines = append(lines, fmt.Sprintf("key %s (old): nothing needs it: it can leave HANDOVER_ENCRYPTION_OLD_KEYS", id))
		case slices.Contains(old, id):
			advice := "keep it in HANDOVER_ENCRYPTION_OLD_KEYS"
			if wrapped[id] > 0 {
				advice += "; run `handover admin rewrap-keys` for the customer keys"
			}
			lines = append(lines, fmt.Sprintf("key %s (old): needed by %s: %s", id, what, advice))
		default:
			lines = append(lines, fmt.Sprintf("key %s (not among this process's keys): needed by %s, which nothing here can read: give it back in HANDOVER_ENCRYPTION_OLD_KEYS", id, what))
		}
	}
	return lines
}

// daysText says a retention in days when it is whole days ("30 days"), else as a duration.
func daysText(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

// confirmRewrap refuses a rewrap whose target key the operator has not named: wrapped by a key no
// api or worker holds (a mistyped or stale HANDOVER_ENCRYPTION_KEY in the admin's shell), every
// customer's data would be unreadable to them and their next start refused, with no way back
// once that key is lost. Nothing to move needs no confirmation.
func confirmRewrap(ctx context.Context, store *models.Store, current, to string) error {
	if to != "" && to != current {
		return fmt.Errorf("--to %s is not the current key: HANDOVER_ENCRYPTION_KEY here is key %s; nothing was rewrapped", to, current)
	}
	wrappers, err := store.CustomerKeysByWrapper(ctx)
	if err != nil {
		return err
	}
	var moving int64
	for id, n := range wrappers {
		if id != current {
			moving += n
		}
	}
	if moving > 0 && to == "" {
		return fmt.Errorf("%d customer key(s) would be wrapped by key %s, the HANDOVER_ENCRYPTION_KEY here; check that every api "+
			"and worker logs it at start (encryption_key_id, or among old_key_ids), then run again with --to %s", moving, current, current)
	}
	return nil
}

// storeCommand is what an admin command runs with the read model open.
type storeCommand = func(ctx context.Context, cmd *cobra.Command, store *models.Store, args []string) error

// newWebhooksCmd groups the commands on webhook deliveries that failed: listing them, and sending
// them again once the integration is back.
func newWebhooksCmd(withStore func(storeCommand) func(*cobra.Command, []string) error, dataDir *string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "List the webhook deliveries that failed, and send them again",
	}
	var actionID string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the webhook deliveries that failed and have not got through since, action by action in timeline order",
		Args:  cobra.NoArgs,
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, _ []string) error {
			out := cmd.OutOrStdout()
			total := 0
			err := store.EachUndeliveredWebhook(ctx, actionID, func(d models.WebhookDelivery) error {
				total++
				of := "action " + d.ActionID
				if d.ActionID == "" {
					of = "a customer's erasure" // customer.erased names no action
				}
				_, err := fmt.Fprintf(out, "%s\t%s\t%d attempt(s)\tfailing since %s\tlast %s: %s\n", d.ID, of,
					d.Attempts, d.FailedAt.UTC().Format(time.RFC3339), d.LastAttemptAt.UTC().Format(time.RFC3339), d.LastError)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d undelivered webhook(s)\n", total)
			return nil
		}),
	}
	redeliver := &cobra.Command{
		Use:   "redeliver",
		Short: "Send again every webhook delivery that failed and has not got through since",
		Long: "Sends each one again, action by action and each action's in timeline order, to HANDOVER_WEBHOOK_URL signed with HANDOVER_WEBHOOK_SECRET (and\n" +
			"HANDOVER_WEBHOOK_PREVIOUS_SECRET while the secret is being changed), as the workers do, with its own event ID: a receiver that\n" +
			"got it after all drops it by that ID. One that fails again stays listed. Personal data is opened with HANDOVER_ENCRYPTION_KEY,\n" +
			"or the key file of `handover dev` in --data; an erased customer's goes out as \"[erased]\".",
		Args: cobra.NoArgs,
		RunE: withStore(func(ctx context.Context, cmd *cobra.Command, store *models.Store, _ []string) error {
			cfg, sealer, err := sealerOf(*dataDir, store)
			if err != nil {
				return err
			}
			acts := &activities.Activities{Store: store, Webhook: cfg.Webhook(), Sealer: sealer}
			res, err := acts.Redeliver(ctx, actionID)
			if err != nil && res.Sent+res.Failed == 0 {
				return err // nothing was sent (no webhook configured, the read model unreadable): no count to give
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d webhook(s) delivered, %d failed again, %d held back behind one of their action that failed, %d message(s) to customers not sent: given to someone to tell by hand\n", res.Sent, res.Failed, res.HeldBack, res.ByHand)
			if err != nil {
				return err
			}
			if res.Failed > 0 {
				return fmt.Errorf("%d webhook(s) not delivered, the last: %s", res.Failed, res.LastError)
			}
			return nil
		}),
	}
	for _, c := range []*cobra.Command{list, redeliver} {
		c.Flags().StringVar(&actionID, "action", "", "only the deliveries of this action")
	}
	cmd.AddCommand(list, redeliver)
	return cmd
}

// flagWords names a refused field of a command line by its flag or argument, as the person typed
// it, where the rule that refused it names the API's field ("team_id: ..." reads "--team: ...").
func flagWords(err error, flags map[string]string) error {
	field, rest, ok := strings.Cut(err.Error(), ": ")
	if flag, known := flags[field]; ok && known {
		return fmt.Errorf("%s: %s", flag, rest)
	}
	return err
}
