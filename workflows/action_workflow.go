package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// projectionRetryDelay is how long the workflow waits before trying a failed projection again.
// Commands keep working meanwhile; the read model catches up when the database is back. From
// revision 6 the wait doubles with each failure in a row, up to projectionRetryMax, so that a long
// outage fills the history slowly.
const (
	projectionRetryDelay = 5 * time.Second
	projectionRetryMax   = time.Minute
)

// versionDeadlines guards the change that added deadline timers and notifications: actions
// started before it replay without them.
const versionDeadlines = "deadlines-and-notifications"

// versionInboxInProjection guards the change that writes inbox records with the projection, in
// the same local activity and transaction as the events, instead of one Notify activity (and one
// more workflow task) per notification; Notify is then scheduled only for webhooks.
const versionInboxInProjection = "inbox-in-projection"

// versionInternal marks an internal action (StartInput.Internal) started by a worker that knows
// them: one that a worker of an earlier release started ran as an action with a customer (it told
// them at an acceptance), and replays so. Only an internal action asks for it, so no other action's
// history holds the marker (nor the search-attribute write that comes with it).
const versionInternal = "internal-actions"

// actionWorkflow is the running instance: the state, and the timeline events the read model has
// not yet been given.
type actionWorkflow struct {
	ctx          workflow.Context
	state        State
	unprojected  []Event
	projectedSeq int64
	// projectionStalled is true while the read model cannot be written: command handlers then
	// answer without waiting for it.
	projectionStalled bool
	// deadlines is false for actions started before timers and notifications existed.
	deadlines bool
	// changed wakes the main loop to recompute the next deadline.
	changed bool
	// notifying counts notifications being sent.
	notifying int
	// inboxInProjection is true for actions whose inbox records go with the projection.
	inboxInProjection bool
	// changesToWebhook is true for actions (revision 2) whose changes that notified nobody still go
	// to the webhook.
	changesToWebhook bool
	// unprojectedNotes are the notifications the read model has not yet been given.
	unprojectedNotes []Notification
	// sending are the webhook deliveries in flight, in the order they were started (counted in
	// notifying too).
	sending []*Notification
	// carryProjection (revision 6): continuing as new does not wait for the read model; the next
	// run takes what is not yet projected. projecting is true while a projection is being written.
	carryProjection bool
	projecting      bool
	// closing is true once an ended action's time to take records has passed (revision 6 on).
	closing bool
}

// ActionWorkflow runs one customer service action from creation to completion: it applies the
// commands sent as Updates, sleeps to the next deadline and acts on it, and projects every change
// to the read model in order.
func ActionWorkflow(ctx workflow.Context, in StartInput) error {
	if in.Revision > CurrentRevision {
		// Started by a newer release (a worker rolled back, or an old one left running): run here,
		// its deadlines and messages would follow rules it was not started with. The workflow task
		// fails, and is tried again until a worker of its release (or a later one) takes it.
		panic(fmt.Sprintf("action %s runs workflow revision %d, newer than this worker's %d: it waits for a worker of the release that started it, or a later one",
			in.ActionID, in.Revision, CurrentRevision))
	}
	w := &actionWorkflow{ctx: ctx}
	w.carryProjection = in.Revision >= 6
	if in.Resume != nil {
		w.state = in.Resume.Clone()
		w.projectedSeq = w.state.Version
		if len(in.Unprojected) > 0 {
			w.unprojected = slices.Clone(in.Unprojected)
			w.projectedSeq = in.Unprojected[0].Seq - 1
		}
		w.unprojectedNotes = slices.Clone(in.UnprojectedNotes)
		// The read model was unavailable when the previous run ended: commands answer without
		// waiting for it until a projection succeeds.
		w.projectionStalled = len(in.Unprojected) > 0 || len(in.UnprojectedNotes) > 0
	} else {
		if in.Internal && workflow.GetVersion(ctx, versionInternal, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			in.Internal = false
		}
		state, created := NewState(in, workflow.Now(ctx))
		w.state, w.unprojected = state, []Event{created}
	}
	w.state.revision = in.Revision
	if in.Revision >= 1 {
		// The revision in the input says what the action runs with: no version markers, and no
		// search-attribute upserts (visibility writes) that come with them.
		w.deadlines, w.inboxInProjection = true, true
		w.changesToWebhook = in.Revision >= 2
	} else {
		w.deadlines = workflow.GetVersion(ctx, versionDeadlines, workflow.DefaultVersion, 1) >= 1
		w.inboxInProjection = workflow.GetVersion(ctx, versionInboxInProjection, workflow.DefaultVersion, 1) >= 1
	}
	if err := w.registerHandlers(ctx); err != nil {
		return err
	}
	workflow.Go(ctx, w.project)
	w.sendOutbox()
	// Deliveries the previous run had not finished.
	w.notifyActivities(in.Webhooks)

	if in.Revision >= 1 {
		if err := w.runDeadlineTimer(ctx, in); err != nil {
			return err
		}
	} else if w.deadlines {
		if err := w.runDeadlines(ctx, in); err != nil {
			return err
		}
	} else if err := workflow.Await(ctx, func() bool { return w.state.Status.Final() }); err != nil {
		return err
	}
	// An ended action still takes notes for a while; then the workflow closes once every handler
	// has answered, every notification is sent and the read model holds the whole timeline.
	keepOpen := in.KeepOpenFor
	if keepOpen <= 0 {
		keepOpen = DefaultKeepOpenFor
	}
	if w.carryProjection {
		return w.keepOpen(ctx, in, keepOpen)
	}
	if err := workflow.Sleep(ctx, keepOpen); err != nil {
		return err
	}
	return w.drain(ctx, false, false)
}

// keepOpen (revision 6) keeps the ended action open for d, then waits for the read model to hold
// the whole timeline. Projection retries while the read model is away keep adding to the history:
// a full one, in either wait, continues as new with the rest of the time (none after the wait).
func (w *actionWorkflow) keepOpen(ctx workflow.Context, in StartInput, d time.Duration) error {
	began := workflow.Now(ctx)
	filled := func() bool { return w.outageFilledHistory(ctx, in) }
	wait, warn := d, w.state.revision >= 23 && !w.state.UntoldWarned
	if warn {
		if w.state.UntoldWarnAt.IsZero() {
			w.state.UntoldWarnAt = began.Add(d - min(UntoldWarning, d/2))
		}
		wait = max(w.state.UntoldWarnAt.Sub(began), time.Millisecond)
	}
	full, err := workflow.AwaitWithTimeout(ctx, wait, filled)
	if err != nil {
		return err
	}
	if !full && warn {
		// A day before the records close (revision 23): those asked to tell the customer a
		// message nobody has recorded, and the supervisors, hear it while it can still be.
		w.warnUntold(ctx, began.Add(d))
		if rest := began.Add(d).Sub(workflow.Now(ctx)); rest > 0 {
			if full, err = workflow.AwaitWithTimeout(ctx, rest, filled); err != nil {
				return err
			}
		}
	}
	if !full {
		// Past the time an ended action takes records: a message to the customer that fails now
		// is given to nobody to tell, who could not record it.
		w.closing = true
		if err := workflow.Await(ctx, func() bool { return w.drained(ctx, false, false) || w.outageFilledHistory(ctx, in) }); err != nil {
			return err
		}
		if w.drained(ctx, false, false) {
			return nil
		}
	}
	next := in
	next.KeepOpenFor = max(d-workflow.Now(ctx).Sub(began), time.Millisecond)
	return w.continueAsNew(ctx, next)
}

// warnUntold (revision 23) reads which messages to the customer the read model still gives
// someone to tell, and records those the state knows untold as messages_untold, telling those
// asked and the team's supervisors that the records close at closeAt: none when the state holds
// no message unrecorded. Unread (the read model away for the hour its retries take, or half the
// time left), nobody is told: the log says so.
func (w *actionWorkflow) warnUntold(ctx workflow.Context, closeAt time.Time) {
	if !slices.ContainsFunc(w.state.Messages, func(m CustomerMessage) bool { return m.EndedSeq == 0 }) {
		w.state.UntoldWarned = true // every message recorded: nothing to read
		return
	}
	// Within the hour, or half the time left before the records close when that is less.
	within := min(time.Hour, max(closeAt.Sub(workflow.Now(ctx))/2, time.Second))
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    min(30*time.Second, within),
		ScheduleToCloseTimeout: within,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
	var tasks []UntoldTask
	if err := workflow.ExecuteActivity(actx, UntoldActivityName, w.state.ID).Get(ctx, &tasks); err != nil {
		workflow.GetLogger(ctx).Warn("messages to the customer still to tell not read", "error", err, "action_id", w.state.ID)
		tasks = nil
	}
	if events := w.state.WarnUntold(workflow.Now(ctx), closeAt, tasks); len(events) > 0 {
		w.applied(events)
	}
}

// runDeadlines sleeps to the next deadline of the current state and fires it, until the action
// ends. Any command wakes it to recompute, so timers are reset whenever the state changes.
func (w *actionWorkflow) runDeadlines(ctx workflow.Context, in StartInput) error {
	for !w.state.Status.Final() {
		if historyFull(ctx, in) {
			return w.continueAsNew(ctx, in)
		}
		w.changed = false
		at, kind := w.state.NextDeadline()
		if at.IsZero() {
			if err := workflow.Await(ctx, func() bool { return w.changed }); err != nil {
				return err
			}
			continue
		}
		if wait := at.Sub(workflow.Now(ctx)); wait > 0 {
			woken, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return w.changed })
			if err != nil {
				return err
			}
			if woken {
				continue
			}
		}
		w.applied(w.state.Fire(kind, workflow.Now(ctx)))
	}
	return nil
}

// runDeadlineTimer is runDeadlines of revision 1: one timer at a time. A change that leaves the
// next deadline where it was, or moves it later, keeps the timer (one that fires early only wakes
// the loop to set the next); a deadline moved earlier cancels it for a new one; the end of the
// action cancels it, so no timer wakes the workflow after it.
func (w *actionWorkflow) runDeadlineTimer(ctx workflow.Context, in StartInput) error {
	var (
		timer   workflow.Future
		timerAt time.Time
		cancel  workflow.CancelFunc
	)
	stop := func() {
		if timer != nil {
			cancel()
			timer, cancel = nil, nil
		}
	}
	defer stop()
	for !w.state.Status.Final() {
		if historyFull(ctx, in) {
			// A timer still pending goes with this run; the next one sets its own.
			return w.continueAsNew(ctx, in)
		}
		w.changed = false
		at, kind := w.state.NextDeadline()
		now := workflow.Now(ctx)
		if timer != nil && timer.IsReady() {
			fired := timerAt
			timer, cancel = nil, nil
			if !at.IsZero() && !at.After(fired) {
				w.applied(w.state.Fire(kind, now))
				continue
			}
		}
		if !at.IsZero() && !at.After(now) {
			w.applied(w.state.Fire(kind, now))
			continue
		}
		if timer != nil && (at.IsZero() || at.Before(timerAt)) {
			stop()
		}
		if timer == nil && !at.IsZero() {
			var tctx workflow.Context
			tctx, cancel = workflow.WithCancel(ctx)
			timer, timerAt = workflow.NewTimer(tctx, at.Sub(now)), at
		}
		if err := workflow.Await(ctx, func() bool {
			return w.changed || (timer != nil && timer.IsReady()) || w.outageFilledHistory(ctx, in)
		}); err != nil {
			return err
		}
	}
	return nil
}

// outageFilledHistory reports (revision 6) whether the history is full while the read model is
// unavailable: the projection's retries fill it with nothing else happening, so the workflow
// continues as new then rather than at its next change (which, before revision 6, could not come
// until the read model was back).
func (w *actionWorkflow) outageFilledHistory(ctx workflow.Context, in StartInput) bool {
	return w.carryProjection && w.projectionStalled && historyFull(ctx, in)
}

// historyFull reports whether the run's history has reached in.ContinueAsNewAfter events
// (DefaultContinueAsNewAfter when unset) or Temporal suggests continuing as new.
func historyFull(ctx workflow.Context, in StartInput) bool {
	limit := in.ContinueAsNewAfter
	if limit <= 0 {
		limit = DefaultContinueAsNewAfter
	}
	info := workflow.GetInfo(ctx)
	return info.GetCurrentHistoryLength() >= limit || info.GetContinueAsNewSuggested()
}

// continueAsNew starts the workflow afresh with the current state, once nothing is in flight.
// Deadlines are absolute times in the state, so the timers carry over.
func (w *actionWorkflow) continueAsNew(ctx workflow.Context, in StartInput) error {
	// Webhook deliveries retry for up to a day: from revision 4 the next run makes the ones in
	// flight again (a receiver may get one twice, and tells by its id) instead of the deadlines
	// waiting for them.
	handOn := in.Revision >= 4
	if err := w.drain(ctx, handOn, w.carryProjection); err != nil {
		return err
	}
	next := in
	next.Webhooks, next.Unprojected, next.UnprojectedNotes = nil, nil, nil
	if handOn {
		for _, n := range w.sending {
			next.Webhooks = append(next.Webhooks, *n)
		}
	}
	if w.carryProjection {
		next.Unprojected = slices.Clone(w.unprojected)
		next.UnprojectedNotes = slices.Clone(w.unprojectedNotes)
	}
	state := w.state.Clone()
	next.Resume = &state
	workflow.GetLogger(ctx).Info("continuing as new", "action_id", w.state.ID, "version", w.state.Version)
	return workflow.NewContinueAsNewError(ctx, ActionWorkflowName, next)
}

// drain waits until nothing is in flight: projections, notifications and signals, Update handlers;
// but webhook deliveries when leaveDeliveries, and what is not yet projected (only the projection
// being written) when leaveProjection: the next run takes them over.
func (w *actionWorkflow) drain(ctx workflow.Context, leaveDeliveries, leaveProjection bool) error {
	return workflow.Await(ctx, func() bool { return w.drained(ctx, leaveDeliveries, leaveProjection) })
}

// drained reports whether nothing drain waits for is in flight.
func (w *actionWorkflow) drained(ctx workflow.Context, leaveDeliveries, leaveProjection bool) bool {
	inFlight := w.notifying
	if leaveDeliveries {
		inFlight -= len(w.sending)
	}
	projected := len(w.unprojected) == 0 && len(w.unprojectedNotes) == 0
	if leaveProjection {
		projected = !w.projecting
	}
	return projected && inFlight == 0 && workflow.AllHandlersFinished(ctx)
}

// applied takes the events of a change: they go to the projector, the notifications it asked for
// are sent, and the deadline loop recomputes.
func (w *actionWorkflow) applied(events []Event) {
	w.unprojected = append(w.unprojected, events...)
	w.changed = true
	w.sendOutbox()
}

// sendOutbox sends each notification the state asked for, with retries, without holding up the
// command that caused it, and tells shift handovers how their handovers ended.
func (w *actionWorkflow) sendOutbox() {
	// Each delivery carries the action as this change left it, not as a later batch of the
	// projector finds it (after an outage, many changes are written at once).
	outbox := withState(w.state, w.state.TakeOutbox())
	signals := w.state.shiftOutbox
	w.state.shiftOutbox = nil
	if !w.deadlines {
		return
	}
	if w.inboxInProjection {
		// The projector writes them to the inbox, then hands them to webhooks if there are any.
		w.unprojectedNotes = append(w.unprojectedNotes, outbox...)
		outbox = nil
	}
	for _, sig := range signals {
		w.notifying++
		workflow.Go(w.ctx, func(ctx workflow.Context) {
			defer func() { w.notifying-- }()
			err := workflow.SignalExternalWorkflow(ctx, ShiftWorkflowID(sig.shiftID), "", SignalShiftItem, sig.result).Get(ctx, nil)
			if err != nil {
				// The shift handover has ended or was never started: nobody is waiting to hear.
				workflow.GetLogger(ctx).Warn("shift handover not told", "error", err, "shift_id", sig.shiftID)
			}
		})
	}
	w.notifyActivities(outbox)
}

// aDayOfRetries gives ctx the options of an activity that tells someone outside (the webhook, the
// inbox): 30 s a try, retried from 1 s, doubling to every 5 minutes, for up to a day.
func aDayOfRetries(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
}

// notifyActivities sends each notification through the Notify activity, retried for up to a day,
// without holding up anything.
func (w *actionWorkflow) notifyActivities(outbox []Notification) {
	actx := aDayOfRetries(w.ctx)
	for _, n := range outbox {
		w.notifying++
		sending := &n
		w.sending = append(w.sending, sending)
		workflow.Go(w.ctx, func(ctx workflow.Context) {
			defer func() {
				w.notifying--
				w.sending = slices.DeleteFunc(w.sending, func(o *Notification) bool { return o == sending })
			}()
			if err := workflow.ExecuteActivity(actx, NotifyActivityName, n).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Error("notification not delivered", "error", err,
					"action_id", n.ActionID, "kind", n.Kind, "seq", n.Seq)
				// Counted for alerting (not on replay): the integration missed this change.
				workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": n.Kind}).
					Counter(MetricWebhooksUndelivered).Inc(1)
				if n.Kind == NotifyCustomerMessage && n.Webhook && w.state.revision >= 22 && !w.closing {
					// The customer was not told: someone at the desk tells them (revision 22).
					if events := w.state.MessageUndelivered(workflow.Now(ctx), n.Seq); len(events) > 0 {
						w.applied(events)
					}
				}
			}
		})
	}
}

func (w *actionWorkflow) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) {
		return w.state.Clone(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateCreate, func(ctx workflow.Context, _ CreateInput) (State, error) {
		return w.awaitProjection(ctx, 1)
	}); err != nil {
		return err
	}
	for _, err := range []error{
		setCommand(ctx, w, UpdateHandover, func(s *State, in HandoverInput) error {
			return CheckHandover(s, in, workflow.Now(ctx))
		}, ApplyHandover),
		setCommand(ctx, w, UpdateAccept, CheckAccept, ApplyAccept),
		setCommand(ctx, w, UpdateDecline, CheckDecline, ApplyDecline),
		setCommand(ctx, w, UpdateWithdraw, CheckWithdraw, ApplyWithdraw),
		setCommand(ctx, w, UpdateFollowUp, func(s *State, in FollowUpInput) error {
			return CheckFollowUp(s, in, workflow.Now(ctx))
		}, ApplyFollowUp),
		setCommand(ctx, w, UpdateComplete, CheckComplete, ApplyComplete),
		setCommand(ctx, w, UpdateNote, CheckNote, ApplyNote),
		setCommand(ctx, w, UpdateCheck, CheckCheck, ApplyCheck),
		setCommand(ctx, w, UpdateEscalate, CheckEscalate, ApplyEscalate),
		setCommand(ctx, w, UpdateReassign, CheckReassign, ApplyReassign),
		setCommand(ctx, w, UpdateExtend, func(s *State, in ExtendInput) error {
			return CheckExtend(s, in, workflow.Now(ctx))
		}, ApplyExtend),
		setCommand(ctx, w, UpdateCancel, CheckCancel, ApplyCancel),
		setCommand(ctx, w, UpdateClaim, CheckClaim, ApplyClaim),
		setCommand(ctx, w, UpdateFeedback, CheckFeedback, ApplyFeedback),
		setCommand(ctx, w, UpdatePause, CheckPause, ApplyPause),
		setCommand(ctx, w, UpdateResume, CheckResume, ApplyResume),
		setCommand(ctx, w, UpdateTold, CheckTold, ApplyTold),
		setCommand(ctx, w, UpdateCorrect, CheckCorrect, ApplyCorrect),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// setCommand registers one command as an Update: the validator refuses what the state does not
// allow (nothing is recorded then), the handler applies it and answers once the read model shows it.
func setCommand[In any](
	ctx workflow.Context, w *actionWorkflow, name string,
	check func(*State, In) error, apply func(*State, In, time.Time) []Event,
) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in In, idem Idempotency) (State, error) {
			if w.state.seen(idem) {
				// A retry Temporal could not de-duplicate (it came after continue-as-new).
				return w.awaitProjection(ctx, w.state.Version)
			}
			w.applied(apply(&w.state, in, workflow.Now(ctx)))
			w.state.remember(idem)
			return w.awaitProjection(ctx, w.state.Version)
		},
		workflow.UpdateHandlerOptions{Validator: func(in In, idem Idempotency) error {
			if err := w.state.checkKey(idem); err != nil {
				return err
			}
			if w.state.seen(idem) {
				return nil
			}
			if err := w.state.checkVersion(idem); err != nil {
				return err
			}
			s := w.state.Clone()
			return check(&s, in)
		}},
	)
}

// awaitProjection waits until the read model holds the timeline up to seq, so the caller reads its
// own write, unless the read model is unavailable.
func (w *actionWorkflow) awaitProjection(ctx workflow.Context, seq int64) (State, error) {
	if err := workflow.Await(ctx, func() bool { return w.projectedSeq >= seq || w.projectionStalled }); err != nil {
		return State{}, err
	}
	return w.state.Clone(), nil
}

// project writes the timeline to the read model in order, one batch at a time, for as long as the
// workflow runs.
func (w *actionWorkflow) project(ctx workflow.Context) {
	actx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    100 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    2 * time.Second,
			MaximumAttempts:    5,
		},
	})
	logger := workflow.GetLogger(ctx)
	failures := 0
	for {
		if err := workflow.Await(ctx, func() bool { return len(w.unprojected) > 0 || len(w.unprojectedNotes) > 0 }); err != nil {
			return
		}
		hander, revision := w.state.lastHander(), w.state.revision
		batch := Projection{State: w.state.Clone(), Events: append([]Event(nil), w.unprojected...), HanderID: &hander, Revision: &revision}
		var (
			res ProjectResult
			out any
		)
		if w.inboxInProjection {
			batch.Notifications = append([]Notification(nil), w.unprojectedNotes...)
			batch.WholeInbox = true
			out = &res
		}
		w.projecting = true
		err := workflow.ExecuteLocalActivity(actx, ProjectActivityName, batch).Get(ctx, out)
		w.projecting = false
		if err != nil {
			logger.Warn("read model projection failed; retrying", "error", err, "action_id", w.state.ID)
			workflow.GetMetricsHandler(ctx).Counter(MetricProjectionFailures).Inc(1) // not on replay
			w.projectionStalled = true
			delay := projectionRetryDelay
			if w.carryProjection {
				delay = min(projectionRetryDelay<<min(failures, 4), projectionRetryMax)
			}
			failures++
			if err := workflow.Sleep(ctx, delay); err != nil {
				return
			}
			continue
		}
		failures = 0
		w.projectionStalled = false
		w.unprojected = w.unprojected[len(batch.Events):]
		if len(batch.Events) > 0 {
			w.projectedSeq = batch.Events[len(batch.Events)-1].Seq
		}
		w.unprojectedNotes = w.unprojectedNotes[len(batch.Notifications):]
		if res.Webhooks {
			w.notifyActivities(forWebhook(withState(batch.State, notByHand(batch.Notifications))))
			if w.changesToWebhook {
				w.notifyActivities(forWebhook(withState(batch.State, unnotified(batch.State, batch.Events, batch.Notifications))))
			}
		}
	}
}
