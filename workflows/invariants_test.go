package workflows_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/workflows"
)

var invariantSeed = flag.Int64("invariant.seed", -1, "run only this seed of TestLifecycleInvariants, printing its steps")

const (
	invariantSequences = 400
	invariantMaxSteps  = 60
	// maxFiresAtOnce bounds the deadlines that may fall due at one instant: more means a timer that
	// fires without moving on, which would spin the workflow's loop.
	maxFiresAtOnce = 8
)

// everyone is the staff the sequences draw actors and recipients from: the front desk in every role
// that owns actions, someone off shift, someone no longer active, an agent of another team and an
// integration.
var everyone = []workflows.Recipient{
	{ID: "alice", Name: "Alice Adams", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 2, OnShift: true, Active: true},
	{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 1, OnShift: true, Active: true},
	{ID: "erin", Name: "Erin Ellis", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 2, OnShift: true, Active: true},
	{ID: "carol", Name: "Carol Cole", Role: workflows.RoleSupervisor, TeamID: "frontdesk", Authority: 3, OnShift: true, Active: true},
	{ID: "dave", Name: "Dave Dunn", Role: workflows.RoleManager, TeamID: "frontdesk", Authority: 3, OnShift: true, Active: true},
	{ID: "frank", Name: "Frank Fox", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 2, OnShift: false, Active: true},
	{ID: "gina", Name: "Gina Gale", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 2, OnShift: true, Active: false},
	{ID: "zoe", Name: "Zoe Zane", Role: workflows.RoleAgent, TeamID: "bar", Authority: 2, OnShift: true, Active: true},
	{ID: "crm", Name: "CRM", Role: workflows.RoleService, TeamID: "frontdesk", Authority: 0, OnShift: true, Active: true},
}

func person(id string) workflows.Recipient {
	i := slices.IndexFunc(everyone, func(r workflows.Recipient) bool { return r.ID == id })
	return everyone[i]
}

func asActor(r workflows.Recipient) workflows.Actor {
	return workflows.Actor{ID: r.ID, Role: r.Role, Name: r.Name}
}

// world is one action driven through a random sequence, with what the model expects of it.
type world struct {
	t     *testing.T
	seed  uint64
	rng   *rand.Rand
	s     workflows.State
	now   time.Time
	clock *calendar.Clock // the action's business clock; nil when it counts around the clock
	steps []string
	// hander is who handed the action to its current owner, as the model follows it: the hander of
	// an accepted handover, nobody after a reassignment or a claim.
	hander string
	// alerted: a role has been told of the action (which matters while it has no owner).
	alerted bool
}

// outcome is one step: the create, a command the validator accepted, or a timer that fired.
type outcome struct {
	command string // empty for a timer
	actor   workflows.Actor
	shift   string // the shift handover the command is part of
	before  workflows.State
	events  []workflows.Event
	notes   []workflows.Notification
}

// The lifecycle keeps its promises (SPEC section 3: nothing is left unowned, every step is
// recorded, a final action stays final...) whatever happens in whatever order: checked after every
// step of long random sequences of commands by everyone who may or may not send them, each passed
// through its validator as the workflow passes it (and applied only when accepted), with the
// timers firing in between. A failure names the seed and the step; `go test ./workflows -run
// TestLifecycleInvariants -invariant.seed=N -v` runs that sequence alone and prints its steps.
func TestLifecycleInvariants(t *testing.T) {
	t.Parallel()
	if *invariantSeed >= 0 {
		w := runSequence(t, uint64(*invariantSeed))
		t.Logf("seed %d:\n%s", *invariantSeed, w.listSteps())
		return
	}
	for seed := range uint64(invariantSequences) {
		runSequence(t, seed)
	}
}

// runSequence starts one action and drives it through up to invariantMaxSteps random steps.
func runSequence(t *testing.T, seed uint64) *world {
	t.Helper()
	w := &world{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	in, now := w.start()
	w.now = now
	s, created := workflows.NewState(in, now)
	w.s = s
	w.steps = append(w.steps, fmt.Sprintf("start %s: owner %q, due %s, policy %+v, ladder %v, calendar %t, authority %d",
		now.Format(time.RFC3339), in.OwnerID, w.s.DueAt.Format(time.RFC3339), w.s.Policy, w.s.Ladder, in.Calendar != nil, in.RequiredAuthority))
	w.clock = businessClock(&w.s)
	w.checkInvariants(outcome{command: workflows.UpdateCreate, actor: in.CreatedBy, events: []workflows.Event{created}, notes: w.s.TakeOutbox()}, "create")
	w.settle()

	// A few steps more once the action has ended: it takes notes and feedback, and nothing else.
	steps, afterEnd := 1+w.rng.IntN(invariantMaxSteps), 4
	for range steps {
		if w.s.Status.Final() {
			if afterEnd == 0 {
				break
			}
			afterEnd--
		}
		switch r := w.rng.IntN(10); {
		case r < 2:
			w.fireNext()
		case r < 3:
			w.wait()
		default:
			w.command()
		}
	}
	return w
}

// start is a random action of the current revision: owned or routed to nobody, due in a while (or
// overdue), on a calendar or not, with a policy of its own and an escalation ladder of one to three
// levels.
func (w *world) start() (workflows.StartInput, time.Time) {
	// Within the office-hours snapshot: Christmas, and the clocks going forward in March.
	now := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC).Add(time.Duration(w.rng.IntN(300*24*60)) * time.Minute)
	in := startInput(fmt.Sprintf("inv%d", w.seed))
	in.CreatedBy = asActor(person("alice"))
	in.OwnerName = "Alice Adams"
	if w.rng.IntN(5) == 0 {
		in.OwnerID, in.OwnerName, in.Routed = "", "", true
		in.CreatedBy = asActor(person("crm"))
	}
	in.RequiredAuthority = w.rng.IntN(3)
	switch w.rng.IntN(8) {
	case 0:
		in.DueAt = now.Add(-w.span()) // overdue already: it falls due at once
	case 1, 2, 3:
		in.DueIn, in.DueAt = w.span(), time.Time{}
	default:
		in.DueAt = now.Add(w.span())
	}
	if w.rng.IntN(5) < 2 {
		in.Calendar = officeHours()
		if w.rng.IntN(4) == 0 {
			in.Policy.Clock = workflows.Clock247
		}
	}
	for _, d := range []*time.Duration{&in.Policy.AcceptWithin, &in.Policy.CheckWithin, &in.Policy.EscalateWithin, &in.Policy.AssignWithin, &in.Policy.FollowUpEvery} {
		if w.rng.IntN(2) == 0 {
			*d = w.span()
		}
	}
	if w.rng.IntN(4) == 0 {
		in.Policy.RequiredFields = []string{"next_steps", "room"}
	}
	in.Ladder = [][]workflows.Role{
		nil,
		{workflows.RoleSupervisor},
		{workflows.RoleSupervisor, workflows.RoleManager, workflows.RoleManager},
		{workflows.RoleManager},
	}[w.rng.IntN(4)]
	return in, now
}

// businessClock is the action's business-time clock, or nil when it counts around the clock.
func businessClock(s *workflows.State) *calendar.Clock {
	if s.Calendar == nil || s.Policy.Clock == workflows.Clock247 {
		return nil
	}
	k, err := s.Calendar.Compile()
	if err != nil {
		panic(err)
	}
	return k
}

// span is a random duration from a minute to a day and a half, in whole minutes.
func (w *world) span() time.Duration {
	if w.rng.IntN(3) == 0 {
		return time.Duration(1+w.rng.IntN(36*60)) * time.Minute
	}
	return time.Duration(1+w.rng.IntN(180)) * time.Minute
}

// text is the given text, or now and then a blank one, which the validators refuse.
func (w *world) text(v string) string {
	if w.rng.IntN(20) == 0 {
		return []string{"", "  "}[w.rng.IntN(2)]
	}
	return v
}

func pick[T any](w *world, from ...T) T { return from[w.rng.IntN(len(from))] }

// actor is who sends the next command: often someone the action concerns (its owner, the
// recipient of its pending handover, the hander asked to follow up, a supervisor or a manager),
// else anyone.
func (w *world) actor() workflows.Actor {
	ids := []string{"carol", "dave", everyone[w.rng.IntN(len(everyone))].ID, everyone[w.rng.IntN(len(everyone))].ID}
	if w.s.OwnerID != "" {
		ids = append(ids, w.s.OwnerID, w.s.OwnerID)
	}
	if h := w.s.PendingHandover(); h != nil {
		ids = append(ids, h.ToID, h.ToID)
	}
	if f := w.s.FollowUp; f != nil {
		ids = append(ids, f.HanderID)
	}
	return asActor(person(pick(w, ids...)))
}

// recipient is someone of the front desk on shift two times in three, anyone otherwise.
func (w *world) recipient() workflows.Recipient {
	if w.rng.IntN(3) > 0 {
		return person(pick(w, "alice", "bob", "erin", "carol", "dave"))
	}
	return everyone[w.rng.IntN(len(everyone))]
}

// The people likely to send each command (empty IDs are left out).
func byOwner(w *world) []string { return []string{w.s.OwnerID} }

func byAnyone(*world) []string { return nil }

func bySupervisors(*world) []string { return []string{"carol", "dave"} }

func byOwnerOrSupervisor(w *world) []string { return []string{w.s.OwnerID, "carol", "dave"} }

func byRecipient(w *world) []string {
	if h := w.s.PendingHandover(); h != nil {
		return []string{h.ToID}
	}
	return nil
}

func byHanderOrSupervisor(w *world) []string {
	if h := w.s.PendingHandover(); h != nil {
		return []string{h.FromID, "carol"}
	}
	return nil
}

func byHanderFollowingUp(w *world) []string {
	if f := w.s.FollowUp; f != nil {
		return []string{f.HanderID, "carol"} // a supervisor, in the place of a hander gone
	}
	return nil
}

func byCheckers(w *world) []string {
	return []string{w.s.OwnerID, w.s.LastHander(), "carol", "dave"}
}

func byCorrectors(w *world) []string { return []string{w.s.OwnerID, w.s.CreatedBy, "carol", "crm"} }

func byClaimers(*world) []string { return []string{"alice", "bob", "erin", "carol"} }

func byRaters(w *world) []string {
	var ids []string
	for _, h := range w.s.Handovers {
		ids = append(ids, h.ToID)
	}
	return ids
}

// later is a time a span after now, given as a time.
func (w *world) later() *time.Time {
	t := w.now.Add(w.span())
	return &t
}

// command is one of the lifecycle's commands: it builds a random input for the actor, validates
// it on a copy of the state as the workflow's Update validator does, and applies it when accepted.
type command struct {
	name string
	run  func(w *world, a workflows.Actor) (input any, refused error, events []workflows.Event)
}

func commandOf[In any](name string, check func(*workflows.State, In, time.Time) error,
	apply func(*workflows.State, In, time.Time) []workflows.Event, input func(*world, workflows.Actor) In,
) command {
	return command{name: name, run: func(w *world, a workflows.Actor) (any, error, []workflows.Event) {
		in := input(w, a)
		copied := w.s.Clone()
		seen := stateJSON(w, &copied)
		err := check(&copied, in, w.now)
		if after := stateJSON(w, &copied); after != seen {
			// Pages ask the validators of the read model's copy which commands to offer.
			w.fail("the %s validator changed the state it checked:\n%s\n%s", name, seen, after)
		}
		if err != nil {
			return in, err, nil
		}
		return in, nil, apply(&w.s, in, w.now)
	}}
}

// anyTime adapts a validator that does not need the time of the command.
func anyTime[In any](check func(*workflows.State, In) error) func(*workflows.State, In, time.Time) error {
	return func(s *workflows.State, in In, _ time.Time) error { return check(s, in) }
}

// commands is every command of the lifecycle: how often a sequence sends it, who is likely to (the
// people it is for: the sender is one of them three times in four, anyone otherwise), and how.
var commands = []struct {
	weight int
	by     func(*world) []string
	command
}{
	{5, byOwner, commandOf(workflows.UpdateHandover, workflows.CheckHandover, workflows.ApplyHandover, func(w *world, a workflows.Actor) workflows.HandoverInput {
		in := workflows.HandoverInput{
			Actor: a, To: w.recipient(), Reason: w.text("shift ends"),
			Method: pick(w, append(slices.Clone(workflows.Methods), "pigeon")...), Situation: pick(w, workflows.Situations...),
			Notes: workflows.HandoverNotes{Summary: w.text("Guest wants a 2pm checkout"), NextSteps: w.text("call the guest back")},
		}
		if w.rng.IntN(2) == 0 {
			in.Notes.Fields = map[string]string{"room": w.text("12")}
		}
		switch w.rng.IntN(4) {
		case 0:
			in.FollowUpIn = w.span()
		case 1:
			in.FollowUpAt = w.later()
		}
		if w.rng.IntN(3) == 0 {
			in.AcceptWithin = w.span()
		}
		if w.rng.IntN(4) == 0 {
			in.CustomerMessage = "Bob looks after your checkout now."
		}
		if w.rng.IntN(5) == 0 {
			// Part of a shift handover, started by the outgoing person or their supervisor.
			starter := person(pick(w, a.ID, "carol"))
			in.Reason, in.Method, in.ShiftHandoverID, in.StartedBy, in.StartedByName = "shift handover", "report", "sh1", starter.ID, starter.Name
		}
		return in
	})},
	{8, byRecipient, commandOf(workflows.UpdateAccept, anyTime(workflows.CheckAccept), workflows.ApplyAccept, func(w *world, a workflows.Actor) workflows.AcceptInput {
		in := workflows.AcceptInput{Actor: a, Summary: w.text("2pm checkout, room 12")}
		if w.rng.IntN(6) > 0 {
			me := person(a.ID)
			if w.rng.IntN(6) == 0 {
				me.OnShift = false // gone off shift since the handover
			}
			in.Acceptor = &me
		}
		return in
	})},
	{2, byRecipient, commandOf(workflows.UpdateDecline, anyTime(workflows.CheckDecline), workflows.ApplyDecline, func(w *world, a workflows.Actor) workflows.DeclineInput {
		return workflows.DeclineInput{Actor: a, Reason: w.text("on a call")}
	})},
	{1, byHanderOrSupervisor, commandOf(workflows.UpdateWithdraw, anyTime(workflows.CheckWithdraw), workflows.ApplyWithdraw, func(w *world, a workflows.Actor) workflows.WithdrawInput {
		return workflows.WithdrawInput{Actor: a, Reason: w.text("needed elsewhere")}
	})},
	{3, byHanderFollowingUp, commandOf(workflows.UpdateFollowUp, workflows.CheckFollowUp, workflows.ApplyFollowUp, func(w *world, a workflows.Actor) workflows.FollowUpInput {
		in := workflows.FollowUpInput{Actor: a, Note: w.text("on it")}
		if w.rng.IntN(2) == 0 {
			in.AgainIn = w.span()
		}
		return in
	})},
	{1, byOwnerOrSupervisor, commandOf(workflows.UpdateComplete, anyTime(workflows.CheckComplete), workflows.ApplyComplete, func(w *world, a workflows.Actor) workflows.CompleteInput {
		in := workflows.CompleteInput{Actor: a, Outcome: w.text("checkout moved"), Notes: "fine"}
		if w.rng.IntN(3) == 0 {
			in.CustomerMessage = "Your checkout is at 2pm."
		}
		return in
	})},
	{1, byAnyone, commandOf(workflows.UpdateNote, anyTime(workflows.CheckNote), workflows.ApplyNote, func(w *world, a workflows.Actor) workflows.NoteInput {
		return workflows.NoteInput{Actor: a, Text: w.text("guest called")}
	})},
	{3, byCheckers, commandOf(workflows.UpdateCheck, anyTime(workflows.CheckCheck), workflows.ApplyCheck, func(w *world, a workflows.Actor) workflows.CheckInput {
		in := workflows.CheckInput{
			Actor: a, Result: pick(w, workflows.CheckDone, workflows.CheckNotDone, workflows.CheckNotDone, "maybe"),
			Notes: w.text("parts late"), Next: pick(w, workflows.NextExtend, workflows.NextReassign, workflows.NextEscalate, ""),
		}
		switch w.rng.IntN(3) {
		case 0:
			in.DueIn = w.span()
		case 1:
			in.DueAt = w.later()
		}
		if w.rng.IntN(4) > 0 {
			to := w.recipient()
			in.To = &to
		}
		return in
	})},
	{2, bySupervisors, commandOf(workflows.UpdateEscalate, anyTime(workflows.CheckEscalate), workflows.ApplyEscalate, func(w *world, a workflows.Actor) workflows.EscalateInput {
		return workflows.EscalateInput{Actor: a, Reason: w.text("guest complained")}
	})},
	{2, bySupervisors, commandOf(workflows.UpdateReassign, anyTime(workflows.CheckReassign), workflows.ApplyReassign, func(w *world, a workflows.Actor) workflows.ReassignInput {
		in := workflows.ReassignInput{Actor: a, To: w.recipient(), Reason: w.text("off sick")}
		if w.rng.IntN(5) == 0 {
			in.ShiftHandoverID = "sh1"
		}
		switch w.rng.IntN(3) {
		case 0:
			in.DueIn = w.span()
		case 1:
			in.DueAt = w.later()
		}
		return in
	})},
	{2, bySupervisors, commandOf(workflows.UpdateExtend, workflows.CheckExtend, workflows.ApplyExtend, func(w *world, a workflows.Actor) workflows.ExtendInput {
		in := workflows.ExtendInput{Actor: a, Reason: w.text("parts late")}
		switch w.rng.IntN(3) {
		case 0:
			in.DueIn = w.span()
		case 1:
			in.DueAt = *w.later()
		default:
			in.DueAt = w.s.DueAt.Add(w.span())
		}
		return in
	})},
	{1, bySupervisors, commandOf(workflows.UpdateCancel, anyTime(workflows.CheckCancel), workflows.ApplyCancel, func(w *world, a workflows.Actor) workflows.CancelInput {
		return workflows.CancelInput{Actor: a, Reason: w.text("duplicate")}
	})},
	{2, byClaimers, commandOf(workflows.UpdateClaim, anyTime(workflows.CheckClaim), workflows.ApplyClaim, func(w *world, a workflows.Actor) workflows.ClaimInput {
		in := workflows.ClaimInput{Actor: a, Claimant: person(a.ID)}
		if w.rng.IntN(8) == 0 {
			in.Claimant = w.recipient()
		}
		return in
	})},
	{1, byRaters, commandOf(workflows.UpdateFeedback, anyTime(workflows.CheckFeedback), workflows.ApplyFeedback, func(w *world, a workflows.Actor) workflows.FeedbackInput {
		in := workflows.FeedbackInput{Actor: a, HandoverID: "h99", Rating: w.rng.IntN(7), Comment: "clear notes"}
		if n := len(w.s.Handovers); n > 0 && w.rng.IntN(6) > 0 {
			in.HandoverID = w.s.Handovers[w.rng.IntN(n)].ID
		}
		return in
	})},
	{2, byOwnerOrSupervisor, commandOf(workflows.UpdatePause, anyTime(workflows.CheckPause), workflows.ApplyPause, func(w *world, a workflows.Actor) workflows.PauseInput {
		return workflows.PauseInput{Actor: a, Reason: w.text("waiting for the guest's flight time")}
	})},
	{1, byCorrectors, commandOf(workflows.UpdateCorrect, anyTime(workflows.CheckCorrect), workflows.ApplyCorrect, func(w *world, a workflows.Actor) workflows.CorrectInput {
		in := workflows.CorrectInput{Actor: a}
		text := func(v string) *string { v = w.text(v); return &v }
		switch w.rng.IntN(6) {
		case 0:
			in.Title = text("Late checkout room 241")
		case 1:
			in.Details, in.Reason = text("Guest is in room 241, not 214"), w.text("wrong room")
		case 2:
			priority := pick(w, "high", "urgent", "soon")
			in.Priority = &priority
		case 3:
			in.CustomerName, in.CustomerContact = text("Ann Smith"), text("+44 20 7946 0000")
		case 4:
			title, priority := w.s.Title, w.s.Priority // nothing changes
			in.Title, in.Priority = &title, &priority
		}
		return in
	})},
	{2, byOwnerOrSupervisor, commandOf(workflows.UpdateResume, anyTime(workflows.CheckResume), workflows.ApplyResume, func(w *world, a workflows.Actor) workflows.ResumeInput {
		return workflows.ResumeInput{Actor: a, Reason: w.text("the guest answered")}
	})},
}

// command sends one random command, as the workflow takes an Update. One refused for the state the
// action is in is drawn again, up to three times, so that most steps change something.
func (w *world) command() {
	for range 3 {
		if refused := w.send(w.draw()); !isConflict(refused) {
			return
		}
	}
	w.send(w.draw())
}

// draw picks a command by weight and who sends it.
func (w *world) draw() (command, workflows.Actor) {
	total := 0
	for _, c := range commands {
		total += c.weight
	}
	n := w.rng.IntN(total)
	i := 0
	for ; n >= commands[i].weight; i++ {
		n -= commands[i].weight
	}
	c := commands[i]
	a := w.actor()
	if ids := slices.DeleteFunc(c.by(w), func(id string) bool { return id == "" }); len(ids) > 0 && w.rng.IntN(4) > 0 {
		a = asActor(person(pick(w, ids...)))
	}
	return c.command, a
}

// send runs one command by a and checks what came of it; it answers the refusal, if any.
func (w *world) send(c command, a workflows.Actor) error {
	before := w.s.Clone()
	copied := w.s.Clone()
	offered := workflows.Available(&copied, a, person(a.ID))
	in, refused, events := c.run(w, a)
	what := fmt.Sprintf("%s by %s %s", c.name, a.ID, inputJSON(in))
	if refused != nil {
		w.steps = append(w.steps, fmt.Sprintf("%s  refused: %v", what, refused))
		w.checkRefusal(c.name, refused, before)
		if slices.Contains(offered, c.name) && !isInvalid(refused) && !refusedForWhatItCarries(&before, in) {
			w.fail("%s is offered to %s, but refused for who they are or the state: %v", c.name, a.ID, refused)
		}
		return refused
	}
	w.steps = append(w.steps, what)
	if c.name != workflows.UpdateFeedback && !slices.Contains(offered, c.name) {
		w.fail("%s was accepted from %s but is not among the commands offered to them (%v)", c.name, a.ID, offered)
	}
	o := outcome{command: c.name, actor: a, before: before, events: events, notes: w.s.TakeOutbox()}
	switch in := in.(type) {
	case workflows.HandoverInput:
		o.shift = in.ShiftHandoverID
	case workflows.ReassignInput:
		o.shift = in.ShiftHandoverID
	}
	w.checkInvariants(o, c.name)
	w.settle()
	return nil
}

// refusedForWhatItCarries: an acceptance refused for the acceptor's standing now, or a claim for
// someone else, is refused for what the command carries: the page offering it does not know that.
func refusedForWhatItCarries(s *workflows.State, in any) bool {
	switch in := in.(type) {
	case workflows.AcceptInput:
		return in.Acceptor != nil && workflows.Ineligible(s, *in.Acceptor) != ""
	case workflows.ClaimInput:
		return in.Claimant != person(in.Actor.ID)
	}
	return false
}

func isInvalid(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == workflows.ErrInvalid
}

func isConflict(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == workflows.ErrConflict
}

// fireNext moves the clock to the next deadline and fires it (and any other due then).
func (w *world) fireNext() {
	at, _ := w.s.NextDeadline()
	if at.IsZero() {
		w.wait()
		return
	}
	w.now = at
	w.settle()
}

// wait lets time pass short of the next deadline (any time, when there is none).
func (w *world) wait() {
	at, _ := w.s.NextDeadline()
	d := w.span()
	if !at.IsZero() {
		left := at.Sub(w.now)
		if left <= time.Second {
			return
		}
		d = time.Duration(w.rng.Int64N(int64(left/time.Second))) * time.Second
	}
	w.now = w.now.Add(d)
	w.steps = append(w.steps, fmt.Sprintf("wait %s to %s", d, w.now.Format(time.RFC3339)))
}

// settle fires every deadline that has come, as the workflow's loop does before it sleeps again.
func (w *world) settle() {
	for i := 0; ; i++ {
		at, kind := w.s.NextDeadline()
		if at.IsZero() || at.After(w.now) {
			return
		}
		if i == maxFiresAtOnce {
			w.fail("a timer livelock: %d deadlines fell due at %s and %s is due still", i, w.now.Format(time.RFC3339), kind)
		}
		before := w.s.Clone()
		events := w.s.Fire(kind, w.now)
		w.steps = append(w.steps, fmt.Sprintf("fire %s at %s", kind, w.now.Format(time.RFC3339)))
		w.checkInvariants(outcome{actor: workflows.Actor{ID: workflows.SystemActor}, before: before, events: events, notes: w.s.TakeOutbox()}, "timer "+kind)
	}
}

// fail stops the test, naming the seed and the step, with the steps that led there.
func (w *world) fail(format string, args ...any) {
	w.t.Helper()
	w.t.Fatalf("seed %d, step %d: %s\nsteps:\n%s", w.seed, len(w.steps), fmt.Sprintf(format, args...), w.listSteps())
}

// listSteps numbers the steps so far, one a line.
func (w *world) listSteps() string {
	var b strings.Builder
	for i, st := range w.steps {
		fmt.Fprintf(&b, "%3d %s\n", i+1, st)
	}
	return b.String()
}

// stateJSON is the state as a query answers it, to tell whether anything changed.
func stateJSON(w *world, s *workflows.State) string {
	raw, err := json.Marshal(s)
	if err != nil {
		w.fail("state does not encode: %v", err)
	}
	return string(raw)
}

// inputJSON is a command's input for the list of steps.
func inputJSON(in any) string {
	raw, err := json.Marshal(in)
	if err != nil {
		return fmt.Sprintf("%+v", in)
	}
	// The actor is named already.
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		delete(m, "actor")
		raw, _ = json.Marshal(m)
	}
	return string(raw)
}

// checkRefusal: an invalid command is refused with one of the kinds the API maps to a status, and
// a reason; the state is left as it was.
func (w *world) checkRefusal(name string, refused error, before workflows.State) {
	var appErr *temporal.ApplicationError
	if !errors.As(refused, &appErr) || !slices.Contains([]string{workflows.ErrInvalid, workflows.ErrConflict, workflows.ErrForbidden, workflows.ErrNotFound}, appErr.Type()) {
		w.fail("the refusal of %s is not one the API maps to a status: %v", name, refused)
	}
	if strings.TrimSpace(appErr.Message()) == "" {
		w.fail("the refusal of %s gives no reason", name)
	}
	if id := w.namedByID(appErr.Message()); id != "" {
		w.fail("the refusal of %s names %s by staff ID, though the action knows their name: %q", name, id, appErr.Message())
	}
	if stateJSON(w, &w.s) != stateJSON(w, &before) {
		w.fail("the refused %s changed the state", name)
	}
}

// checkInvariants asserts every invariant after one step.
func (w *world) checkInvariants(o outcome, what string) {
	w.t.Helper()
	w.checkTimeline(o, what)
	w.checkNotifications(o, what)
	w.checkEventData(o, what)
	w.checkTransition(o, what)
	w.checkFinal(o, what)
	w.checkHandovers(o, what)
	w.checkOwned(o, what)
	w.checkDeadlines(o, what)
	w.checkEscalation(o, what)
	w.checkHander(o, what)
	w.checkPause(o, what)
	w.checkBusinessTime(o, what)
	w.checkClone(what)
}

// checkTimeline: every change is recorded, in order: a step adds at least one event, numbered on
// from the last without a gap, each with its actor, time and cause; Version is the last number.
func (w *world) checkTimeline(o outcome, what string) {
	s := &w.s
	if len(o.events) == 0 {
		w.fail("%s recorded no timeline event", what)
	}
	for i, ev := range o.events {
		if want := o.before.Version + int64(i) + 1; ev.Seq != want {
			w.fail("%s: event %s has seq %d, want %d (contiguous after %d)", what, ev.Type, ev.Seq, want, o.before.Version)
		}
		if !ev.At.Equal(w.now) {
			w.fail("%s: event %s is at %s, not at the time of the change %s", what, ev.Type, ev.At, w.now)
		}
		wantCause := workflows.CauseRequest
		switch {
		case o.command == "":
			wantCause = workflows.CauseTimer
		case o.shift != "":
			wantCause = workflows.CauseShiftHandover
			if ev.Data["shift_handover_id"] != o.shift {
				w.fail("%s: event %s of a shift handover does not name it: %v", what, ev.Type, ev.Data)
			}
		}
		if ev.ActorID != o.actor.ID || ev.Cause != wantCause {
			w.fail("%s: event %s names actor %q, cause %q; want %q, %q", what, ev.Type, ev.ActorID, ev.Cause, o.actor.ID, wantCause)
		}
	}
	if last := o.events[len(o.events)-1]; s.Version != last.Seq {
		w.fail("%s: version %d is not the last event's seq %d", what, s.Version, last.Seq)
	}
	if !s.UpdatedAt.Equal(w.now) {
		w.fail("%s: updated_at %s is not the time of the change %s", what, s.UpdatedAt, w.now)
	}
}

// checkEventData: what the timeline says a change did is what it did (reports and the read model
// read it from there): the level, role and kind of reason of an escalation, the owner and due time
// a reassignment, an extension or a claim left, the check-by time of a due time, the expiry of a
// handover requested.
func (w *world) checkEventData(o outcome, what string) {
	s := &w.s
	same := func(ev workflows.Event, key string, want any) {
		got := ev.Data[key]
		switch v := got.(type) {
		case *time.Time:
			if v != nil {
				got = *v
			}
		}
		switch v := want.(type) {
		case *time.Time:
			if v != nil {
				want = *v
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			w.fail("%s: event %s says %s %v, but the action has %v", what, ev.Type, key, got, want)
		}
	}
	kinds := []string{workflows.EscalationNotAssigned, workflows.EscalationNotAccepted, workflows.EscalationNotChecked,
		workflows.EscalationNoAction, workflows.EscalationNotDone, workflows.EscalationByHand}
	for _, ev := range o.events {
		switch ev.Type {
		case workflows.EventEscalated:
			same(ev, "level", s.EscalationLevel)
			same(ev, "to_role", string(s.Ladder[s.EscalationLevel-1]))
			same(ev, "reason", s.EscalationReason)
			if id := w.namedByID(s.EscalationReason); id != "" {
				w.fail("%s: the escalation's reason names %s by staff ID: %q", what, id, s.EscalationReason)
			}
			if kind, _ := ev.Data["reason_kind"].(string); !slices.Contains(kinds, kind) {
				w.fail("%s: escalation of an unknown kind %q", what, kind)
			}
		case workflows.EventReassigned:
			same(ev, "owner_id", s.OwnerID)
			same(ev, "due_at", s.DueAt)
		case workflows.EventExtended:
			same(ev, "due_at", s.DueAt)
			same(ev, "status", string(s.Status))
		case workflows.EventClaimed, workflows.EventHandoverAccepted:
			same(ev, "owner_id", s.OwnerID)
		case workflows.EventDue:
			same(ev, "check_by", s.CheckBy)
		case workflows.EventHandoverRequested:
			same(ev, "expires_at", s.PendingHandover().ExpiresAt)
		case workflows.EventCorrected:
			held := map[string]string{"title": s.Title, "details": s.Details, "priority": s.Priority,
				"customer_name": s.Customer.Name, "customer_contact": s.Customer.Contact}
			if len(ev.Data) == 0 {
				w.fail("%s: a correction that records no field", what)
			}
			for key, was := range ev.Data {
				field, isWas := strings.CutSuffix(key, "_was")
				if key == "reason" {
					continue
				}
				if _, known := held[field]; !known {
					w.fail("%s: a correction records %s, which is no field it corrects", what, key)
				}
				if isWas {
					same(ev, field, held[field])
					if was == ev.Data[field] {
						w.fail("%s: a correction records %s unchanged: %v", what, field, was)
					}
					if title := o.before.Title; field == "title" && fmt.Sprint(was) != title {
						w.fail("%s: the correction says the title was %v, but it was %q", what, was, title)
					}
				}
			}
			if !slices.Contains(workflows.Priorities, s.Priority) || strings.TrimSpace(s.Title) == "" {
				w.fail("%s: a correction left priority %q and title %q", what, s.Priority, s.Title)
			}
		}
	}
}

// checkNotifications: each notification comes from an event of the step that made it, and is for
// someone: people, a role, or (a message to the customer) the customer; and the people each kind
// of event must reach are among them.
func (w *world) checkNotifications(o outcome, what string) {
	bySeq := map[int64]workflows.Event{}
	for _, ev := range o.events {
		bySeq[ev.Seq] = ev
	}
	for _, n := range o.notes {
		ev, ok := bySeq[n.Seq]
		if !ok {
			w.fail("%s: notification %s has seq %d, which is no event of this step", what, n.Kind, n.Seq)
		}
		if n.Event != ev.Type || n.ActorID != ev.ActorID || n.Cause != ev.Cause || !n.At.Equal(ev.At) {
			w.fail("%s: notification %s does not carry its event %s's type, actor, cause and time", what, n.Kind, ev.Type)
		}
		if n.Kind == workflows.NotifyCustomerMessage {
			if n.Customer == nil || len(n.To) > 0 || n.ToRole != "" {
				w.fail("%s: a message to the customer goes to the customer, and to no member of staff: %+v", what, n)
			}
			continue
		}
		if strings.TrimSpace(n.Message) == "" || n.Title == "" {
			w.fail("%s: notification %s says nothing: %+v", what, n.Kind, n)
		}
		if id := w.namedByID(n.Message); id != "" {
			w.fail("%s: notification %s names %s by staff ID, though the action knows their name: %q", what, n.Kind, id, n.Message)
		}
		if len(n.To) == 0 && n.ToRole == "" {
			w.fail("%s: notification %s is for nobody", what, n.Kind)
		}
		for _, id := range n.To {
			if strings.TrimSpace(id) == "" || id == workflows.SystemActor {
				w.fail("%s: notification %s is addressed to %q", what, n.Kind, id)
			}
		}
		if n.Customer != nil {
			w.fail("%s: notification %s for staff carries the customer", what, n.Kind)
		}
	}
	for _, ev := range o.events {
		for _, want := range w.mustHear(o, ev) {
			if !slices.ContainsFunc(o.notes, func(n workflows.Notification) bool {
				return n.Seq == ev.Seq && n.Kind == want.kind && (want.role == "" || n.ToRole == want.role) &&
					(want.id == "" || slices.Contains(n.To, want.id))
			}) {
				w.fail("%s: event %s should tell %s (%s) but does not; notifications: %+v", what, ev.Type, want.id+string(want.role), want.kind, o.notes)
			}
		}
	}
}

// staffID finds the staff IDs of everyone in a text.
var staffID = func() *regexp.Regexp {
	var ids []string
	for _, p := range everyone {
		ids = append(ids, p.ID)
	}
	return regexp.MustCompile(`\b(` + strings.Join(ids, "|") + `)\b`)
}()

// namedByID is the staff ID of someone whose name the action knows that the text gives instead of
// the name (revision 10 names people by name in the messages it writes), or "".
func (w *world) namedByID(text string) string {
	for _, id := range staffID.FindAllString(text, -1) {
		if w.s.Names[id] != "" {
			return id
		}
	}
	return ""
}

// audience is someone an event must be told to: a person or a role, with a notification's kind.
type audience struct {
	kind string
	id   string
	role workflows.Role
}

// mustHear is who must hear of an event, from SPEC's lifecycle: the recipient of a handover, the
// hander of its answer, expiry or withdrawal, the customer of an accepted one, the ladder's role of
// an escalation, the owner and a checker at the due time, the new owner of a reassignment.
func (w *world) mustHear(o outcome, ev workflows.Event) []audience {
	s := &w.s
	str := func(k string) string { v, _ := ev.Data[k].(string); return v }
	handover := func() *workflows.Handover {
		id := str("handover_id")
		i := slices.IndexFunc(s.Handovers, func(h workflows.Handover) bool { return h.ID == id })
		if i < 0 {
			w.fail("event %s names handover %q, which the action does not have", ev.Type, id)
		}
		return &s.Handovers[i]
	}
	var out []audience
	switch ev.Type {
	case workflows.EventCreated:
		if s.OwnerID == "" {
			out = append(out, audience{kind: workflows.NotifyUnassigned, role: workflows.RoleSupervisor})
		}
	case workflows.EventHandoverRequested:
		out = append(out, audience{kind: workflows.NotifyHandoverRequested, id: str("to_id")})
	case workflows.EventHandoverAccepted:
		out = append(out, audience{kind: workflows.NotifyHandoverAccepted, id: str("from_id")})
		if !slices.ContainsFunc(o.events, func(e workflows.Event) bool {
			return e.Type == workflows.EventCustomerTold && e.Data["handover_id"] == str("handover_id")
		}) {
			w.fail("an accepted handover does not tell the customer to whom and why")
		}
	case workflows.EventCustomerTold:
		out = append(out, audience{kind: workflows.NotifyCustomerMessage})
		if _, ok := ev.Data["handover_id"]; ok {
			// The words the product chooses for the customer, when the sender gave none, give no
			// staff ID and not the team's own reason.
			h, message := handover(), str("message")
			if strings.TrimSpace(h.CustomerMessage) == "" && (staffID.MatchString(message) || strings.Contains(message, h.Reason)) {
				w.fail("the customer is told %q (of the handover to %s, for %q)", message, h.ToID, h.Reason)
			}
		}
	case workflows.EventHandoverDeclined:
		out = append(out, audience{kind: workflows.NotifyHandoverDeclined, id: str("from_id")})
	case workflows.EventHandoverExpired:
		out = append(out, audience{kind: workflows.NotifyHandoverExpired, id: str("from_id")},
			audience{kind: workflows.NotifyHandoverExpired, id: str("to_id")})
	case workflows.EventHandoverWithdrawn:
		h := handover()
		out = append(out, audience{kind: workflows.NotifyHandoverWithdrawn, id: h.ToID})
		if ev.ActorID != h.FromID {
			out = append(out, audience{kind: workflows.NotifyHandoverWithdrawn, id: h.FromID})
		}
	case workflows.EventEscalated, workflows.EventEscalationReminder:
		level, _ := ev.Data["level"].(int)
		if level < 1 || level > len(s.Ladder) {
			w.fail("%s at level %d of a ladder of %d", ev.Type, level, len(s.Ladder))
		}
		out = append(out, audience{kind: workflows.NotifyEscalated, role: s.Ladder[level-1]})
		if ev.Type == workflows.EventEscalated && o.command == workflows.UpdateEscalate {
			// A supervisor's escalation goes to the managers, not back to the supervisors.
			rank := map[workflows.Role]int{workflows.RoleSupervisor: 1, workflows.RoleManager: 2}
			above := slices.IndexFunc(s.Ladder, func(r workflows.Role) bool { return rank[r] > rank[o.actor.Role] })
			if above >= 0 && level < above+1 {
				w.fail("%s's escalation went to level %d (%s), below the first level above them", o.actor.Role, level, s.Ladder[level-1])
			}
		}
	case workflows.EventDue:
		out = append(out, audience{kind: workflows.NotifyOutcomeAsked, id: s.OwnerID})
		if hander := s.LastHander(); hander != "" {
			out = append(out, audience{kind: workflows.NotifyCheckAsked, id: hander})
		} else {
			out = append(out, audience{kind: workflows.NotifyCheckAsked, role: workflows.RoleSupervisor})
		}
	case workflows.EventReassigned:
		out = append(out, audience{kind: workflows.NotifyAssigned, id: str("owner_id")})
		if from := str("from_id"); from != "" && from != ev.ActorID {
			// One who reassigns their own action is not told of it (revision 25).
			out = append(out, audience{kind: workflows.NotifyAssigned, id: from})
		}
	case workflows.EventFollowUpReminder:
		kind := workflows.NotifyFollowUp
		if _, checking := ev.Data["check_by"]; checking {
			// Waiting for the hander's check (revision 16): asked again to check it.
			kind = workflows.NotifyCheckAsked
		}
		out = append(out, audience{kind: kind, id: str("hander_id")})
	case workflows.EventCompleted:
		if hander := o.before.LastHander(); hander != "" && hander != ev.ActorID {
			out = append(out, audience{kind: workflows.NotifyCompleted, id: hander})
		}
	case workflows.EventCancelled:
		if s.OwnerID != "" {
			out = append(out, audience{kind: workflows.NotifyCancelled, id: s.OwnerID})
		}
	case workflows.EventFeedbackGiven:
		out = append(out, audience{kind: workflows.NotifyFeedback, id: handover().FromID})
	case workflows.EventExtended:
		if s.OwnerID != "" {
			out = append(out, audience{kind: workflows.NotifyAssigned, id: s.OwnerID})
		}
	case workflows.EventCorrected:
		if s.OwnerID != "" && s.OwnerID != ev.ActorID {
			out = append(out, audience{kind: workflows.NotifyCorrected, id: s.OwnerID})
		}
		if h := s.PendingHandover(); h != nil && h.ToID != ev.ActorID {
			out = append(out, audience{kind: workflows.NotifyCorrected, id: h.ToID})
		}
	case workflows.EventPaused, workflows.EventResumed:
		if s.OwnerID != "" && s.OwnerID != ev.ActorID {
			out = append(out, audience{kind: workflows.NotifyAssigned, id: s.OwnerID})
		}
	}
	return out
}

// becomes is SPEC section 3's lifecycle table: the statuses each command or timer may leave an
// action in (a command that leaves the status alone is not listed). A handover, say, makes an
// assigned action handover_pending, and nothing else. An extension restarts the timers of the
// status the action had before its due time: a handover still pending stays pending, an action
// nobody owns is unassigned again.
var becomes = map[string][]workflows.Status{
	workflows.UpdateCreate:   {workflows.StatusAssigned, workflows.StatusUnassigned},
	workflows.UpdateHandover: {workflows.StatusHandoverPending},
	workflows.UpdateAccept:   {workflows.StatusAssigned},
	workflows.UpdateDecline:  {workflows.StatusAssigned},
	workflows.UpdateWithdraw: {workflows.StatusAssigned},
	workflows.UpdateClaim:    {workflows.StatusAssigned},
	workflows.UpdateReassign: {workflows.StatusAssigned},
	workflows.UpdateExtend:   {workflows.StatusAssigned, workflows.StatusHandoverPending, workflows.StatusUnassigned},
	workflows.UpdateEscalate: {workflows.StatusEscalated},
	workflows.UpdateComplete: {workflows.StatusCompleted},
	workflows.UpdateCancel:   {workflows.StatusCancelled},
	workflows.UpdateCheck:    {workflows.StatusCompleted, workflows.StatusAssigned, workflows.StatusEscalated},

	"timer " + workflows.DeadlineAssign:   {workflows.StatusEscalated},
	"timer " + workflows.DeadlineAccept:   {workflows.StatusEscalated},
	"timer " + workflows.DeadlineDue:      {workflows.StatusChecking},
	"timer " + workflows.DeadlineCheck:    {workflows.StatusEscalated},
	"timer " + workflows.DeadlineEscalate: {workflows.StatusEscalated},
}

// checkTransition: each step moves the action as the lifecycle table says (the others leave its
// status alone); its owner changes only when a handover is accepted, it is reassigned or claimed;
// and an accepted handover starts the hander's follow-up reminders.
func (w *world) checkTransition(o outcome, what string) {
	s := &w.s
	if want, ok := becomes[what]; ok {
		if !slices.Contains(want, s.Status) {
			w.fail("%s left a %s action %s; the lifecycle allows %v", what, o.before.Status, s.Status, want)
		}
	} else if s.Status != o.before.Status {
		w.fail("%s moved the action from %s to %s", what, o.before.Status, s.Status)
	}
	changedOwner := slices.ContainsFunc(o.events, func(ev workflows.Event) bool {
		return ev.Type == workflows.EventHandoverAccepted || ev.Type == workflows.EventReassigned || ev.Type == workflows.EventClaimed
	})
	if what != workflows.UpdateCreate && s.OwnerID != o.before.OwnerID && !changedOwner {
		w.fail("%s changed the owner from %q to %q", what, o.before.OwnerID, s.OwnerID)
	}
	if what == workflows.UpdateAccept && (s.FollowUp == nil || s.FollowUp.HanderID != s.LastHander()) {
		w.fail("an accepted handover leaves its hander %q no follow-up reminder: %+v", s.LastHander(), s.FollowUp)
	}
}

// checkFinal: a completed or cancelled action stays so, takes nothing but notes and feedback, and
// has no clock running.
func (w *world) checkFinal(o outcome, what string) {
	s := &w.s
	if o.before.Status.Final() {
		if s.Status != o.before.Status {
			w.fail("%s changed a %s action to %s", what, o.before.Status, s.Status)
		}
		if o.command != workflows.UpdateNote && o.command != workflows.UpdateFeedback {
			w.fail("%s was accepted on a %s action", what, o.before.Status)
		}
	}
	if !s.Status.Final() {
		return
	}
	if at, kind := s.NextDeadline(); !at.IsZero() {
		w.fail("a %s action has a deadline: %s at %s", s.Status, kind, at)
	}
	if s.AssignBy != nil || s.CheckBy != nil || s.EscalateBy != nil || s.FollowUp != nil || s.Paused || s.PendingHandoverID != "" {
		w.fail("a %s action keeps a clock, a follow-up, a pause or a pending handover", s.Status)
	}
}

// checkHandovers: at most one handover is pending, exactly while the action is handover_pending,
// from its owner to someone else; a handover that has ended is never changed again but for its
// one rating; handovers are only added, numbered h1, h2... and bounded.
func (w *world) checkHandovers(o outcome, what string) {
	s := &w.s
	pending := 0
	for i, h := range s.Handovers {
		if h.ID != fmt.Sprintf("h%d", i+1) {
			w.fail("%s: handover %d has ID %q", what, i+1, h.ID)
		}
		if h.Status == workflows.HandoverPending {
			pending++
		}
	}
	isPending := s.Status == workflows.StatusHandoverPending
	if (s.PendingHandoverID != "") != isPending || (pending == 1) != isPending || pending > 1 {
		w.fail("%s: status %s with pending_handover_id %q and %d handovers pending", what, s.Status, s.PendingHandoverID, pending)
	}
	if h := s.PendingHandover(); isPending {
		if h == nil || h.Status != workflows.HandoverPending {
			w.fail("%s: pending_handover_id %q names no pending handover", what, s.PendingHandoverID)
		}
		if h.FromID != s.OwnerID || h.ToID == s.OwnerID {
			w.fail("%s: the pending handover is from %s to %s while %s owns the action", what, h.FromID, h.ToID, s.OwnerID)
		}
	}
	if len(s.Handovers) < len(o.before.Handovers) || len(s.Handovers) > workflows.MaxHandovers {
		w.fail("%s: %d handovers after %d", what, len(s.Handovers), len(o.before.Handovers))
	}
	for i, was := range o.before.Handovers {
		if was.Status == workflows.HandoverPending {
			continue
		}
		now := s.Handovers[i]
		if was.FeedbackRating == 0 {
			was.FeedbackRating, was.FeedbackComment = now.FeedbackRating, now.FeedbackComment
		}
		if !reflect.DeepEqual(was, now) {
			w.fail("%s changed handover %s, which had ended:\n%+v\n%+v", what, was.ID, was, now)
		}
	}
}

// checkOwned: nothing is left unowned. An action that is assigned, pending a handover or being
// checked has an owner; one unassigned has none. One without an owner has told a role of it, and
// (unless paused: waiting on the customer stops its clocks) has a deadline still to come.
func (w *world) checkOwned(o outcome, what string) {
	s := &w.s
	for _, n := range o.notes {
		if n.ToRole != "" {
			w.alerted = true
		}
	}
	if s.Status.Final() {
		return
	}
	switch s.Status {
	case workflows.StatusAssigned, workflows.StatusHandoverPending, workflows.StatusChecking:
		if s.OwnerID == "" {
			w.fail("%s: an action %s has no owner", what, s.Status)
		}
	case workflows.StatusUnassigned:
		if s.OwnerID != "" {
			w.fail("%s: an unassigned action is owned by %s", what, s.OwnerID)
		}
	}
	if s.OwnerID != "" {
		return
	}
	if !w.alerted {
		w.fail("%s: the action is %s with no owner, and no role was told of it", what, s.Status)
	}
	if at, _ := s.NextDeadline(); at.IsZero() && !s.Paused {
		w.fail("%s: the action is %s with no owner and no deadline to come", what, s.Status)
	}
}

// checkDeadlines: an open action that is not paused always has a deadline to come; a paused one
// only its follow-up reminders, its pause's end, or (without an end) the daily reminder to its
// owner, which it always has: nothing paused is left for someone to remember.
func (w *world) checkDeadlines(_ outcome, what string) {
	s := &w.s
	if s.Status.Final() {
		return
	}
	at, kind := s.NextDeadline()
	if s.Paused {
		switch kind {
		case "", workflows.DeadlineFollowUp, workflows.DeadlineResume, workflows.DeadlinePauseReminder:
		default:
			w.fail("%s: a paused action has a %s deadline", what, kind)
		}
		if s.ResumeAt == nil && s.PauseRemindAt == nil {
			w.fail("%s: a paused action has neither an end nor a reminder", what)
		}
		return
	}
	if at.IsZero() {
		w.fail("%s: an open action (%s, level %d) has no deadline", what, s.Status, s.EscalationLevel)
	}
}

// checkEscalation: an escalated action is at a level of its ladder, for a reason; any other open
// action is at none.
func (w *world) checkEscalation(_ outcome, what string) {
	s := &w.s
	if s.Status.Final() {
		return
	}
	if s.Status == workflows.StatusEscalated {
		if s.EscalationLevel < 1 || s.EscalationLevel > len(s.Ladder) {
			w.fail("%s: escalated to level %d of a ladder of %d", what, s.EscalationLevel, len(s.Ladder))
		}
		if strings.TrimSpace(s.EscalationReason) == "" {
			w.fail("%s: escalated for no reason", what)
		}
	} else if s.EscalationLevel != 0 {
		w.fail("%s: an action %s is at escalation level %d", what, s.Status, s.EscalationLevel)
	}
}

// checkHander: the hander is who handed the action to its current owner by a handover, nobody
// after a reassignment or a claim; never the owner; and the follow-up reminders are theirs, while
// they can check (not once the action is escalated or ended).
func (w *world) checkHander(o outcome, what string) {
	s := &w.s
	for _, ev := range o.events {
		switch ev.Type {
		case workflows.EventHandoverAccepted:
			w.hander, _ = ev.Data["from_id"].(string)
		case workflows.EventReassigned, workflows.EventClaimed:
			w.hander = ""
		}
	}
	if got := s.LastHander(); got != w.hander {
		w.fail("%s: the hander is %q, want %q", what, got, w.hander)
	}
	if w.hander != "" && w.hander == s.OwnerID {
		w.fail("%s: %s is both the owner and the hander", what, w.hander)
	}
	if f := s.FollowUp; f != nil {
		if f.HanderID != w.hander {
			w.fail("%s: follow-ups go to %s, but the hander is %q", what, f.HanderID, w.hander)
		}
		if !slices.Contains([]workflows.Status{workflows.StatusAssigned, workflows.StatusHandoverPending, workflows.StatusChecking}, s.Status) {
			w.fail("%s: an action %s reminds its hander to follow up", what, s.Status)
		}
	}
}

// checkPause: a paused action knows since when and why; a due time given while paused is kept as
// given only until the action resumes; resuming moves no deadline earlier, and moves each one still
// ahead at the pause by exactly the action's time the pause took.
func (w *world) checkPause(o outcome, what string) {
	s := &w.s
	if s.Paused != (s.PausedAt != nil) || s.Paused != (s.PauseReason != "") {
		w.fail("%s: paused %t, paused_at %v, reason %q", what, s.Paused, s.PausedAt, s.PauseReason)
	}
	if s.DueFixed && !s.Paused && !s.Status.Final() {
		// (A final action keeps the flag: it is never resumed.)
		w.fail("%s: due_fixed on an action not paused", what)
	}
	if o.command != workflows.UpdateResume {
		return
	}
	from := *o.before.PausedAt
	took := w.now.Sub(from)
	type deadline struct {
		name        string
		was, is     *time.Time
		keptAsGiven bool
	}
	pairs := []deadline{
		{"assign_by", o.before.AssignBy, s.AssignBy, false},
		{"check_by", o.before.CheckBy, s.CheckBy, false},
		{"escalate_by", o.before.EscalateBy, s.EscalateBy, false},
		{"due_at", &o.before.DueAt, &s.DueAt, o.before.DueFixed},
	}
	if h := o.before.PendingHandover(); h != nil {
		pairs = append(pairs, deadline{"expires_at", h.ExpiresAt, s.PendingHandover().ExpiresAt, false})
	}
	for _, p := range pairs {
		if p.was == nil {
			continue
		}
		if p.is.Before(*p.was) {
			w.fail("%s brought %s forward from %s to %s", what, p.name, p.was, p.is)
		}
		if w.clock != nil {
			// On the calendar, later by the business time the pause took.
			if p.was.After(from) && !p.keptAsGiven && w.clock.Between(*p.was, *p.is) != w.clock.Between(from, w.now) {
				w.fail("%s moved %s from %s to %s: %s of business time, but the pause took %s", what, p.name, p.was, p.is,
					w.clock.Between(*p.was, *p.is), w.clock.Between(from, w.now))
			}
			continue
		}
		want := *p.was
		if p.was.After(from) && !p.keptAsGiven {
			want = want.Add(took)
		}
		if !p.is.Equal(want) {
			w.fail("%s moved %s from %s to %s, want %s (paused %s)", what, p.name, p.was, p.is, want, took)
		}
	}
}

// checkBusinessTime: on a business-time calendar nobody is escalated, reminded of an escalation,
// or has a handover lapse while the desk is closed (or only at the instant it closes).
func (w *world) checkBusinessTime(o outcome, what string) {
	if w.clock == nil || o.command != "" {
		return
	}
	for _, ev := range o.events {
		switch ev.Type {
		case workflows.EventEscalated, workflows.EventEscalationReminder, workflows.EventHandoverExpired:
			if !w.clock.IsOpen(ev.At) && !w.clock.IsOpen(ev.At.Add(-time.Nanosecond)) {
				w.fail("%s: %s at %s, when the desk is closed", what, ev.Type, ev.At.In(w.clock.Location()))
			}
		}
	}
}

// checkClone: a copy of the state shares nothing that changes with it: its handovers (and their
// note fields), ladder, required fields, names and remembered requests are its own.
func (w *world) checkClone(what string) {
	s := &w.s
	seen := stateJSON(w, s)
	c := s.Clone()
	for i := range c.Handovers {
		c.Handovers[i].Status = "changed"
		if c.Handovers[i].Notes.Fields != nil {
			c.Handovers[i].Notes.Fields["room"] = "changed"
		}
	}
	c.Handovers = append(c.Handovers, workflows.Handover{ID: "extra"})
	c.Ladder[0] = "changed"
	if len(c.Policy.RequiredFields) > 0 {
		c.Policy.RequiredFields[0] = "changed"
	}
	if c.Names == nil {
		c.Names = map[string]string{}
	}
	c.Names["alice"] = "changed"
	c.RecentRequests = append(c.RecentRequests, workflows.Idempotency{Key: "changed"})
	if after := stateJSON(w, s); after != seen {
		w.fail("%s: changing a copy of the state changed the state:\n%s\n%s", what, seen, after)
	}
}
