package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// actionRow is an action as the lists of the UI show it.
type actionRow struct {
	actionJSON
	Overdue bool
	DueIn   string
	// DueOnHold is true while the action is paused with time left to its due time: DueIn says how
	// much, and DueAt waits (resuming moves it on by the time the pause took).
	DueOnHold bool
	// DueFixed is true while the action is paused with a due time given as a time during the
	// pause: it does not wait, and resuming does not move it.
	DueFixed bool
	// PauseEnds says when a paused action resumes by itself ("in 3h 0m"), if its pause has an end;
	// PauseEndsAhead is true while that is still to come (the page counts it down).
	PauseEnds      string
	PauseEndsAhead bool
	// PauseRemind says when the owner of an action paused without an end is next reminded of it
	// ("in 23h 59m"; "any moment now" once that time has come).
	PauseRemind string
	// PausedAgo says how long ago an action whose due time waits was paused ("26h 0m ago").
	PausedAgo string
	// PausedFor is why a paused action waits on the customer, as its pause said ("" while it runs,
	// or for a pause whose reason the read model does not hold).
	PausedFor string
	// EscalatedFor is why an escalated action is escalated, as its latest escalation said, and
	// EscalatedAgo since when it is at its level ("12m ago"); "" while it is not escalated, or
	// for one whose reason or time the read model does not hold.
	EscalatedFor, EscalatedAgo string
	PendingSince               string
	PendingTo                  string
	// AnswerBy is when the pending handover must be accepted: the end of its accept window, or
	// the action's due time when that comes first (AnswerByDue), which withdraws it.
	AnswerBy    *time.Time
	AnswerByDue bool
	// AnswerIn is how long is left to answer ("in 28m"), which the page counts on.
	AnswerIn string
	// NextStep says what happens at NextAt should nobody act: "to the managers", "the managers
	// reminded again" (escalated), "escalated" (at its check); NextIn how long until then.
	NextStep, NextIn string
	NextAt           *time.Time
	// Commands are those the viewer may use on it now (the board shows only their forms).
	Commands []string
	// TeamName is the action's team, named on a card of a list that spans teams, else "".
	TeamName string
	// CustomerErased is true once the customer's personal data was erased: no form asks for a
	// message to them (the board reads it; other lists leave it false).
	CustomerErased bool
}

// boardCommands are the commands a board card offers, in its "Act on it" panel.
var boardCommands = []string{workflows.UpdateWithdraw, workflows.UpdateReassign, workflows.UpdateExtend, workflows.UpdateEscalate, workflows.UpdateCancel}

// ActsOnBoard reports whether the card offers any command on the board.
func (r actionRow) ActsOnBoard() bool {
	return slices.ContainsFunc(r.Commands, func(c string) bool { return slices.Contains(boardCommands, c) })
}

func (s *server) rows(items []actionJSON) []actionRow {
	now := s.Now()
	out := make([]actionRow, len(items))
	for i, a := range items {
		r := actionRow{actionJSON: a}
		if a.Paused && a.PauseReason != nil {
			r.PausedFor = *a.PauseReason
		}
		if a.EscalationReason != nil {
			r.EscalatedFor = *a.EscalationReason
		}
		if a.EscalatedAt != nil {
			r.EscalatedAgo = humanDuration(a.EscalatedAt.Sub(now))
		}
		r.NextStep, r.NextAt = nextStep(a)
		if r.NextAt != nil {
			r.NextIn = comingIn(*r.NextAt, now)
		}
		open := !workflows.Status(a.Status).Final()
		r.Overdue = open && !a.Paused && a.DueAt.Before(now)
		r.DueIn = humanDuration(a.DueAt.Sub(now))
		r.DueFixed = open && a.Paused && a.DueLeft == nil
		if a.DueLeft != nil {
			// Its due time waits while it is paused: what counts is the time it has once resumed.
			if left, err := time.ParseDuration(*a.DueLeft); err == nil && left > 0 {
				// The action's own time, business time on a team's calendar: in hours, never days
				// (48 hours of a desk open ten a weekday are nearly five working days).
				r.DueIn, r.DueOnHold = hoursText(left)+" left once resumed", true
				if a.PausedAt != nil {
					// How long it has lasted shows a pause left too long (the page counts it on).
					r.PausedAgo = humanDuration(a.PausedAt.Sub(now))
				}
			}
		}
		if open && a.Paused && a.ResumeAt != nil {
			// Whatever its due time: at its check or escalated, a pause with an end ends all the same.
			r.PauseEnds, r.PauseEndsAhead = comingIn(*a.ResumeAt, now), a.ResumeAt.After(now)
		}
		if open && a.Paused && a.PauseRemindAt != nil {
			r.PauseRemind = comingIn(*a.PauseRemindAt, now)
		}
		if a.PendingHandover != nil {
			r.PendingSince = humanDuration(a.PendingHandover.RequestedAt.Sub(now))
			r.PendingTo = a.PendingHandover.ToID
			if by := a.PendingHandover.ExpiresAt; by != nil {
				at, dueFirst := workflows.AnswerBy(*by, a.DueAt, a.Paused)
				r.AnswerBy, r.AnswerByDue, r.AnswerIn = &at, dueFirst, comingIn(at, now)
			}
		}
		out[i] = r
	}
	return out
}

// nextStep is what happens to the action next should nobody act, and when: at its check, it is
// escalated; escalated, it goes to the next level of the ladder, or at the top its level is
// reminded again. "" and nil when nothing is to come (or the read model does not know when).
func nextStep(a actionJSON) (string, *time.Time) {
	switch {
	case a.CheckBy != nil:
		return "escalated", a.CheckBy
	case a.EscalateBy != nil:
		ladder := workflows.DefaultLadder
		if a.EscalationLevel < len(ladder) {
			return "to the " + string(ladder[a.EscalationLevel]) + "s", a.EscalateBy
		}
		return "the " + string(ladder[len(ladder)-1]) + "s reminded again", a.EscalateBy
	}
	return "", nil
}

// humanDuration says a span the way a person at a desk reads it: "in 2h 5m", "3m ago".
func humanDuration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute && neg:
		// Which side of now still matters: a due time just passed is overdue.
		return "under a minute ago"
	case d < time.Minute:
		return "in under a minute"
	}
	txt := spanText(d)
	if neg {
		return txt + " ago"
	}
	return "in " + txt
}

// comingIn says when something the workflow does by itself comes ("in 3h 0m"), or, its time come,
// that it is on its way: "any moment now" (a pause's end, a reminder), not "1m ago".
func comingIn(at, now time.Time) string {
	if !at.After(now) {
		return "any moment now"
	}
	return humanDuration(at.Sub(now))
}

// spanText says how long a span is: "40s", "3m", "2h 5m", "3 days".
func spanText(d time.Duration) string {
	if d.Round(time.Second) < time.Minute { // 59.7 s is "1m", not "60s"
		return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
	}
	d = d.Round(time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return hoursMinutes(d)
	}
	// To the nearest day: 5 days 20 hours overdue reads "6 days", not "5 days", which understated
	// it by almost a day.
	return fmt.Sprintf("%d days", int((d+12*time.Hour)/(24*time.Hour)))
}

// heldText says a span as spanText does, but keeps the hours of two days and more ("2 days 5h"):
// a total of time held is compared between people, where "2 days ago" reads well enough.
func heldText(d time.Duration) string {
	if d.Round(time.Minute) < 48*time.Hour {
		return spanText(d)
	}
	d = d.Round(time.Hour)
	days, hours := int(d.Hours())/24, int(d.Hours())%24
	if hours == 0 {
		return fmt.Sprintf("%d days", days)
	}
	return fmt.Sprintf("%d days %dh", days, hours)
}

// percentText says a share as a whole percentage, a half rounded up: 1 of 8 is "13%", where
// Printf's rounding to even said "12%".
func percentText(share float64) string {
	// To a millionth first: 29 of 200 is 0.145, which a float holds as 14.4999... percent.
	return fmt.Sprintf("%d%%", int(math.Round(math.Round(share*1e6)/1e4)))
}

// hoursMinutes says a span of whole minutes in hours and minutes: "2h 5m".
func hoursMinutes(d time.Duration) string {
	return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
}

// hoursText says a span of an action's own time as spanText does, but in hours from one hour on,
// however long: "52h 30m", not "2 days".
func hoursText(d time.Duration) string {
	if d < time.Hour {
		return spanText(d)
	}
	return hoursMinutes(d.Round(time.Minute))
}

func (s *server) uiInbox(c *gin.Context) {
	s.inboxPage(c, http.StatusOK, url.Values{}, nil)
}

// inboxPage shows the inbox; after a refused shift handover of one's own, with its form as typed
// and the reason.
func (s *server) inboxPage(c *gin.Context, status int, form url.Values, problem *apiResult) {
	var in inboxJSON
	if !s.read(c, "/api/v1/me/inbox", &in, "The inbox") {
		return
	}
	owned := s.rows(in.Owned)
	// Overdue first, then by due time: what needs doing first is on top.
	sort.SliceStable(owned, func(i, j int) bool {
		if owned[i].Overdue != owned[j].Overdue {
			return owned[i].Overdue
		}
		return owned[i].DueAt.Before(owned[j].DueAt)
	})
	// What the person was told lately (a declined handover, an escalation to them, a reminder):
	// the newest first.
	var told struct {
		Items []notificationJSON `json:"items"`
	}
	// More than it shows: a shift handover's leftovers are one line of the inbox, and one more
	// line says whether there is more to see on the page of everything told.
	if r := s.call(c, http.MethodGet, "/api/v1/me/notifications?limit="+strconv.Itoa(inboxNotificationsRead), nil, ""); r.ok() {
		_ = r.decode(&told)
	}
	for i := range told.Items {
		told.Items[i].Message = pageWords(told.Items[i].Message)
	}
	recent := toldLines(told.Items, len(told.Items) == inboxNotificationsRead)
	toldMore := len(recent) > inboxNotifications || len(told.Items) == inboxNotificationsRead
	recent = recent[:min(len(recent), inboxNotifications)]
	// The person's own actions at their due time are under Owned, not Checks (which are the checks
	// they make of others' work): the heading says how many of them want an outcome now.
	atCheck, offered, escalated, needsNotes := 0, 0, 0, 0
	notes := policyNotes{}
	var shiftNotes []shiftNotesRow // the notes of its own each action a shift handover passes on may have
	supervisor := workflows.Role(principal(c).Role).SupervisorOrAbove()
	for _, a := range owned {
		switch a.Status {
		case string(workflows.StatusChecking):
			atCheck++
		case string(workflows.StatusHandoverPending):
			offered++
		case string(workflows.StatusEscalated):
			escalated++
		}
		switch {
		case supervisor && (a.Status == string(workflows.StatusChecking) || a.Status == string(workflows.StatusEscalated)):
			// Their own shift handover reassigns it, with its notes in the reason.
			shiftNotes = append(shiftNotes, notes.row(c.Request.Context(), s, a.actionJSON))
		case a.Status == string(workflows.StatusAssigned):
			row := notes.row(c.Request.Context(), s, a.actionJSON)
			shiftNotes = append(shiftNotes, row)
			// A shift handover skips one whose policy asks for notes nobody gave: the form asks
			// for them, and ending the shift counts those it cannot carry (a customer's context).
			if row.NoContext {
				needsNotes++
			}
		}
	}
	// A list at its bound holds the first InboxListLimit: the page says how many there are in all,
	// and so does the warning before ending the shift.
	ownedTotal, awaitingTotal := len(owned), len(in.AwaitingAcceptance)
	if ownedTotal >= models.InboxListLimit || awaitingTotal >= models.InboxListLimit {
		if o, w, err := s.Store.OpenWork(c.Request.Context(), principal(c).ID, -1); err == nil {
			ownedTotal, awaitingTotal = max(ownedTotal, int(o)), max(awaitingTotal, int(w))
		}
	}
	data := gin.H{
		"Owned": owned, "OwnedAtCheck": atCheck, "Supervises": supervisor,
		"OwnedTotal": ownedTotal, "AwaitingTotal": awaitingTotal,
		"Awaiting":  s.rows(in.AwaitingAcceptance),
		"FollowUps": s.rows(in.FollowUpsDue), "Checks": s.rows(in.ChecksDue), "Told": recent, "ToldMore": toldMore, "ToldShown": toldPage,
		"Escalated": s.rows(in.Escalated), "EscalatedFrom": workflows.Role(principal(c).Role).FirstEscalationLevel(),
		"OwnedAway": s.rows(in.OwnedByPeopleAway),
		"ToTell":    in.CustomersToTell, "ToTellFull": len(in.CustomersToTell) >= models.InboxListLimit, "LaterTell": laterMessages(in.CustomersToTell), "EndedSince": endedSince(in.CustomersToTell),
		"ContactMethods": workflows.ContactMethods,
		"Form":           form, "Idem": pageIdem(c), "Situations": workflows.Situations, "ShiftNotes": tellApart(shiftNotes), "TellFailed": "",
	}
	if me := principal(c); workflows.Role(me.Role).CanOwn() {
		data["WorksShifts"], data["OnShift"] = true, me.OnShift
		// No handover passes on an action at its due time or escalated: a supervisor's shift
		// handover reassigns those, the person's own skips them.
		stuck := 0
		if !workflows.Role(me.Role).SupervisorOrAbove() {
			stuck = atCheck + escalated
		}
		warning := endShiftWarning(ownedTotal, offered, stuck, needsNotes, awaitingTotal)
		n := 0
		for _, t := range in.CustomersToTell {
			if !t.Stranded {
				n++
			}
		}
		if n > 0 {
			// Nobody tells them while the person is away: the supervisors see them on the board,
			// and in their inbox those nobody at work sees.
			tell := fmt.Sprintf("You have %s to tell customers, not recorded as told: %s in your inbox, and while you are away in the inbox of a colleague at work (the action's owner, or else your supervisors), until someone records telling %s.",
				plural(n, "message"), pick(n, "it stays", "they stay"), pick(n, "it", "them"))
			if warning == "" {
				warning = tell + " End your shift anyway?"
			} else {
				warning = tell + " " + warning
			}
		}
		if me.OnShift && workflows.Role(me.Role) == workflows.RoleSupervisor && teamOf(me) != "" && s.lastSupervisorOnShift(c, me.ID, teamOf(me)) {
			// Her team's alerts for its supervisors go to the managers while none is on shift.
			data["LastSupervisor"] = true
			last := "You are the only supervisor of your team on shift: until one is back, its checks and escalations for the supervisors go to the managers too."
			if warning == "" {
				warning = last + " End your shift?"
			} else {
				warning = last + " " + warning
			}
		}
		data["EndShiftWarning"] = warning
		data["OwnedStuck"] = stuck
		data["Claimable"], data["UnclaimedOthers"] = s.claimable(c, me)
	}
	if len(owned) > 0 {
		// Whoever owns actions can hand over their own shift (a supervisor does it for others
		// on the board).
		me := s.viewer(c)
		data["Colleagues"] = s.teamStaff(c, me.TeamID, me.ID)
	}
	if problem != nil {
		data["Error"] = problem.message()
		if form.Get("back") == uiBackTell {
			// The form of the task it was sent for is drawn again with what was typed, each field
			// it faults marked.
			data["TellFailed"], data["Fields"] = c.Param("id")+"-"+form.Get("message_seq"), problem.fields()
		}
		if form.Get("back") == "inbox" {
			// The shift handover form was refused: it is open again, each field it faults marked.
			data["ShiftRefused"], data["Fields"] = true, problem.fields()
		}
	}
	s.render(c, status, "inbox", data)
}

// laterMessages maps each task of the inbox's customers to tell ("<action>-<seq>") that a later
// message of the same action may replace to that later message's entry: whoever it was given to,
// and told or not (a message in another's inbox, or told already, makes this one as out of date).
func laterMessages(tasks []customerTaskJSON) map[string]int64 {
	out := map[string]int64{}
	for _, t := range tasks {
		if t.LaterMessageSeq != nil {
			out[fmt.Sprintf("%s-%d", t.ActionID, t.MessageSeq)] = *t.LaterMessageSeq
		}
	}
	return out
}

// endedSince maps each task to tell (by action and entry) whose action was completed or cancelled
// after the message was given to the action's status: news of a handover, say, that the end of
// the request may make moot. A message given with the end itself (the outcome) is not among them.
func endedSince(tasks []customerTaskJSON) map[string]string {
	out := map[string]string{}
	for _, t := range tasks {
		if t.RecordsCloseAt != nil && t.AskedAt.Before(t.RecordsCloseAt.Add(-workflows.DefaultKeepOpenFor)) {
			out[fmt.Sprintf("%s-%d", t.ActionID, t.MessageSeq)] = t.Status
		}
	}
	return out
}

// inboxUnassigned is how many of the team's unassigned actions the inbox offers to claim.
const inboxUnassigned = 20

// claimable lists the unassigned actions of the person's team that they may claim now (mine): only
// the supervisors are told of such an action, and an agent has no board, so without this list the
// claim on its page is out of reach of the people who could make it. For a supervisor it lists the
// others too: those needing more authority than theirs, which nobody could be given, and which a
// supervisor's inbox otherwise left out until they were escalated.
func (s *server) claimable(c *gin.Context, me models.Staff) (mine, others []actionRow) {
	team := teamOf(me)
	if team == "" {
		return nil, nil
	}
	q := url.Values{"status": {string(workflows.StatusUnassigned)}, "team_id": {team}, "limit": {strconv.Itoa(inboxUnassigned)}}
	var page struct {
		Items []actionJSON `json:"items"`
	}
	if r := s.call(c, http.MethodGet, "/api/v1/actions?"+q.Encode(), nil, ""); !r.ok() || r.decode(&page) != nil {
		return nil, nil
	}
	supervises := workflows.Role(me.Role).SupervisorOrAbove()
	for _, row := range s.rows(page.Items) {
		state := stateOfView(row.actionJSON)
		switch {
		case slices.Contains(workflows.Available(&state, actorOf(me), recipientOf(me)), workflows.UpdateClaim):
			mine = append(mine, row)
		case supervises:
			others = append(others, row)
		}
	}
	return mine, others
}

// shiftNotesRow is one action in the "Hand over my shift" form, with the notes of its own it may
// be given: an account of it and its next steps always, and each other note its policy asks every
// handover for (Required), as fields of the form named an_<action>_<note> (an_<action>_f_<field>
// for a field of the policy's own).
type shiftNotesRow struct {
	ID, Title string
	// Core are the core notes asked for beyond the summary and next steps (done so far, risks);
	// Fields the policy's own; NoContext is set when the policy asks for a customer's context,
	// which a shift handover does not carry.
	Core, Fields []string
	NoContext    bool
	// NextAsked is set when the policy asks for next steps, which the form always has a field for.
	NextAsked bool
	// Reassigned says why a supervisor's shift handover reassigns the action rather than hands it
	// over ("escalated", "at its due time, …"): its notes go in the reassignment's reason, and no
	// policy asks a reassignment for notes.
	Reassigned string
	titleAside
}

// titleAside is what tells an action apart from another of the same title on one page: its
// customer and due time, shown beside the title when Alike.
type titleAside struct {
	Alike    bool
	Customer string
	Due      time.Time
}

// asideOf is action a's titleAside, Alike not yet known.
func asideOf(a actionJSON) titleAside {
	return titleAside{Customer: cmp.Or(a.Customer.Name, a.Customer.Ref), Due: a.DueAt}
}

// titlesAlike answers whether a title is one that two or more of titles share, letter case and
// runs of spaces aside.
func titlesAlike(titles []string) func(title string) bool {
	key := func(title string) string { return strings.ToLower(strings.Join(strings.Fields(title), " ")) }
	seen := map[string]int{}
	for _, t := range titles {
		seen[key(t)]++
	}
	return func(title string) bool { return seen[key(title)] > 1 }
}

// notesRowOf is a row of the shift form for action a.
func notesRowOf(a actionJSON) shiftNotesRow {
	return shiftNotesRow{ID: a.ID, Title: a.Title, titleAside: asideOf(a)}
}

// tellApart marks the rows whose titles are alike, so the form shows what tells them apart.
func tellApart(rows []shiftNotesRow) []shiftNotesRow {
	titles := make([]string, len(rows))
	for i, r := range rows {
		titles[i] = r.Title
	}
	alike := titlesAlike(titles)
	for i, r := range rows {
		rows[i].Alike = alike(r.Title)
	}
	return rows
}

// shiftNotesOf is a row of note fields for each action of ownerID a supervisor's shift handover
// passes on (those assigned, handed over; those at their due time, escalated, or whose handover
// waits for someone off shift, reassigned), read
// through the API as the viewer; none when they cannot be read (the form then has the shift's one
// text).
func (s *server) shiftNotesOf(c *gin.Context, ownerID string) []shiftNotesRow {
	var list struct {
		Items []actionJSON `json:"items"`
	}
	q := url.Values{"owner_id": {ownerID}, "status": {string(workflows.StatusAssigned), string(workflows.StatusChecking), string(workflows.StatusEscalated), string(workflows.StatusHandoverPending)}, "limit": {"200"}}
	if res := s.call(c, http.MethodGet, "/api/v1/actions?"+q.Encode(), nil, ""); !res.ok() || res.decode(&list) != nil {
		return nil
	}
	// One whose handover waits for someone who can no longer answer it is reassigned too, by the
	// rule the shift handover itself applies; any other waits for its answer, and is left be.
	var pending []string
	for _, a := range list.Items {
		if a.Status == string(workflows.StatusHandoverPending) {
			pending = append(pending, a.ID)
		}
	}
	stranded := map[string]bool{}
	if len(pending) > 0 {
		st, err := s.Store.GetStaff(c.Request.Context(), ownerID)
		if err == nil {
			stranded, err = s.strandedHandovers(c.Request.Context(), pending, teamOf(st))
		}
		if err != nil {
			stranded = map[string]bool{} // the form offers what it can: the others' fields
		}
	}
	notes := policyNotes{}
	rows := make([]shiftNotesRow, 0, len(list.Items))
	who := s.who(c)
	for _, a := range list.Items {
		if a.Status == string(workflows.StatusHandoverPending) {
			if h := a.PendingHandover; h != nil && stranded[a.ID] {
				r := notesRowOf(a)
				r.Reassigned = "waiting for " + who(h.ToID) + ", who can no longer answer it"
				rows = append(rows, r)
			}
			continue
		}
		rows = append(rows, notes.row(c.Request.Context(), s, a))
	}
	return tellApart(rows)
}

// row is the shift form's fields of action a: those of the notes its policy version asks every
// handover for (none when the policy cannot be read: the handover says what it lacks). An action
// at its due time or escalated, which only a supervisor's shift handover passes on, by
// reassigning it, has the fields every action has and none asked for.
func (p policyNotes) row(ctx context.Context, s *server, a actionJSON) shiftNotesRow {
	if a.Status == string(workflows.StatusChecking) || a.Status == string(workflows.StatusEscalated) {
		r := notesRowOf(a)
		r.Reassigned = statusWords(a.Status)
		return r
	}
	required, err := p.required(ctx, s, models.Action{Category: a.Category, PolicyVersion: a.PolicyVersion})
	if err != nil {
		required = nil
	}
	return withNotesAsked(notesRowOf(a), required)
}

// withNotesAsked is row r with the fields of the notes a policy asks every handover for.
func withNotesAsked(r shiftNotesRow, required []string) shiftNotesRow {
	for _, f := range required {
		switch f {
		case "summary": // the shift's notes give it
		case "next_steps":
			r.NextAsked = true
		case "customer_context":
			r.NoContext = true
		case "done_so_far", "risks":
			r.Core = append(r.Core, f)
		default:
			r.Fields = append(r.Fields, f)
		}
	}
	return r
}

// shiftActionNotes reads the notes of their own the "Hand over my shift" form gave its actions
// (fields an_<action>_<note>, an_<action>_f_<field>), for the shift handover's action_notes; blank
// ones are left out.
func shiftActionNotes(f url.Values) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range f {
		rest, ok := strings.CutPrefix(k, "an_")
		id, note, found := strings.Cut(rest, "_")
		if !ok || !found || id == "" || note == "" || note == "f_" || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue // not one of the form's (a name made up elsewhere), or left blank
		}
		n := out[id]
		if n == nil {
			n = map[string]any{}
			out[id] = n
		}
		if field, custom := strings.CutPrefix(note, "f_"); custom {
			fields, _ := n["fields"].(map[string]string)
			if fields == nil {
				fields = map[string]string{}
				n["fields"] = fields
			}
			fields[field] = v[0]
			continue
		}
		n[note] = v[0]
	}
	return out
}

// lastSupervisorOnShift reports whether the supervisor is the only one of the team on shift; a
// staff directory that cannot be read says no (the warning is left out, not the page).
func (s *server) lastSupervisorOnShift(c *gin.Context, meID, teamID string) bool {
	staff, res := s.staffDirectory(c, teamID)
	if !res.ok() {
		return false
	}
	return !slices.ContainsFunc(supervisorsOnShift(staff), func(id string) bool { return id != meID })
}

// supervisorsOnShift are those of staff who are active supervisors on shift: while a team has
// none, the alerts for its supervisors go to the managers too.
func supervisorsOnShift(staff []staffView) []string {
	var on []string
	for _, st := range staff {
		if st.Active && st.OnShift && st.Role == string(workflows.RoleSupervisor) {
			on = append(on, st.ID)
		}
	}
	return on
}

// endShiftWarning is what "End my shift" asks first, when the person still has work: the actions
// they own stay theirs (those offered to a colleague until accepted; those at their due time or
// escalated, stuck, only a supervisor passes on), and the handovers waiting for them cannot be
// accepted off shift.
func endShiftWarning(owned, offered, stuck, needsNotes, awaiting int) string {
	var parts []string
	if owned > 0 {
		of := ""
		if offered > 0 {
			of = fmt.Sprintf(" (%d of them offered to a colleague, yours until accepted)", offered)
			if owned == 1 {
				of = " (offered to a colleague, yours until accepted)"
			}
		}
		stays := fmt.Sprintf("You still own %s%s: %s yours, listed for your team's supervisors (or the managers) while you are away; ", plural(owned, "open action"), of, pick(owned, "it stays", "they stay"))
		// The shift handover passes on neither the actions offered to a colleague (skipped while
		// the offer waits), nor those whose policy asks for a customer's context, which it does not carry, nor
		// those only a supervisor can reassign.
		passes := max(owned-stuck-offered-needsNotes, 0)
		var not []string
		if offered > 0 {
			not = append(not, fmt.Sprintf("the %d offered to a colleague, which %s for an answer", offered, pick(offered, "waits", "wait")))
		}
		if needsNotes > 0 {
			not = append(not, fmt.Sprintf("the %d whose policy %s for notes a shift handover cannot give (hand %s over from its own page)",
				needsNotes, pick(needsNotes, "asks", "ask"), pick(needsNotes, "it", "each")))
		}
		if stuck > 0 {
			not = append(not, fmt.Sprintf("the %d at %s due time or escalated", stuck, pick(stuck, "its", "their")))
		}
		advice := ""
		if stuck > 0 {
			advice = fmt.Sprintf(": ask a supervisor to reassign %s", pick(stuck, "it", "them"))
		}
		switch {
		case len(not) == 0:
			stays += fmt.Sprintf("the shift handover form below passes %s on.", pick(owned, "it", "them"))
		case passes == 0 && offered == 0 && needsNotes == 0:
			stays += fmt.Sprintf("at %s due time or escalated, no handover passes %s on: ask a supervisor to reassign %s.",
				pick(owned, "its", "their"), pick(owned, "it", "them"), pick(owned, "it", "them"))
		case passes == 0 && stuck == 0 && needsNotes == 0:
			stays += fmt.Sprintf("offered to a colleague, %s for an answer: the shift handover form below passes %s on only once you withdraw the %s.",
				pick(owned, "it waits", "they wait"), pick(owned, "it", "them"), pick(owned, "offer", "offers"))
		case passes == 0:
			stays += "the shift handover form below passes " + pick(owned, "nothing", "none of them") + " on: not " + strings.Join(not, ", nor ") + advice + "."
		default:
			stays += fmt.Sprintf("the shift handover form below passes %s on, but not %s%s.", pick(passes, "one", fmt.Sprint(passes)), strings.Join(not, ", nor "), advice)
		}
		parts = append(parts, stays)
	}
	if awaiting > 0 {
		parts = append(parts, fmt.Sprintf("%s %s for you: off shift you cannot accept %s, so ending your shift declines %s, and whoever handed %s over is told and keeps it.",
			plural(awaiting, "handover"), pick(awaiting, "waits", "wait"), pick(awaiting, "it", "them"), pick(awaiting, "it", "them"), pick(awaiting, "it", "each")))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " ") + " End your shift anyway?"
}

// plural is a count with its noun: "1 handover", "3 handovers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// pick is the singular word for one, the plural one otherwise.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// toldPage is how many notifications the page of everything told shows at a time.
const toldPage = 50

// uiTold lists everything the person was told, newest first, a page at a time (before: the
// API's next_before of the page shown before).
func (s *server) uiTold(c *gin.Context) {
	q := url.Values{"limit": {strconv.Itoa(toldPage)}}
	before := c.Query("before")
	if before != "" {
		q.Set("before", before)
	}
	var told struct {
		Items      []notificationJSON `json:"items"`
		NextBefore *string            `json:"next_before"`
	}
	if !s.read(c, "/api/v1/me/notifications?"+q.Encode(), &told, "What you were told") {
		return
	}
	for i := range told.Items {
		told.Items[i].Message = pageWords(told.Items[i].Message)
	}
	next := ""
	if told.NextBefore != nil {
		next = *told.NextBefore
	}
	s.render(c, http.StatusOK, "told", gin.H{
		"Told": told.Items, "Next": next, "Older": before != "", "PageSize": toldPage, "InboxShows": inboxNotifications,
	})
}

// inboxNotifications is how many lines of the latest notifications the inbox shows.
const inboxNotifications = 15

// inboxNotificationsRead is how many of the latest notifications the inbox reads to fill its
// lines, where one line may hold a shift handover's many leftovers.
const inboxNotificationsRead = 4 * inboxNotifications

// toldLine is a line of the inbox's latest notifications: one notification, or the notices of
// the actions one shift handover left where they were, or one end of shift left with someone
// away, told together.
type toldLine struct {
	Item notificationJSON   // the notification, or the newest of the leftovers
	Left []notificationJSON // the shift handover's leftovers, two or more, newest first
	More bool               // Left ran on past the notifications read: there are more of them
	// Lead is what the notices of one end of shift all begin with, before their action's title
	// ("Erin Evans went off shift still owning"), said once for the line: each of Left then says
	// the rest. Why is the reason they all end with, that they came to the reader in another's
	// place ("(It comes to you because ...)"), said once after it.
	Lead, Why string
}

// toldLines puts the notifications, newest first, into the inbox's lines: a shift handover that
// leaves ten actions with the outgoing person tells the supervisors of each, as does someone going
// off shift owning ten, which would otherwise push everything else they were told off the inbox.
func toldLines(items []notificationJSON, full bool) []toldLine {
	var out []toldLine
	for i := 0; i < len(items); {
		j := i + 1
		if k := items[i].Kind; k == workflows.NotifyShiftLeftOver || k == workflows.NotifyOwnerOffShift {
			for j < len(items) && items[j].Kind == k && items[j].Seq == items[i].Seq {
				j++
			}
		}
		line := toldLine{Item: items[i]}
		if j-i > 1 {
			line.Left, line.More = items[i:j], full && j == len(items)
			if items[i].Kind == workflows.NotifyOwnerOffShift {
				line.Lead, line.Left = commonLead(line.Left)
				line.Why, line.Left = commonWhy(line.Left)
			}
		}
		out = append(out, line)
		i = j
	}
	return out
}

// commonLead is what every one of the notices begins with before the quoted title (“), and the
// notices with the rest alone; "" and the notices as they are when they do not all begin alike.
func commonLead(items []notificationJSON) (string, []notificationJSON) {
	lead, _, ok := strings.Cut(items[0].Message, "“")
	if !ok || strings.TrimSpace(lead) == "" {
		return "", items
	}
	out := make([]notificationJSON, len(items))
	for i, n := range items {
		rest, ok := strings.CutPrefix(n.Message, lead)
		if !ok || !strings.HasPrefix(rest, "“") {
			return "", items
		}
		out[i] = n
		out[i].Message = rest
	}
	return strings.TrimSpace(lead), out
}

// standInWhy begins what an alert that came to someone in another's place ends with.
const standInWhy = " (It comes to you because "

// commonWhy is the reason every one of the notices ends with, that it came to the reader in
// another's place, and the notices without it; "" and the notices as they are when they do not all
// end with the same one.
func commonWhy(items []notificationJSON) (string, []notificationJSON) {
	at := strings.LastIndex(items[0].Message, standInWhy)
	if at < 0 {
		return "", items
	}
	why := items[0].Message[at:]
	out := make([]notificationJSON, len(items))
	for i, n := range items {
		rest, ok := strings.CutSuffix(n.Message, why)
		if !ok {
			return "", items
		}
		out[i] = n
		out[i].Message = rest
	}
	return strings.TrimSpace(why), out
}

// teamStaff lists the people of a team who can own actions, but except (the owner, or the viewer),
// for the forms' choices.
func (s *server) teamStaff(c *gin.Context, teamID, except string) []staffView {
	staff, res := s.staffDirectory(c, teamID)
	if !res.ok() {
		return nil
	}
	return workingStaff(staff, except)
}

// workingStaff are those of staff who are active and can own actions, but except.
func workingStaff(staff []staffView, except string) []staffView {
	var out []staffView // a slice of its own: the caller may read staff again
	for _, st := range staff {
		if st.Active && workflows.Role(st.Role).CanOwn() && st.ID != except {
			out = append(out, st)
		}
	}
	return out
}

// staffDirectory reads the staff (of one team when teamID is not ""), every page of it, for the
// pages that list or count people; when a read fails, its answer says why.
func (s *server) staffDirectory(c *gin.Context, teamID string) ([]staffView, apiResult) {
	q := url.Values{"limit": {strconv.Itoa(maxPage)}}
	if teamID != "" {
		q.Set("team_id", teamID)
	}
	var all []staffView
	for {
		res := s.call(c, http.MethodGet, "/api/v1/staff?"+q.Encode(), nil, "")
		var page struct {
			Items      []staffView `json:"items"`
			NextCursor *string     `json:"next_cursor"`
		}
		if !res.ok() {
			return nil, res
		}
		if err := res.decode(&page); err != nil {
			return nil, apiResult{Status: http.StatusInternalServerError, Problem: &problemBody{Detail: "The staff list could not be read."}}
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all, res
		}
		q.Set("cursor", *page.NextCursor)
	}
}

// readTeams reads every team through the JSON API; when it cannot, it has drawn the error page.
func (s *server) readTeams(c *gin.Context) ([]teamView, bool) {
	var teams struct {
		Items []teamView `json:"items"`
	}
	ok := s.read(c, "/api/v1/teams", &teams, "The teams")
	return teams.Items, ok
}

// namedTeam is a team's name for a page (its ID when it has none), from the directory the pages
// name people and teams from, read again when stale: not a read of every team per page.
func (s *server) namedTeam(c *gin.Context, id string) string {
	s.who(c)
	return s.ui.names.team(id)
}

// teamName is the name of the team, for people to read, and whether the API knows the team.
func (s *server) teamName(c *gin.Context, id string) (string, bool) {
	var list struct {
		Items []teamView `json:"items"`
	}
	if res := s.call(c, http.MethodGet, "/api/v1/teams", nil, ""); !res.ok() || res.decode(&list) != nil {
		return id, false
	}
	i := slices.IndexFunc(list.Items, func(t teamView) bool { return t.ID == id })
	if i < 0 {
		return id, false
	}
	return cmp.Or(list.Items[i].Name, id), true
}

func (s *server) uiNewAction(c *gin.Context) {
	// The API refuses every create of an administrator: the form would only ever be refused.
	if workflows.Role(principal(c).Role) == workflows.RoleAdmin {
		s.uiError(c, http.StatusForbidden, "Administrators manage staff and teams; they do not create actions.")
		return
	}
	s.newActionPage(c, http.StatusOK, url.Values{}, nil)
}

func (s *server) newActionPage(c *gin.Context, status int, form url.Values, problem *apiResult) {
	me := s.viewer(c)
	if form.Get("owner_id") == "" && form.Get("team_id") == "" && workflows.Role(me.Role).CanOwn() {
		form.Set("owner_id", me.ID)
	}
	if form.Get("priority") == "" {
		form.Set("priority", "normal")
	}
	// The categories with a policy of their own are offered as the field is typed (any other runs
	// on the defaults), so a typo is less likely to lose a category's required notes.
	var policies struct {
		Items []policyJSON `json:"items"`
	}
	if !s.read(c, "/api/v1/policies", &policies, "The categories") {
		return
	}
	categories := []string{"request"}
	for _, p := range policies.Items {
		if !slices.Contains(categories, p.Category) {
			categories = append(categories, p.Category)
		}
	}
	teamID, ownersOf := me.TeamID, me.TeamID
	if me.Manager {
		// A manager creates for any team: the form chooses it, their own first, and offers every
		// team's people as owners.
		teamID, ownersOf = "", ""
		if form.Get("team_id") == "" {
			form.Set("team_id", me.TeamID)
		}
	}
	data := gin.H{"Form": form, "Staff": s.teamStaff(c, ownersOf, ""), "TeamID": teamID, "Fields": map[string]string{}, "Categories": categories, "ChoosesTeam": me.Manager}
	if teamID == "" {
		// Someone of no team (an integration's person, say) routes to a team they choose.
		teams, ok := s.readTeams(c)
		if !ok {
			return
		}
		data["Teams"] = teams
	}
	if teamID != "" {
		// Due times count the team's opening hours: the form says which.
		var cal calendarJSON
		if !s.read(c, "/api/v1/teams/"+url.PathEscape(me.TeamID)+"/calendar", &cal, "The team's opening hours") {
			return
		}
		data["OpenHours"], data["DeskZone"] = openHours(cal), deskZone(cal)
	} else {
		// The team chosen in the form decides the desk's zone and the opening hours due times
		// count: each choice carries its own, and the hint names those of the team chosen.
		zones, hours := map[string]string{}, map[string]string{}
		chosen := form.Get("team_id")
		if teams, ok := data["Teams"].([]teamView); ok {
			if chosen == "" && len(teams) > 0 {
				chosen = teams[0].ID // the choice a browser shows first
			}
			for _, t := range teams {
				// A team without a calendar has no zone (nor does one whose calendar cannot be read
				// now: the hint then says less).
				if cal, row, err := s.teamCalendar(c.Request.Context(), t.ID); err == nil && row != nil {
					zones[t.ID] = row.TimeZone
					hours[t.ID] = openHours(renderCalendar(t.ID, cal, row))
				}
			}
		}
		data["TeamZones"], data["TeamHours"] = zones, hours
		data["OpenHours"] = hours[chosen]
	}
	if problem != nil {
		data["Error"] = problem.messageOf(formCreate)
		data["Fields"] = problem.fields()
	}
	s.render(c, status, "new", data)
}

// limitsView is the time limits an action counts, as its page lists them: one line each, and how
// its deadlines count time.
type limitsView struct {
	Lines []string
	Clock string
}

// limitsOf says the time limits an action counts, from its policy and the opening hours its clocks
// count where the read model knows them (own); nil where it does not know the policy. claimByDue is
// an action of a revision that escalates one nobody owns at its due time, when that comes first.
func limitsOf(p *policyTerms, own *calendarJSON, claimByDue bool) *limitsView {
	if p == nil {
		return nil
	}
	claimed := "Claimed within " + shortDuration(p.AssignWithin) + " when nobody owns it"
	if claimByDue {
		claimed = "Claimed within " + shortDuration(p.AssignWithin) + ", or by its due time when sooner, when nobody owns it"
	}
	v := &limitsView{Lines: []string{
		"A handover accepted within " + shortDuration(p.AcceptWithin),
		"Checked within " + shortDuration(p.CheckWithin) + " of its due time",
		claimed,
		"Escalated, up a level after " + shortDuration(p.EscalateWithin) + " without action",
		"The hander reminded to follow up every " + shortDuration(p.FollowUpEvery),
	}}
	if p.PauseRemindEvery != "" {
		v.Lines = append(v.Lines, "Paused without an end, its owner reminded every "+shortDuration(p.PauseRemindEvery))
	}
	hours := ""
	if own != nil {
		hours = openHours(*own)
	}
	switch {
	case hours != "":
		v.Clock = "Deadlines count opening hours only: " + hours + "."
	case own != nil || p.Clock == workflows.Clock247:
		v.Clock = "Deadlines count around the clock."
	default:
		v.Clock = "Deadlines count the team's opening hours, where it has them."
	}
	return v
}

// teamDesk says a team's opening hours for the hint of a due time counted from now, or "" when it
// is open around the clock, and the time zone of its calendar, where a time typed in another zone
// is shown as the desk's, or "" when it has none (or its calendar cannot be read: the hints then
// say less).
func (s *server) teamDesk(c *gin.Context, teamID string) (hours, zone string) {
	if teamID == "" {
		return "", ""
	}
	var cal calendarJSON
	if res := s.call(c, http.MethodGet, "/api/v1/teams/"+url.PathEscape(teamID)+"/calendar", nil, ""); !res.ok() || res.decode(&cal) != nil {
		return "", ""
	}
	return openHours(cal), deskZone(cal)
}

// deskZone is the time zone of a team's calendar, or "" for a team without one.
func deskZone(cal calendarJSON) string {
	if len(cal.Hours) == 0 {
		return ""
	}
	return cal.TimeZone
}

// openHours says a team's opening hours in a few words ("mon, tue 08:00-18:00; sat 09:00-13:00
// (Europe/London)"), or nothing when it is open around the clock.
func openHours(cal calendarJSON) string {
	if cal.AroundTheClock || len(cal.Hours) == 0 {
		return ""
	}
	var spans []string
	days := map[string][]string{}
	for _, h := range cal.Hours {
		span := h.Open + "-" + h.Close
		if _, seen := days[span]; !seen {
			spans = append(spans, span)
		}
		if d := days[span]; len(d) == 0 || d[len(d)-1] != h.Day {
			days[span] = append(d, h.Day)
		}
	}
	parts := make([]string, len(spans))
	for i, span := range spans {
		parts[i] = dayRuns(days[span]) + " " + span
	}
	return strings.Join(parts, "; ") + ", " + cal.TimeZone + " time"
}

// weekDays are the calendar's days in the order a week is read.
var weekDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// dayRuns says days the way a notice on a door does: "every day", "mon-fri", "mon-fri, sun",
// "sat, sun" (a run of three days or more as its first and last).
func dayRuns(days []string) string {
	var on [7]bool
	for _, d := range days {
		if i := slices.Index(weekDays, d); i >= 0 {
			on[i] = true
		}
	}
	if !slices.Contains(on[:], false) {
		return "every day"
	}
	var parts []string
	for i := 0; i < len(weekDays); i++ {
		if !on[i] {
			continue
		}
		j := i
		for j+1 < len(weekDays) && on[j+1] {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, weekDays[i]+"-"+weekDays[j])
		case j > i:
			parts = append(parts, weekDays[i], weekDays[j])
		default:
			parts = append(parts, weekDays[i])
		}
		i = j
	}
	return strings.Join(parts, ", ")
}

func (r apiResult) fields() map[string]string {
	out := map[string]string{}
	if r.Problem != nil {
		for _, f := range r.Problem.Errors {
			// Beside its field, the field needs no naming, but the API's names and values inside
			// the sentence are said as the forms say them ("not_done" reads "not done").
			out[f.Field] = sayFieldsInText(formWords(f.Message))
		}
	}
	return out
}

// formWords says a refusal of the API as the forms ask for things: a time is typed in a date and
// time field, which knows nothing of RFC 3339 (and an example time would be drawn as the page
// shows times, which the field does not take either); a form sends every field, so it cannot
// leave one out to keep its value.
var formWords = strings.NewReplacer(
	notATime, "must be a date and a time of day, such as 1 December 2026 at 17:00",
	"or leave title out to keep it", "or put back the title it had",
	routeRequired, "choose a colleague, or whoever can take it now",
).Replace

func (s *server) uiCreateAction(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	ref, respelled := strings.TrimSpace(f.Get("customer_ref")), ""
	if ref != "" {
		// A reference typed as a known customer's is but for case and separators is theirs: made
		// a new customer, an erasure or a look-up by the known reference would miss this action.
		// One that reads as two known customers' is refused: which of them is meant is a guess.
		alike, err := s.Store.RefsSpelledAlike(c.Request.Context(), ref, pii.ActionKeyPrefix)
		switch {
		case err != nil:
			s.Log.WarnContext(c.Request.Context(), "the customer references spelled alike could not be read", "error", err)
		case slices.Contains(alike, ref):
		case len(alike) == 1:
			ref, respelled = alike[0], ref
		case len(alike) > 1:
			why := refsAlike(ref, alike)
			s.newActionPage(c, http.StatusUnprocessableEntity, f, &apiResult{Status: http.StatusUnprocessableEntity, Problem: &problemBody{
				Detail: "customer.ref: " + why, Errors: []FieldError{{Field: "customer.ref", Message: why}},
			}})
			return
		}
	}
	body := map[string]any{
		"title": f.Get("title"), "details": f.Get("details"), "category": f.Get("category"),
		"priority": f.Get("priority"),
		"customer": map[string]any{"ref": ref, "name": f.Get("customer_name"), "contact": f.Get("customer_contact")},
	}
	if f.Get("internal") == "true" {
		body["internal"] = true
	}
	setIf(body, "owner_id", f.Get("owner_id"))
	if f.Get("owner_id") == "" || s.viewer(c).Manager {
		// A manager's form chooses the team whoever owns it: the owner chosen must be in it.
		setIf(body, "team_id", f.Get("team_id"))
	}
	setTime(body, f, "due")
	if v := f.Get("required_authority"); strings.TrimSpace(v) != "" {
		body["required_authority"] = formNumber(v)
	}
	res := s.call(c, http.MethodPost, "/api/v1/actions", body, f.Get("idem"))
	if !res.ok() {
		s.newActionPage(c, res.Status, f, &res)
		return
	}
	var a actionJSON
	if err := res.decode(&a); err != nil {
		s.uiError(c, http.StatusInternalServerError, "The action was created but its answer could not be read.")
		return
	}
	done := doneMessage(uiCreate, a, s.Now(), principal(c).ID, s.who(c))
	if res.Header.Get(replayedHeader) == "true" {
		// The form sent twice (a double click, a reload): the first made it, this made nothing.
		done = "Already created by this form a moment ago: nothing new was made. This is the action it created."
	} else if a.OwnerID == "" {
		if why := s.whyUnrouted(c.Request.Context(), a); why != "" {
			done = createdUnassigned(dueWords(a.DueAt, s.Now()), why)
		}
	}
	if respelled != "" {
		done += fmt.Sprintf(" Its customer reference is %s, as it is already recorded (typed %s): the same customer.", ref, respelled)
	}
	s.setDone(c, done)
	c.Redirect(http.StatusSeeOther, "/actions/"+a.ID)
}

// refsAlike says why a reference typed is refused when it reads as several known customers'.
func refsAlike(ref string, alike []string) string {
	quoted := make([]string, len(alike))
	for i, r := range alike {
		quoted[i] = strconv.Quote(r)
	}
	return fmt.Sprintf("%q reads as the references of %d customers already recorded, %s and %s: type the one you mean as it is written",
		ref, len(alike), strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}

// setTime puts a form's time of a name ("due", "resume") in the API's body: its "or due at" when
// given (name_at), else its duration (name_in).
func setTime(body map[string]any, f url.Values, name string) {
	if at := formAt(f, name); at != "" {
		body[name+"_at"] = at
		delete(body, name+"_in")
		return
	}
	setIf(body, name+"_in", f.Get(name+"_in"))
}

// formAt is a form's "or due at" (name "due"; "resume" for a pause's "or resume by itself at"):
// the instant the page's script sent (due_at), or else the local time typed (due_at_local) read as
// UTC, the zone pages show times in without their script. Text that is not a time goes on as it
// is, for the API to name what is wrong with it.
func formAt(f url.Values, name string) string {
	if v := strings.TrimSpace(f.Get(name + "_at")); v != "" {
		return v
	}
	v := strings.TrimSpace(f.Get(name + "_at_local"))
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return v
}

func setIf(m map[string]any, key, v string) {
	if strings.TrimSpace(v) != "" {
		m[key] = strings.TrimSpace(v)
	}
}

func (s *server) uiAction(c *gin.Context) {
	s.actionPage(c, http.StatusOK, "", url.Values{}, nil)
}

// actionPage draws an action: details, the whole timeline, and a form for exactly the commands
// the viewer may use now. failed names the form whose request was refused, with what was sent.
func (s *server) actionPage(c *gin.Context, status int, failed string, form url.Values, problem *apiResult) {
	id := c.Param("id")
	var a actionJSON
	if !s.read(c, "/api/v1/actions/"+url.PathEscape(id), &a, "The action") {
		return
	}
	if problem != nil && problem.Current > a.Version {
		// Refused as changed, and the read model has not caught up (a projection retrying): the
		// page shows the action as its workflow holds it, its forms for that version, or sent
		// again they would be refused again.
		if !s.read(c, "/api/v1/actions/"+url.PathEscape(id)+"?consistent=true", &a, "The action") {
			return
		}
	}
	// The timeline a page at a time, the newest first: an action left escalated for weeks gathers
	// thousands of reminders, and the whole of it made a page of megabytes.
	q := url.Values{"limit": {strconv.Itoa(timelinePage)}}
	if before, err := strconv.ParseInt(c.Query("before"), 10, 64); err == nil && before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	} else if entry, err := strconv.ParseInt(c.Query("entry"), 10, 64); err == nil && entry > 0 && entry <= a.Version-timelinePage {
		// A link to one entry (#ev-N) older than the newest page opens the page it heads.
		q.Set("before", strconv.FormatInt(entry+1, 10))
	}
	ev := s.call(c, http.MethodGet, "/api/v1/actions/"+url.PathEscape(id)+"/events?"+q.Encode(), nil, "")
	var events struct {
		Items      []eventJSON `json:"items"`
		NextBefore *int64      `json:"next_before"`
	}
	if ev.ok() {
		_ = ev.decode(&events)
	}
	slices.Reverse(events.Items) // newest first
	var earlier, newest string
	if events.NextBefore != nil {
		earlier = "/actions/" + url.PathEscape(id) + "?before=" + strconv.FormatInt(*events.NextBefore, 10) + "#h-timeline"
	}
	if q.Has("before") {
		newest = "/actions/" + url.PathEscape(id) + "#h-timeline"
	}
	var commands []string
	acceptBlocked, offShift, erased := "", false, false
	notSent := map[int64]bool{} // messages to the customer recorded after their data was erased
	// What a pause can do depends on the revision the action was started with: a row that does not
	// say (last written by a release before the read model kept it) is of one before reminders,
	// and may be of one before ends (a refused end is said beside its field).
	endOffered, reminded, claimByDue := true, false, false
	checkHander := ""
	ranShift := false // the viewer ran the shift handover whose follow-up is asked
	// The opening hours the action's clocks count, as it started with them, where the read model
	// knows them: the team's may have changed since (or its policy counts around the clock).
	var ownHours *calendarJSON
	row, rowErr := s.Store.GetAction(c.Request.Context(), a.ID)
	var state *workflows.State
	if rowErr == nil {
		if row.Revision != nil {
			endOffered, reminded = *row.Revision >= 24, remindsPaused(row.Revision)
			claimByDue = *row.Revision >= 29
		}
		if row.ClockHours != nil {
			own := calendarJSON{AroundTheClock: *row.ClockHours == ""}
			if own.AroundTheClock || json.Unmarshal([]byte(*row.ClockHours), &own) == nil {
				ownHours = &own
			}
		}
		erased = row.CustomerErased()
		for _, e := range events.Items {
			if row.ErasedAt != nil && e.Type == workflows.EventCustomerTold && e.At.After(*row.ErasedAt) {
				notSent[e.Seq] = true
			}
		}
		fromRow := stateFromRow(row)
		state = &fromRow
	} else if live, err := s.liveState(c.Request.Context(), a.ID); err == nil {
		// The read model could not answer for it (its first projection not there yet, or the
		// database away a moment) where the API's read went to its workflow: the commands are
		// worked out from the workflow's state, as the commands themselves will be checked.
		state = &live
	} else {
		// Without a state the page would offer nothing and say there is nothing to do: it says to
		// reload instead, and the log says why.
		s.Log.WarnContext(c.Request.Context(), "action page drawn without its commands: neither the read model nor the workflow answered",
			"action_id", a.ID, "error", errors.Join(rowErr, err))
	}
	if state != nil {
		me := principal(c)
		commands = workflows.Available(state, actorOf(me), recipientOf(me))
		if f := state.FollowUp; f != nil {
			ranShift = state.ShiftStarter(f.HanderID) == me.ID
		}
		if h := state.LastHander(); h != "" && h != state.OwnerID {
			checkHander = h // who else may give the owner's check more time or another owner
		}
		if slices.Contains(commands, workflows.UpdateFollowUp) {
			// A supervisor records a follow-up only in the place of a hander gone, which the
			// read model tells; without its row, the form is the hander's and the shift's starter's.
			mine := ranShift || state.FollowUp.HanderID == me.ID
			if rowErr == nil {
				mine = s.followUpInPlace(c.Request.Context(), me, row) == nil
			}
			if !mine {
				commands = slices.DeleteFunc(commands, func(cmd string) bool { return cmd == workflows.UpdateFollowUp })
			}
		}
		if slices.Contains(commands, workflows.UpdateAccept) {
			acceptBlocked = acceptBlockedFor(state, me)
			offShift = acceptBlocked != "" && !me.OnShift
		}
	}
	// The messages to the customer someone is asked to tell (where no integration sends them) and
	// nobody has recorded telling: everyone sees which, and each gets its form on the timeline for
	// whoever may record it (CheckTold: the staff who look after customers, whoever at the desk
	// told them).
	untold := map[int64]bool{}
	// Unreadable, no forms: the inbox still lists them. An erased customer's are none.
	allTasks, _ := s.Store.TellTasks(c.Request.Context(), a.ID)
	tasks := models.OpenTasks(slices.Clone(allTasks))
	latestMessage := int64(0) // told or not: a later one may say all the customer needs
	for _, t := range allTasks {
		latestMessage = max(latestMessage, t.Seq)
	}
	firstUntold := int64(0) // the Complete form says there are messages still to tell, and links to it
	for _, t := range tasks {
		untold[t.Seq] = true
		if firstUntold == 0 || t.Seq < firstUntold {
			firstUntold = t.Seq
		}
	}
	role := workflows.Role(principal(c).Role)
	mayTell := role.CanOwn() || role == workflows.RoleService
	if takes, err := s.Store.TakesRecords(c.Request.Context(), a.ID, s.tellSince()); err == nil && !takes {
		mayTell = false // ended longer ago than an action takes records: no form would be taken
	}
	wordings := messageWordings(events.Items, a.Handovers)
	s.nameKeptActions(c, a, events.Items)
	// The records that ended a task and may be undone, made in error (CheckTold: by who made
	// them, a supervisor or a manager), each with its message. Unreadable, no forms.
	records := models.TellRecords(allTasks)
	undone, _ := s.Store.UndoneRecords(c.Request.Context(), a.ID) // unreadable, unmarked
	undoable := map[int64]int64{}
	for _, e := range events.Items {
		if msg, ok := records[e.Seq]; ok && mayTell && (e.ActorID == principal(c).ID || role.SupervisorOrAbove()) {
			undoable[e.Seq] = msg
		}
	}
	var required []string
	if slices.Contains(commands, workflows.UpdateHandover) {
		// The fields of the policy version the action runs under, which its workflow asks for:
		// the category's newest may ask for others. Unreadable, none: the workflow still asks.
		required, _ = s.requiredNotes(c.Request.Context(), a.Category, a.PolicyVersion)
	}
	// A required core note (next steps, risks...) is its own box made required, not a field more.
	requiredNotes := map[string]bool{}
	for _, f := range required {
		if _, core := (workflows.HandoverNotes{}).Core(f); core {
			requiredNotes[f] = true
		}
	}
	required = slices.DeleteFunc(slices.Clone(required), func(f string) bool { return requiredNotes[f] })
	var staff []staffView
	if slices.ContainsFunc(commands, func(c string) bool {
		return c == workflows.UpdateHandover || c == workflows.UpdateReassign || c == workflows.UpdateCheck
	}) {
		staff = s.teamStaff(c, a.TeamID, a.OwnerID)
	}
	// The handovers the viewer received, accepted and has not rated yet: each gets a rating form.
	var toRate []handoverJSON
	for _, h := range a.Handovers {
		if h.Status == workflows.HandoverAccepted && h.ToID == principal(c).ID && h.FeedbackRating == 0 {
			toRate = append(toRate, h)
		}
	}
	// The handover form keeps what was typed into it only: another form's refusal (a pause
	// reason, say) must not fill its fields. After a handover of the viewer's that came back
	// (declined, withdrawn, expired), it starts from that one's notes.
	handoverForm := url.Values{}
	if failed == workflows.UpdateHandover {
		handoverForm = form
	} else if slices.Contains(commands, workflows.UpdateHandover) {
		handoverForm = handoverFormFrom(a.Handovers, principal(c).ID)
	}
	data := gin.H{
		"A": s.rows([]actionJSON{a})[0], "Events": events.Items, "Commands": commands, "CommandsUnread": state == nil, "ToRate": toRate,
		"EarlierEvents": earlier, "NewestEvents": newest, "Untold": untold, "FirstUntold": firstUntold, "LatestMessage": latestMessage, "MayTell": mayTell, "Undoable": undoable, "CustomerErased": erased, "CustomerCorrectable": !a.Internal && !erased && a.Customer.Name != unavailable && a.Customer.Contact != unavailable, "Undone": undone, "NotSent": notSent, "Wordings": wordings, "ContactMethods": workflows.ContactMethods,
		"Required": required, "RequiredNotes": requiredNotes, "Staff": staff, "Form": form, "Failed": failed, "HandoverForm": handoverForm,
		"Temporal": s.workflowLinkFor(c, a.ID), "Methods": workflows.Methods, "Situations": workflows.Situations,
		"Idem": pageIdem(c), "Fields": map[string]string{}, "AcceptBlocked": acceptBlocked, "AcceptBlockedOffShift": offShift,
		"PauseEndOffered": endOffered, "PauseReminded": reminded, "Limits": limitsOf(a.Policy, ownHours, claimByDue), "CheckHander": checkHander, "RanShift": ranShift,
		// An administrator may erase the customer's data while the action shows any: a handover
		// made after an erasure carries new data, sealed with a new key.
		"Erase": workflows.Role(principal(c).Role) == workflows.RoleAdmin && holdsCustomerData(a),
	}
	if a.Policy != nil && a.Policy.PauseRemindEvery != "" {
		data["PauseEvery"] = shortDuration(a.Policy.PauseRemindEvery)
	}
	// The Cancel as a duplicate form is drawn only when there is an action to name; a supervisor's
	// cancel may name one too.
	var duplicates []duplicateChoice
	if slices.Contains(commands, workflows.CommandCancelDuplicate) || slices.Contains(commands, workflows.UpdateCancel) {
		duplicates = s.duplicateChoices(c, a)
		data["Duplicates"] = duplicates
	}
	// The actions cancelled as duplicates of this one, each a link: where the others went, with
	// what was noted on them. Of its own team, which the page's read has checked.
	if cancelled, err := s.Store.DuplicatesOf(c.Request.Context(), a.ID, 50); err != nil {
		s.Log.Warn("the duplicates cancelled of an action could not be read", "action_id", a.ID, "error", err)
	} else {
		data["DuplicatesCancelled"] = cancelled
	}
	if a.TeamID != "" {
		data["TeamName"] = s.namedTeam(c, a.TeamID)
	}
	if slices.Contains(commands, workflows.UpdateExtend) || slices.Contains(commands, workflows.UpdateReassign) || slices.Contains(commands, workflows.UpdatePause) {
		data["OpenHours"], data["DeskZone"] = s.teamDesk(c, a.TeamID)
		if ownHours != nil {
			data["OpenHours"], data["HoursOwn"] = openHours(*ownHours), true
		}
	}
	if problem != nil {
		data["Error"] = problem.messageOf(failed)
		data["Fields"] = problem.fields()
		if _, command := commandPaths[failed]; command && failed == workflows.UpdateTold {
			// Its forms go by message, not among the commands: a refused one is drawn again with
			// what was typed while it is offered; gone (recorded by someone else meanwhile), its
			// note is kept.
			onPage := map[int64]bool{}
			for _, e := range events.Items {
				onPage[e.Seq] = true
			}
			if !toldFormDrawn(form, untold, undoable, onPage, mayTell) {
				data["Kept"] = keptText(url.Values{"text": {form.Get("note")}})
				data["Error"] = withoutForm(data["Error"].(string))
			}
		} else if command && (!slices.Contains(commands, failed) || failed == workflows.CommandCancelDuplicate && len(duplicates) == 0) {
			// The action moved on while the form was being filled (the handover withdrawn as its
			// recipient typed the read-back): the form is not offered again, and what was typed
			// is shown instead of lost.
			data["Kept"] = keptText(form)
			data["Error"] = withoutForm(data["Error"].(string))
		}
	}
	s.render(c, status, "action", data)
}

// nameKeptActions gives each cancellation of the timeline that names the action kept (duplicate_of)
// that action's title, for the page to name it by (eventText): "a duplicate of “Airport taxi”",
// not a link with no name. Only of the action's own team, which the page's read has checked; one
// that cannot be read stays "the action kept".
func (s *server) nameKeptActions(c *gin.Context, a actionJSON, events []eventJSON) {
	for _, e := range events {
		kept, ok := e.Data["duplicate_of"].(string)
		if e.Type != workflows.EventCancelled || !ok || kept == "" {
			continue
		}
		if row, err := s.Store.GetAction(c.Request.Context(), kept); err == nil && row.TeamID == a.TeamID {
			e.Data[keptTitleKey] = row.Title
		}
	}
}

// keptTitleKey holds, in a cancellation's data as a page draws it (never stored), the title of the
// action it names as kept.
const keptTitleKey = "duplicate_of_title"

// wording is whose words an accepted handover's message to the customer is: By, who made the
// handover and wrote it; none, the product's (the handover gave no message).
type wording struct{ By string }

// messageWordings says, of each message to the customer an accepted handover sent (its
// customer_told entry names the handover), whose words it is: the timeline credits the entry to the
// recipient who accepted, not to whoever wrote it.
func messageWordings(events []eventJSON, handovers []handoverJSON) map[int64]*wording {
	out := map[int64]*wording{}
	for _, e := range events {
		id, _ := e.Data["handover_id"].(string)
		if e.Type != workflows.EventCustomerTold || id == "" {
			continue
		}
		for _, h := range handovers {
			if h.ID != id {
				continue
			}
			w := &wording{}
			if strings.TrimSpace(h.CustomerMessage) != "" {
				w.By = h.FromID
			}
			out[e.Seq] = w
		}
	}
	return out
}

// toldFormDrawn says whether the action page draws again the form a refused record of a message
// to the customer came from: an undo's on the record that ended the message's task, another's on
// the message still to tell; either only when its entry is on the page of the timeline drawn.
func toldFormDrawn(form url.Values, untold map[int64]bool, undoable map[int64]int64, onPage map[int64]bool, mayTell bool) bool {
	seq, err := strconv.ParseInt(form.Get("message_seq"), 10, 64)
	if err != nil || !mayTell {
		return false
	}
	if form.Get("outcome") == workflows.MessageUndo {
		for record, msg := range undoable {
			if msg == seq && onPage[record] {
				return true
			}
		}
		return false
	}
	return untold[seq] && onPage[seq]
}

// keptField is a text a refused form held, with the label its form gave it.
type keptField struct{ Name, Label, Text string }

// keptTexts are the free-text fields of the action page's forms, in the order they are shown.
var keptTexts = []keptField{
	{Name: "summary", Label: "Read-back"}, {Name: "reason", Label: "Reason"}, {Name: "notes_summary", Label: "Summary"},
	{Name: "notes_customer_context", Label: "Customer context"}, {Name: "notes_done_so_far", Label: "Done so far"},
	{Name: "notes_next_steps", Label: "Next steps"}, {Name: "notes_risks", Label: "Risks"},
	{Name: "outcome", Label: "What was done for the customer"}, {Name: "notes", Label: "Notes"},
	{Name: "note", Label: "What the owner said"}, {Name: "text", Label: "Note"},
	{Name: "customer_message", Label: "Message to the customer"}, {Name: "details", Label: "Details"},
}

// keptText lists the free text a refused form held.
func keptText(form url.Values) []keptField {
	var out []keptField
	for _, k := range keptTexts {
		if text := strings.TrimSpace(form.Get(k.Name)); text != "" {
			k.Text = text
			out = append(out, k)
		}
	}
	return out
}

// timelinePage is how many timeline entries the action page shows at once.
const timelinePage = 100

// acceptBlockedFor says why the recipient of the pending handover cannot accept it now (off
// shift, say), or "": the page tells them instead of offering a form the workflow would refuse.
func acceptBlockedFor(state *workflows.State, me models.Staff) string {
	why := workflows.IneligibleToYou(*state, recipientOf(me))
	switch {
	case why == "":
		return ""
	case !me.OnShift:
		return "You are off shift: start your shift to accept this handover, or decline it below."
	}
	return "You cannot accept this handover now (" + why + "): decline it below, or ask a supervisor."
}

// holdsCustomerData reports whether an action shows any of its customer's personal data: their
// name or contact, or a handover's customer context or message, that is not erased.
func holdsCustomerData(a actionJSON) bool {
	held := func(v string) bool { return v != "" && v != pii.Erased }
	if held(a.Customer.Name) || held(a.Customer.Contact) {
		return true
	}
	return slices.ContainsFunc(a.Handovers, func(h handoverJSON) bool {
		return held(h.Notes.CustomerContext) || held(h.CustomerMessage)
	})
}

// handoverFormFrom fills a new handover's form from the viewer's last handover of the action when
// it came back to them (declined, withdrawn or expired): the notes still hold; the recipient is
// chosen again, and the message to the customer written anew.
func handoverFormFrom(handovers []handoverJSON, me string) url.Values {
	f := url.Values{}
	if len(handovers) == 0 {
		return f
	}
	last := handovers[len(handovers)-1]
	if last.FromID != me || last.Status == workflows.HandoverPending || last.Status == workflows.HandoverAccepted {
		return f
	}
	set := func(k, v string) {
		if v != "" && v != unavailable && v != pii.Erased {
			f.Set(k, v)
		}
	}
	set("reason", last.Reason)
	set("method", last.Method)
	set("situation", last.Situation)
	set("notes_summary", last.Notes.Summary)
	set("notes_customer_context", last.Notes.CustomerContext)
	set("notes_done_so_far", last.Notes.DoneSoFar)
	set("notes_next_steps", last.Notes.NextSteps)
	set("notes_risks", last.Notes.Risks)
	for k, v := range last.Notes.Fields {
		set("field_"+k, v)
	}
	// Not the message to the customer: it may name the colleague who did not take it on.
	return f
}

// commandPaths maps a command of the UI to its API path under the action.
var commandPaths = map[string]string{
	workflows.UpdateHandover: "handover", workflows.UpdateAccept: "accept", workflows.UpdateDecline: "decline",
	workflows.UpdateWithdraw: "handover/withdraw", workflows.UpdateFollowUp: "follow-up",
	workflows.UpdateComplete: "complete", workflows.UpdateCheck: "check", workflows.UpdateEscalate: "escalate",
	workflows.UpdateReassign: "reassign", workflows.UpdateExtend: "extend", workflows.UpdateCancel: "cancel",
	workflows.UpdateClaim: "claim", workflows.UpdatePause: "pause", workflows.UpdateResume: "resume",
	workflows.UpdateNote: "notes", workflows.UpdateTold: "told", workflows.UpdateCorrect: "correct",
	workflows.CommandCancelDuplicate: "cancel",
}

// commandBody turns a command's form into the API's JSON body. Empty fields are left out, so
// the API's own validation names what is missing.
func commandBody(command string, f url.Values) map[string]any {
	body := map[string]any{}
	for _, k := range []string{"reason", "summary", "outcome", "result", "next", "due_in", "to_id", "text", "method", "situation", "customer_message", "follow_up_in", "accept_within", "note", "again_in"} {
		setIf(body, k, f.Get(k))
	}
	switch command {
	case workflows.UpdateHandover:
		notes := map[string]any{}
		for _, k := range []string{"summary", "customer_context", "done_so_far", "next_steps", "risks"} {
			setIf(notes, k, f.Get("notes_"+k))
		}
		fields := map[string]string{}
		for k, v := range f {
			if name, ok := strings.CutPrefix(k, "field_"); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
				fields[name] = strings.TrimSpace(v[0])
			}
		}
		if len(fields) > 0 {
			notes["fields"] = fields
		}
		body["notes"] = notes
		delete(body, "summary")
		if f.Get("to_id") == routeChoice {
			delete(body, "to_id")
			body["route"] = true
		}
	case workflows.UpdateExtend, workflows.UpdateReassign:
		setTime(body, f, "due")
	case workflows.UpdatePause:
		setTime(body, f, "resume")
	case workflows.UpdateComplete, workflows.UpdateCheck:
		setIf(body, "notes", f.Get("notes"))
	case workflows.UpdateCorrect:
		// Sent as the form has them, empty or not (details may be corrected to nothing, a blank
		// title is refused by name): the API leaves out what already reads so.
		for _, k := range []string{"title", "details", "priority"} {
			if f.Has(k) {
				body[k] = f.Get(k)
			}
		}
		customer := map[string]any{}
		for _, k := range []string{"name", "contact"} {
			if f.Has("customer_" + k) {
				customer[k] = f.Get("customer_" + k)
			}
		}
		if len(customer) > 0 {
			body["customer"] = customer
		}
	case workflows.CommandCancelDuplicate:
		body["duplicate_of"] = f.Get("duplicate_of") // sent when empty too: the API names it missing
	case workflows.UpdateCancel:
		setIf(body, "duplicate_of", f.Get("duplicate_of")) // a supervisor's, optional
	case workflows.UpdateTold:
		if o := f.Get("outcome"); o == workflows.MessageNotNeeded || o == workflows.MessageUndo {
			delete(body, "method") // chosen before the button, for another outcome
		}
		if n, err := strconv.ParseInt(f.Get("message_seq"), 10, 64); err == nil {
			body["message_seq"] = n
		} else {
			setIf(body, "message_seq", f.Get("message_seq")) // the API names what is wrong with it
		}
	case uiFeedback:
		if n, err := strconv.Atoi(f.Get("rating")); err == nil {
			body["rating"] = n
		} else {
			setIf(body, "rating", f.Get("rating")) // the API names what is wrong with it
		}
		setIf(body, "comment", f.Get("comment"))
	}
	return body
}

// routeChoice is the handover form's "whoever can take it now": sent as route, not as a to_id.
const routeChoice = "~route"

// uiFeedback is the action page's form for the recipient's rating of a handover they accepted.
const uiFeedback = "feedback"

// uiCreate names the New action form's request in doneMessage.
const uiCreate = "create"

func (s *server) uiCommand(c *gin.Context) {
	command := c.Param("command")
	if command == uiEraseCustomer {
		s.uiEraseActionCustomer(c)
		return
	}
	path, ok := commandPaths[command]
	if !ok && command != uiFeedback {
		s.notSent(c, http.StatusNotFound, "There is no such command.")
		return
	}
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	if command == uiFeedback {
		path = "handovers/" + url.PathEscape(f.Get("handover_id")) + "/feedback"
	}
	res := s.callIf(c, http.MethodPost, "/api/v1/actions/"+url.PathEscape(c.Param("id"))+"/"+path, commandBody(command, f), f.Get("idem"), f.Get("version"))
	back := f.Get("back")
	if !res.ok() {
		s.changedSinceSeen(c, &res, f.Get("seen"))
		if back == "board" {
			s.boardPage(c, res.Status, c.Param("id"), command, f, &res)
			return
		}
		if back == uiBackTell {
			s.inboxPage(c, res.Status, f, &res)
			return
		}
		s.actionPage(c, res.Status, command, f, &res)
		return
	}
	var a actionJSON
	_ = res.decode(&a) // a note or feedback answers otherwise; doneMessage needs no action then
	if res.Header.Get(replayedHeader) == "true" {
		// The same form sent again (the browser's Back, a page left open): what it did then, said
		// as it was then, may no longer be true; the page says how the action stands now.
		s.setDone(c, s.sentBefore(c, a))
	} else if command == workflows.UpdateTold {
		s.setDone(c, toldDone(f.Get("outcome"), a.Title)) // by the outcome, which the action does not hold
	} else {
		s.setDone(c, doneMessage(command, a, s.Now(), principal(c).ID, s.who(c)))
	}
	if back == "board" {
		// To the board at the action's card: its confirmation, which has the focus, links back
		// to the card, so that the keyboard goes on from where it was.
		to := boardOf(principal(c), f.Get("team"))
		if from, err := strconv.Atoi(f.Get("from")); err == nil && from > 0 && f.Get("column") != "" {
			to = boardColumnOf(principal(c), f.Get("team"), f.Get("column"), from) // a later page of a column
		}
		c.Redirect(http.StatusSeeOther, to+"#card-"+url.PathEscape(c.Param("id")))
		return
	}
	if back == uiBackTell {
		c.Redirect(http.StatusSeeOther, "/inbox#h-tell")
		return
	}
	c.Redirect(http.StatusSeeOther, "/actions/"+url.PathEscape(c.Param("id")))
}

// changedSinceSeen words a refusal (403, 409) of a form that sends no version (accept, complete,
// hand over: decided on the person's own part, which a change elsewhere leaves standing) when the
// action has changed since its page showed version seen: someone else reassigned it, say, and "only
// the owner can" reads as a fault of theirs otherwise.
func (s *server) changedSinceSeen(c *gin.Context, res *apiResult, seen string) {
	v, err := strconv.ParseInt(seen, 10, 64)
	if err != nil || res.Problem == nil || res.Problem.Code == codeChangedMeanwhile ||
		(res.Status != http.StatusForbidden && res.Status != http.StatusConflict) {
		return
	}
	var now actionJSON
	if r := s.call(c, http.MethodGet, "/api/v1/actions/"+url.PathEscape(c.Param("id")), nil, ""); !r.ok() || r.decode(&now) != nil || now.Version <= v {
		return
	}
	owner := "nobody owns it"
	if now.OwnerID != "" {
		owner = s.who(c)(now.OwnerID) + " owns it"
	}
	res.Problem = &problemBody{Title: res.Problem.Title, Code: res.Problem.Code, Errors: res.Problem.Errors,
		Detail: fmt.Sprintf("The action changed while this page was open: now %s, %s. So %s", owner, label(now.Status), res.Problem.Detail)}
}

// sentBefore is the confirmation of a form sent again after it was done: when it was done, and
// whether the action has changed since (a, the answer, is the action as it stood then).
func (s *server) sentBefore(c *gin.Context, a actionJSON) string {
	said := fmt.Sprintf("This form was sent before, and done then (%s).", humanDuration(a.UpdatedAt.Sub(s.Now())))
	var now actionJSON
	if r := s.call(c, http.MethodGet, "/api/v1/actions/"+url.PathEscape(a.ID), nil, ""); r.ok() && r.decode(&now) == nil && now.Version > a.Version {
		return said + " Nothing was done again. The action has changed since: it stands as below."
	}
	return said + " Nothing was done again."
}

// duplicateChoices are the actions the Cancel as a duplicate form offers as the one kept: the
// team's newest open actions (a duplicate is made soon after the first), but this one. Read from
// the store, after the list's own scope check, rather than through GET /actions: the form shows
// four columns of each and no customer's data, and reading whole rows and opening fifty
// customers' data on every view of an action page by its owner more than doubled its time.
func (s *server) duplicateChoices(c *gin.Context, a actionJSON) []duplicateChoice {
	team, err := s.scopedTeam(c, a.TeamID)
	if err != nil || team == "" {
		return nil
	}
	rows, err := s.Store.NewestOpen(c.Request.Context(), team, 51)
	if err != nil {
		s.Log.Warn("the actions a duplicate may be of could not be read", "action_id", a.ID, "error", err)
		return nil
	}
	// Two copies made by mistake read alike: the same title, made the same minute. Those say
	// more (their status, customer, the second they were made and the end of their ID, which
	// their page's address shows), so that the one kept is told from the other.
	key := func(title string, at time.Time) string { return title + "\x00" + at.UTC().Format(whenLayout) }
	seen := map[string]int{key(a.Title, a.CreatedAt): 1}
	for _, r := range rows {
		if r.ID != a.ID {
			seen[key(r.Title, r.CreatedAt)]++
		}
	}
	name, now := s.who(c), s.Now()
	out := make([]duplicateChoice, 0, len(rows))
	for _, r := range rows {
		if r.ID == a.ID || len(out) == 50 {
			continue
		}
		owner := "nobody yet"
		if r.OwnerID != "" {
			owner = name(r.OwnerID)
		}
		out = append(out, duplicateChoice{ID: r.ID, Label: duplicateLabel(r, owner, seen[key(r.Title, r.CreatedAt)] > 1, now)})
	}
	return out
}

// duplicateLabel is the words offering r as the action kept: its title, owner, customer and when
// it was made, with its year when that is not now's, as the pages show times (whenText). A twin
// (the same title made the same minute) says more: its status, the second it was made and the end
// of its ID.
func duplicateLabel(r models.Action, owner string, twin bool, now time.Time) string {
	if !twin {
		customer := ""
		if r.CustomerRef != "" {
			customer = ", customer " + r.CustomerRef
		}
		return fmt.Sprintf("%s (%s%s, created %s)", r.Title, owner, customer, whenText(r.CreatedAt, now))
	}
	more := []string{owner, label(r.Status)}
	if r.CustomerRef != "" {
		more = append(more, "customer "+r.CustomerRef)
	} else {
		more = append(more, "no customer reference")
	}
	more = append(more, "created "+formatWithYear(r.CreatedAt, now, whenSecondsLayout, whenSecondsYearLayout), "ID …"+r.ID[max(len(r.ID)-6, 0):])
	return fmt.Sprintf("%s (%s)", r.Title, strings.Join(more, ", "))
}

// whenSecondsLayout and whenSecondsYearLayout are whenLayout and whenYearLayout to the second.
const (
	whenSecondsLayout     = "Mon 2 Jan 15:04:05 UTC"
	whenSecondsYearLayout = "Mon 2 Jan 2006 15:04:05 UTC"
)

// duplicateChoice is an action offered as the one a cancelled action duplicates, and the words
// that offer it.
type duplicateChoice struct {
	ID, Label string
}

// uiBackTell is the back of the inbox's forms recording telling a customer a message: the inbox
// again, its refusal said there.
const uiBackTell = "tell"

// uiEraseCustomer is the action page's form, for administrators, erasing the personal data of the
// action's customer.
const uiEraseCustomer = "erase-customer"

func (s *server) uiEraseActionCustomer(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	res := s.call(c, http.MethodDelete, "/api/v1/actions/"+url.PathEscape(c.Param("id"))+"/customer", nil, "")
	if !res.ok() {
		s.actionPage(c, res.Status, uiEraseCustomer, f, &res)
		return
	}
	var er models.Erasure
	_ = res.decode(&er) // the sentence is shorter without the count
	done := "The customer's personal data is erased."
	if er.CustomerRef != "" {
		done = fmt.Sprintf("The personal data of customer %s is erased, on %s.", er.CustomerRef, plural(int(er.Actions), "action"))
	}
	s.setDone(c, done)
	c.Redirect(http.StatusSeeOther, "/actions/"+url.PathEscape(c.Param("id")))
}

// boardOf is the address of a team's board: the viewer's own is plain /board.
func boardOf(viewer models.Staff, team string) string {
	if team == "" || team == teamOf(viewer) {
		return "/board"
	}
	return "/board?team=" + url.QueryEscape(team)
}

// boardColumnOf is the address of a team's board showing one column from its card from on (the
// others from their first); the team is named unless it is the viewer's own, as in boardOf.
func boardColumnOf(viewer models.Staff, team, column string, from int) string {
	q := url.Values{"column": {column}, "from": {strconv.Itoa(from)}}
	if team != "" && team != teamOf(viewer) {
		q.Set("team", team)
	}
	return "/board?" + q.Encode()
}

// createdUnassigned says that an action was created with nobody to own it, and why when known.
func createdUnassigned(due, why string) string {
	if why != "" {
		why = " (" + why + ")"
	}
	return fmt.Sprintf("Created, %s: nobody could take it on%s, so it is unassigned and the team's supervisors are told (the managers, when no supervisor is on shift).", due, why)
}

// whyUnrouted says why routing found nobody for an action: nobody in its team with the authority
// it needs (which no shift change mends), or nobody of them on shift now; "" when it cannot tell.
func (s *server) whyUnrouted(ctx context.Context, a actionJSON) string {
	staff, err := s.Store.ListStaff(ctx, a.TeamID)
	if err != nil {
		return ""
	}
	able, onShift := 0, 0
	for _, st := range staff {
		if st.Active && workflows.Role(st.Role) == workflows.RoleAgent && st.Authority >= a.RequiredAuthority {
			able++
			if st.OnShift {
				onShift++
			}
		}
	}
	switch {
	case able == 0:
		return fmt.Sprintf("no agent of the team has authority %d or more", a.RequiredAuthority)
	case onShift == 0:
		return fmt.Sprintf("none of the %s with authority %d or more is on shift", plural(able, "agent"), a.RequiredAuthority)
	}
	return ""
}

// dueWords says a due time in a confirmation: how far off, and the time in RFC 3339, which the
// page shows in the desk's own zone (messageParts).
func dueWords(due, now time.Time) string {
	return fmt.Sprintf("due %s (%s)", humanDuration(due.Sub(now)), due.UTC().Format(time.RFC3339))
}

// doneMessage says what a command the person sent has done, from the action as it answered: to
// the person (me) who sent it, naming others by who. A time in it is written in RFC 3339, which
// the page shows in the desk's own zone (messageParts).
func doneMessage(command string, a actionJSON, now time.Time, me string, who func(id string) string) string {
	// name is a person as the sentence names them: "you" for the sender; verb agrees with it.
	name := func(id string) string {
		if id == me {
			return "you"
		}
		return who(id)
	}
	verb := func(id, you, other string) string {
		if id == me {
			return "you " + you
		}
		return who(id) + " " + other
	}
	due := func() string { return dueWords(a.DueAt, now) }
	// ownDue is the due time of an action someone has just taken on: a paused one's waits.
	ownDue := func() string {
		if !a.Paused {
			return due()
		}
		words := "paused, waiting on the customer: " + due() + " all the same"
		if a.DueLeft != nil {
			// Paused at its check or escalated, it has none left ("0s"): its due time stays past.
			if left, err := time.ParseDuration(*a.DueLeft); err == nil && left > 0 {
				words = "paused, waiting on the customer: " + hoursText(left) + " left to its due time once resumed"
			}
		}
		if a.PauseRemindAt != nil && a.OwnerID == me {
			words += "; you are reminded of it until you resume it"
		}
		return words
	}
	switch command {
	case uiCreate:
		if a.OwnerID == "" {
			return createdUnassigned(due(), "")
		}
		return fmt.Sprintf("Created: %s it, %s.", verb(a.OwnerID, "own", "owns"), due())
	case workflows.UpdateHandover:
		if a.PendingHandover != nil {
			return fmt.Sprintf("Handed over to %s: you own “%s” until they accept.", who(a.PendingHandover.ToID), a.Title)
		}
	case workflows.UpdateAccept, workflows.UpdateClaim:
		return fmt.Sprintf("“%s” is yours now, %s.", a.Title, ownDue())
	case workflows.UpdateDecline:
		return fmt.Sprintf("Declined: %s keeps “%s” and is told why.", who(a.OwnerID), a.Title)
	case workflows.UpdateWithdraw:
		if a.OwnerID != me {
			// A supervisor's: the hander is told too.
			return fmt.Sprintf("Handover withdrawn: %s “%s”; they and the recipient are told why.", verb(a.OwnerID, "keep", "keeps"), a.Title)
		}
		return fmt.Sprintf("Handover withdrawn: %s “%s”, and the recipient is told why.", verb(a.OwnerID, "keep", "keeps"), a.Title)
	case workflows.UpdateFollowUp:
		if f := a.FollowUp; f != nil && f.HanderID != me {
			// A supervisor's, in the hander's place.
			return fmt.Sprintf("Follow-up recorded in %s's place: the next reminder comes %s (%s).", who(f.HanderID), humanDuration(f.DueAt.Sub(now)), f.DueAt.UTC().Format(time.RFC3339))
		} else if f != nil {
			return fmt.Sprintf("Follow-up recorded: you will be reminded again %s (%s).", humanDuration(f.DueAt.Sub(now)), f.DueAt.UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("Follow-up recorded: no more reminders for “%s”.", a.Title)
	case workflows.UpdateComplete:
		return fmt.Sprintf("“%s” is completed.", a.Title)
	case workflows.UpdateCheck:
		switch a.Status {
		case "completed":
			return fmt.Sprintf("Check recorded: “%s” is completed.", a.Title)
		case "escalated":
			return fmt.Sprintf("Check recorded: “%s” is escalated (level %d).", a.Title, a.EscalationLevel)
		case "assigned":
			return fmt.Sprintf("Check recorded: %s it, %s.", verb(a.OwnerID, "own", "owns"), due())
		}
		return fmt.Sprintf("Check recorded: “%s” is %s.", a.Title, label(a.Status))
	case workflows.UpdateEscalate:
		return fmt.Sprintf("“%s” is escalated (level %d).", a.Title, a.EscalationLevel)
	case workflows.UpdateReassign:
		return fmt.Sprintf("“%s” is reassigned to %s, %s.", a.Title, name(a.OwnerID), ownDue())
	case workflows.UpdateExtend:
		return fmt.Sprintf("“%s” is now %s.", a.Title, due())
	case workflows.UpdateCancel:
		return fmt.Sprintf("“%s” is cancelled.", a.Title)
	case workflows.CommandCancelDuplicate:
		return fmt.Sprintf("“%s” is cancelled as a duplicate: the other action stays open.", a.Title)
	case workflows.UpdatePause:
		if a.ResumeAt != nil {
			return fmt.Sprintf("“%s” is paused: its clocks stand still until it is resumed, by itself %s (%s) if nobody resumes it first.", a.Title, humanDuration(a.ResumeAt.Sub(now)), a.ResumeAt.UTC().Format(time.RFC3339))
		}
		if a.PauseRemindAt != nil {
			// The owner ("you" for the sender) and, escalated, those it is escalated to; nobody
			// owning it, the team's supervisors in their place.
			escalated := a.Status == string(workflows.StatusEscalated) && a.EscalationLevel > 0
			others := "the team's supervisors"
			if escalated {
				others = fmt.Sprintf("those it is escalated to (level %d)", a.EscalationLevel)
			}
			reminded := others + " are"
			switch {
			case a.OwnerID == "":
			case escalated:
				reminded = name(a.OwnerID) + " and " + others + " are"
			case a.OwnerID == me:
				reminded = "you are"
			default:
				reminded = name(a.OwnerID) + " is"
			}
			return fmt.Sprintf("“%s” is paused: its clocks stand still until it is resumed; %s reminded of it meanwhile, first %s (%s).", a.Title, reminded, humanDuration(a.PauseRemindAt.Sub(now)), a.PauseRemindAt.UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("“%s” is paused: its clocks stand still until it is resumed.", a.Title)
	case workflows.UpdateResume:
		return fmt.Sprintf("“%s” is running again, %s.", a.Title, due())
	case workflows.UpdateNote:
		return "Note added to the timeline."
	case workflows.UpdateCorrect:
		var told []string
		if a.OwnerID != "" && a.OwnerID != me {
			told = append(told, who(a.OwnerID))
		}
		if h := a.PendingHandover; h != nil && h.ToID != me {
			told = append(told, who(h.ToID)+", whose answer to its handover waits,")
		}
		switch len(told) {
		case 0:
			return fmt.Sprintf("“%s” is corrected: the timeline keeps what it said before.", a.Title)
		case 1:
			return fmt.Sprintf("“%s” is corrected: %s is told what changed.", a.Title, told[0])
		}
		return fmt.Sprintf("“%s” is corrected: %s and %s are told what changed.", a.Title, told[0], strings.TrimSuffix(told[1], ","))
	case uiFeedback:
		return "Thank you: your feedback is recorded."
	}
	return "Done."
}

// toldDone is what a record of a message to the customer did, by its outcome.
func toldDone(outcome, title string) string {
	switch outcome {
	case workflows.MessageNotReached:
		return fmt.Sprintf("Recorded: the customer of “%s” was not reached. The message is still to tell.", title)
	case workflows.MessageNotNeeded:
		return fmt.Sprintf("Recorded: the customer of “%s” need not be told the message.", title)
	case workflows.MessageUndo:
		return fmt.Sprintf("Undone: the message to the customer of “%s” is to tell again.", title)
	}
	return fmt.Sprintf("Recorded: the customer of “%s” was told the message.", title)
}

// statusOrder puts what needs a supervisor first on the board.
var statusOrder = []string{"escalated", "checking", "handover_pending", "unassigned", "assigned"}

// boardCards is how many cards each column of the board shows at once, and how many handovers
// waiting for acceptance it lists: a team with hundreds of open actions gets a page a browser
// draws at once, each column counting all of its actions and leading on to the next cards.
const boardCards = 25

// boardColumn is one status's column of the board: its cards from From, and how many there are.
type boardColumn struct {
	Status string
	Rows   []actionRow
	// Total is how many open actions of the team have this status; the column shows Rows, the
	// cards from From on.
	Total, From int
	// Earlier and Later are the addresses of the cards before and after these, or "".
	Earlier, Later string
}

// Shown says which of the column's cards are on the page: "26-50".
func (col boardColumn) Shown() string {
	return fmt.Sprintf("%d-%d", col.From+1, col.From+len(col.Rows))
}

func (s *server) uiBoard(c *gin.Context) {
	s.boardPage(c, http.StatusOK, "", "", url.Values{}, nil)
}

// boardPage shows the board; after a refused command, the card (failedID) or the shift handover
// form it came from is open again with what was typed (form) and the reason.
func (s *server) boardPage(c *gin.Context, status int, failedID, failedCommand string, form url.Values, problem *apiResult) {
	me := s.viewer(c)
	if !me.Supervisor {
		s.uiError(c, http.StatusForbidden, "The board is for supervisors and managers.")
		return
	}
	if len(c.QueryArray("team")) > 1 {
		s.uiError(c, http.StatusUnprocessableEntity, "The address names several teams: a board is one team's.")
		return
	}
	team := c.Query("team")
	if team == "" && form != nil {
		team = form.Get("team") // a form sent from another team's board comes back to it
	}
	if team == "" {
		team = me.TeamID
	} else if team != me.TeamID {
		// Another team's board: it must exist, and be the viewer's to see; one outside their scope
		// is not found, as an action outside it is (the manager view answers the same).
		if !seesAllTeams(principal(c)) {
			s.uiError(c, http.StatusNotFound, "There is no board of team "+team+" for you: you see your own team's.")
			return
		}
	}
	teamName, known := s.teamName(c, team)
	if !known && team != me.TeamID {
		s.uiError(c, http.StatusNotFound, "There is no team "+team+".")
		return
	}
	// Counted in the read model, and drawn boardCards to a column: a team's open actions,
	// each with its forms, made a page of megabytes once teams held hundreds.
	ctx := c.Request.Context()
	now := s.Now()
	unreadable := func(what string, err error) {
		s.Log.ErrorContext(ctx, what, "error", err)
		s.uiError(c, http.StatusServiceUnavailable, "The board cannot be read just now. Try again in a moment.")
	}
	counts, err := s.Store.OpenCounts(ctx, team, now)
	if err != nil {
		unreadable("counting the board's actions", err)
		return
	}
	// One column may be shown from a later card on (column, from): the others start at their first.
	pageColumn, fromText := c.Query("column"), c.Query("from")
	if pageColumn == "" && form != nil {
		// A card's form sent from a later page of a column comes back to that page.
		pageColumn, fromText = form.Get("column"), form.Get("from")
	}
	pageFrom := 0
	if n, err := strconv.Atoi(fromText); err == nil && n > 0 && slices.Contains(statusOrder, pageColumn) {
		pageFrom = n
	}
	lists := make([][]models.Action, 0, len(statusOrder)+1)
	for _, st := range statusOrder {
		from := 0
		if st == pageColumn {
			from = pageFrom
		}
		list, err := s.Store.BoardColumn(ctx, team, st, now, from, boardCards)
		if err != nil {
			unreadable("reading the board", err)
			return
		}
		lists = append(lists, list)
	}
	waiting, err := s.Store.WaitingHandovers(ctx, team, boardCards)
	if err != nil {
		unreadable("reading the board", err)
		return
	}
	opened, err := s.renderOpenLists(ctx, append(lists, waiting)...)
	if err != nil {
		unreadable("opening the board's actions", err)
		return
	}
	viewer := principal(c)
	total := map[string]int{}
	for _, n := range counts {
		total[n.Status] += int(n.Open)
	}
	address := func(status string, from int) string { return boardColumnOf(viewer, team, status, from) }
	columns := make([]boardColumn, len(statusOrder))
	var rows []actionRow
	for i, st := range statusOrder {
		col := boardColumn{Status: st, Rows: s.rows(opened[i]), Total: total[st]}
		if st == pageColumn {
			col.From = pageFrom
		}
		for j := range col.Rows {
			// The row holds what the commands' checks read: status, owner, team, pause, handovers.
			state := stateOfView(col.Rows[j].actionJSON)
			col.Rows[j].Commands = workflows.Available(&state, actorOf(viewer), recipientOf(viewer))
			if problem != nil && col.Rows[j].ID == failedID {
				// Refused as changed: its forms are for the version the workflow named, which the
				// read model may not have yet (a projection retrying), or sent again they would be
				// refused again.
				col.Rows[j].Version = max(col.Rows[j].Version, problem.Current)
			}
		}
		if col.From > 0 {
			col.Earlier = address(st, max(col.From-boardCards, 0))
		}
		if next := col.From + len(col.Rows); next < col.Total && len(col.Rows) == boardCards {
			col.Later = address(st, next)
		}
		columns[i] = col
		rows = append(rows, col.Rows...)
	}
	// A reassignment's message to the customer is asked for only of a customer not erased.
	// Unreadable, the field stays: the API refuses a message to an erased customer.
	var reassigning []string
	for _, r := range rows {
		if slices.Contains(r.Commands, workflows.UpdateReassign) {
			reassigning = append(reassigning, r.ID)
		}
	}
	if erased, err := s.Store.ErasedAmong(c.Request.Context(), reassigning); err == nil {
		for i := range columns {
			for j := range columns[i].Rows {
				columns[i].Rows[j].CustomerErased = erased[columns[i].Rows[j].ID]
			}
		}
	}
	pending := s.rows(opened[len(statusOrder)])
	// Who is on shift, and how much each holds: where work can go, and whose shift to hand over.
	type member struct {
		staffView
		Open, Overdue int
		// Awaiting: handovers waiting for their answer, which they cannot give off shift.
		Awaiting int
		// LastSupervisor: the team's only supervisor on shift; off shift, the team's alerts for its
		// supervisors go to the managers.
		LastSupervisor bool
	}
	// Read as the page's other reads are: a directory that cannot be read is the board's 503, not
	// a team table saying nobody active is in the team.
	directory, res := s.staffDirectory(c, team)
	if !res.ok() {
		unreadable("reading the team's staff", errors.New(res.message()))
		return
	}
	staff := workingStaff(directory, "")
	roster := make([]member, len(staff))
	unowned := 0 // open actions nobody owns: unassigned, or escalated with nobody on them
	for _, n := range counts {
		if n.OwnerID == "" {
			unowned += int(n.Open)
		}
	}
	awaiting, err := s.Store.AwaitingCounts(ctx, team)
	if err != nil {
		unreadable("counting the handovers waiting", err)
		return
	}
	supervisorsOn := supervisorsOnShift(directory)
	for i, st := range staff {
		roster[i].staffView = st
		roster[i].Awaiting = awaiting[st.ID]
		roster[i].LastSupervisor = len(supervisorsOn) == 1 && supervisorsOn[0] == st.ID
		for _, n := range counts {
			if n.OwnerID == st.ID {
				roster[i].Open += int(n.Open)
				roster[i].Overdue += int(n.Overdue)
			}
		}
	}
	// The refusal stands on its card when the board shows that card with the refused form;
	// otherwise (the action has ended or left the board meanwhile, or no longer offers that form:
	// a withdraw after the handover was answered) at the top, with what was typed.
	failedShown := slices.ContainsFunc(rows, func(r actionRow) bool {
		drawn := failedCommand != workflows.UpdateReassign || canTake(staff, r.OwnerID, r.RequiredAuthority) // else "nobody can take it"
		return r.ID == failedID && r.ActsOnBoard() && slices.Contains(r.Commands, failedCommand) && drawn
	})
	// The messages to the team's customers nobody has recorded telling yet, whoever was asked:
	// the oldest boardCards (one more read says there are more). Unreadable, none: the inbox of
	// each person asked still lists theirs.
	toTell, _ := s.Store.TeamCustomersToTell(c.Request.Context(), team, s.tellSince(), boardCards+1)
	data := gin.H{
		"ToTell": toTell[:min(len(toTell), boardCards)], "ToTellMore": len(toTell) > boardCards,
		"PageColumn": pageColumn, "PageFrom": pageFrom,
		"Team": team, "TeamName": teamName, "Columns": columns, "Pending": pending, "PendingTotal": total[string(workflows.StatusHandoverPending)], "Staff": staff, "Roster": roster, "Unowned": unowned,
		"Situations": workflows.Situations, "FailedID": failedID, "FailedCommand": failedCommand, "FailedShown": failedShown,
		"Form": form, "Idem": pageIdem(c), "Fields": map[string]string{},
	}
	// The shift handover of one person of the team, chosen from the roster (or sent and refused):
	// the form names them, with a field for each note of their actions.
	shiftFrom := c.Query("shift_from")
	if failedCommand == "shift" {
		// The person whose actions' notes were typed, kept with them.
		shiftFrom = cmp.Or(form.Get("notes_for"), form.Get("from_id"))
	}
	if i := slices.IndexFunc(roster, func(m member) bool { return m.ID == shiftFrom }); i >= 0 && roster[i].Open > 0 {
		data["ShiftFrom"], data["ShiftNotes"] = shiftFrom, s.shiftNotesOf(c, shiftFrom)
	}
	// The opening hours for the extend forms' hint, read only when a card offers one: the board is
	// drawn again at every change.
	if slices.ContainsFunc(rows, func(r actionRow) bool { return slices.Contains(r.Commands, workflows.UpdateExtend) }) {
		data["OpenHours"], data["DeskZone"] = s.teamDesk(c, team)
	}
	if problem != nil {
		// The reason, and each field it faults marked (on the card's form, or the shift handover's).
		data["Error"], data["Fields"] = problem.messageOf(failedCommand), problem.fields()
		if failedID != "" && !failedShown {
			// The card's form is not drawn again (the action moved on meanwhile): the banner says
			// which action it was, and what was typed is shown instead of lost.
			if a, err := s.Store.GetActionRow(ctx, failedID); err == nil && inScope(viewer, a.TeamID) {
				data["FailedTitle"], data["Kept"] = a.Title, keptText(form)
			}
			data["Error"] = withoutForm(data["Error"].(string))
		}
	}
	s.render(c, status, "board", data)
}

func (s *server) uiStartShift(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	if forWhom := f.Get("notes_for"); forWhom != "" && forWhom != f.Get("from_id") && len(shiftActionNotes(f)) > 0 {
		// The board's notes for each action were drawn for the person chosen in its team table;
		// another outgoing person chosen since would have them refused one by one, by action ID.
		who := s.who(c)
		msg := fmt.Sprintf("the notes for each action below are for %s's actions: choose %s as the outgoing person, or Hand over shift beside %s in the team table",
			who(forWhom), who(forWhom), cmp.Or(who(f.Get("from_id")), "the person"))
		res := apiResult{Status: http.StatusUnprocessableEntity, Problem: &problemBody{Detail: "from_id: " + msg, Errors: []FieldError{{Field: "from_id", Message: msg}}}}
		s.boardPage(c, res.Status, "", "shift", f, &res)
		return
	}
	body := map[string]any{"from_id": f.Get("from_id"), "notes": f.Get("notes"), "situation": f.Get("situation")}
	setIf(body, "to_id", f.Get("to_id"))
	setIf(body, "reassign_due_in", f.Get("reassign_due_in"))
	if own := shiftActionNotes(f); len(own) > 0 {
		body["action_notes"] = own
	}
	if f.Get("end_shift") == "true" {
		body["end_shift"] = true
	}
	res := s.call(c, http.MethodPost, "/api/v1/shift-handovers", body, f.Get("idem"))
	if !res.ok() {
		if f.Get("back") == "inbox" {
			s.inboxPage(c, res.Status, f, &res)
			return
		}
		if res.Problem != nil {
			res.Problem.Detail = shiftFormWords(res.Problem.Detail)
		}
		s.boardPage(c, res.Status, "", "shift", f, &res)
		return
	}
	var read shiftRead
	var ended struct {
		FromOnShift *bool  `json:"from_on_shift"`
		Kept        string `json:"from_kept_on_shift"`
		waitingHandovers
	}
	if err := errors.Join(res.decode(&read), res.decode(&ended)); err != nil {
		s.uiError(c, http.StatusInternalServerError, "The shift handover started but its answer could not be read.")
		return
	}
	p := read.progress()
	done := shiftStarted(p)
	if ended.FromOnShift != nil {
		mine := p.FromID == principal(c).ID
		done += " " + shiftEndedWords(*ended.FromOnShift, ended.Kept != "", mine, cmp.Or(s.who(c)(p.FromID), p.FromID))
		done += ended.said(mine)
	}
	s.setDone(c, done)
	c.Redirect(http.StatusSeeOther, "/shift-handovers/"+url.PathEscape(p.ID))
}

// shiftEndedWords says how the outgoing person of a shift handover stands after the form asked
// to take them off shift (their own shift ended, or a supervisor's switch): the shift handover
// has started either way. Kept is their own shift handover that handed over none of their
// actions, which leaves them on shift.
func shiftEndedWords(onShift, kept, mine bool, name string) string {
	switch {
	case kept:
		return "Your shift goes on: none of your actions could be handed over (each says why below), so they stay yours, and your supervisors are told of each. Hand them over one by one, or end your shift from your inbox all the same."
	case onShift && mine:
		return "You are still on shift: it could not be ended just now; end it from your inbox."
	case onShift:
		return name + " is still on shift: it could not be ended just now; take them off shift from the board's team table."
	case mine:
		return "Your shift has ended: nothing new is routed or handed over to you."
	}
	return name + " is off shift: nothing new is routed or handed over to them."
}

// shiftFormWords names the board's shift form's two people in a refusal as its labels do
// (Outgoing, Incoming), not as a handover's form does (From, To).
func shiftFormWords(detail string) string {
	return refusedField.ReplaceAllStringFunc(detail, func(m string) string {
		g := refusedField.FindStringSubmatch(m)
		switch g[2] {
		case "from_id":
			return g[1] + "outgoing: "
		case "to_id":
			return g[1] + "incoming: "
		}
		return m
	})
}

// shiftStarted is the sentence that confirms a shift handover: how many handovers (and
// reassignments) it asked for, and how many actions it could not pass on, whose reasons the page
// lists.
func shiftStarted(p workflows.ShiftProgress) string {
	var handovers, reassigned, skipped int
	for _, it := range p.Items {
		switch {
		case it.Status == workflows.ShiftItemSkipped:
			skipped++
		case it.Reassign:
			reassigned++
		default:
			handovers++
		}
	}
	parts := []string{plural(handovers, "handover") + " requested"}
	if reassigned > 0 {
		parts = append(parts, plural(reassigned, "reassignment"))
	}
	if skipped > 0 {
		parts = append(parts, plural(skipped, "action")+" left out (why is below)")
	}
	return "Shift handover started: " + strings.Join(parts, ", ") + "."
}

// uiMyShift starts or ends the signed-in person's own shift (form field on: true or false).
func (s *server) uiMyShift(c *gin.Context) {
	var path string
	switch c.PostForm("on") {
	case "true":
		path = "/api/v1/shifts/start"
	case "false":
		path = "/api/v1/shifts/end"
	default:
		s.uiError(c, http.StatusUnprocessableEntity, "The form must say whether your shift starts (on=true) or ends (on=false).")
		return
	}
	res := s.call(c, http.MethodPost, path, nil, "")
	if !res.ok() {
		s.inboxPage(c, res.Status, url.Values{}, &res)
		return
	}
	// The inbox says what changed, as after every other form, so that a screen reader, whose
	// focus the sentence takes, hears that the switch worked.
	if c.PostForm("on") == "true" {
		s.setDone(c, "Your shift has started: new actions can be routed to you and colleagues can hand theirs over to you.")
	} else {
		var w waitingHandovers
		_ = res.decode(&w)
		s.setDone(c, "Your shift has ended: nothing is routed or handed over to you until you start it again."+w.said(true))
	}
	c.Redirect(http.StatusSeeOther, "/inbox")
}

// uiStaffShift is the board's roster form taking a member of the team on or off shift (form
// field on: true or false), as a supervisor does for one gone home ill.
func (s *server) uiStaffShift(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	on := f.Get("on")
	if on != "true" && on != "false" {
		s.uiError(c, http.StatusUnprocessableEntity, "The form must say whether the person goes on shift (on=true) or off it (on=false).")
		return
	}
	res := s.call(c, http.MethodPatch, "/api/v1/staff/"+url.PathEscape(c.Param("id")), map[string]any{"on_shift": on == "true"}, "")
	if !res.ok() {
		s.boardPage(c, res.Status, "", "", f, &res)
		return
	}
	var st offShiftJSON
	_ = res.decode(&st)
	name := cmp.Or(st.Name, c.Param("id"))
	if st.OnShift {
		s.setDone(c, name+" is on shift: new actions can be routed to them and colleagues can hand theirs over to them.")
	} else {
		s.setDone(c, name+" is off shift: nothing is routed or handed over to them; what they own stays theirs until handed over or reassigned."+st.said(false))
	}
	c.Redirect(http.StatusSeeOther, boardOf(principal(c), f.Get("team"))+"#roster-"+url.PathEscape(c.Param("id")))
}

// shiftRead is a shift handover as the API answers it (shiftJSON): an item's new due time is a Go
// duration there, where the workflow's item holds the duration itself.
type shiftRead struct {
	workflows.ShiftProgress
	Items []struct {
		workflows.ShiftItem
		DueIn string `json:"due_in"`
	} `json:"items"`
}

// progress is the shift handover read, as the workflow holds it.
func (r shiftRead) progress() workflows.ShiftProgress {
	p := r.ShiftProgress
	p.Items = make([]workflows.ShiftItem, len(r.Items))
	for i, it := range r.Items {
		p.Items[i] = it.ShiftItem
		p.Items[i].DueIn, _ = time.ParseDuration(it.DueIn) // none: 0
	}
	return p
}

// shiftCounts counts a shift handover's actions by where each stands, as its page's badges say
// it: a reassignment still being made is "being reassigned", as the confirmation counted it
// (shiftStarted), not among the handovers requested.
func shiftCounts(items []workflows.ShiftItem) map[string]int {
	counts := map[string]int{}
	for _, it := range items {
		key := it.Status
		if it.Status == workflows.ShiftItemRequested && it.Reassign {
			key = "being_reassigned"
		}
		counts[key]++
	}
	return counts
}

func (s *server) uiShift(c *gin.Context) {
	var read shiftRead
	if !s.read(c, "/api/v1/shift-handovers/"+url.PathEscape(c.Param("id")), &read, "The shift handover") {
		return
	}
	p := read.progress()
	counts := shiftCounts(p.Items)
	ids := make([]string, 0, len(p.Items))
	for i, it := range p.Items {
		ids = append(ids, it.ActionID)
		p.Items[i].Reason = pageWords(it.Reason)
	}
	// The titles, owners and statuses of the actions the viewer may see, a list (one read) per
	// 200 of them.
	type now struct {
		Title, OwnerID, Status string
		titleAside
	}
	actions := map[string]now{}
	for chunk := range slices.Chunk(ids, maxListIDs) {
		q := url.Values{"id": chunk, "limit": {strconv.Itoa(maxListIDs)}}
		var page struct {
			Items []actionJSON `json:"items"`
		}
		if r := s.call(c, http.MethodGet, "/api/v1/actions?"+q.Encode(), nil, ""); r.ok() && r.decode(&page) == nil {
			for _, a := range page.Items {
				actions[a.ID] = now{Title: a.Title, OwnerID: a.OwnerID, Status: a.Status, titleAside: asideOf(a)}
			}
		}
	}
	titles := make([]string, 0, len(actions))
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	alike := titlesAlike(titles)
	for id, a := range actions {
		a.Alike = alike(a.Title)
		actions[id] = a
	}
	// Those that did not pass and are still the outgoing person's stay with them: the page says
	// so rather than that all is settled. One passed on since (reassigned, accepted from another
	// handover, completed) does not stay, nor one another shift handover passes on.
	left := 0
	for _, it := range p.Items {
		a, seen := actions[it.ActionID]
		gone := seen && (a.OwnerID != p.FromID || workflows.Status(a.Status).Final())
		if it.LeftOver() && !gone {
			left++
		}
	}
	// Done, it says what else the outgoing person still owns (left to an earlier shift handover
	// whose recipients have yet to answer, or taken on since), so that "settled" is not read as
	// "nothing left".
	others := 0
	if p.Done {
		q := url.Values{"owner_id": {p.FromID}, "limit": {strconv.Itoa(maxListIDs)}}
		for _, st := range workflows.OpenStatuses() {
			q.Add("status", string(st))
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if r := s.call(c, http.MethodGet, "/api/v1/actions?"+q.Encode(), nil, ""); r.ok() && r.decode(&page) == nil {
			for _, a := range page.Items {
				if !slices.Contains(ids, a.ID) {
					others++
				}
			}
		}
	}
	s.render(c, http.StatusOK, "shift", gin.H{"P": p, "Counts": counts, "Actions": actions, "Left": left, "Others": others})
}

// pageWords says a reason the API words for its callers (its field action_notes) as the pages'
// forms offer it: notes for each action are in the outgoing person's own form (Hand over my
// shift, in their inbox) and in the board's, once the person is chosen in the team table.
func pageWords(reason string) string {
	return strings.Replace(reason, "its own notes (action_notes)",
		"its own notes (Hand over my shift in the outgoing person's inbox, or Hand over shift beside them on the board, has a field for each)", 1)
}

// teamSummary is one line of the manager's view.
type teamSummary struct {
	ID, Name                                  string
	Open, Overdue, Escalated, Pending, Paused int
	// NoOwner counts the open actions nobody owns: unassigned, or escalated with nobody on them.
	NoOwner int
	// OwnerAway counts those whose owner is away (off shift, deactivated, gone from the team),
	// escalated ones apart: the supervisors' inbox lists them (models.Inbox.OwnedByPeopleAway).
	OwnerAway int
}

func (s *server) uiManager(c *gin.Context) {
	me := s.viewer(c)
	if !me.Reviews {
		s.uiError(c, http.StatusForbidden, "The handover review is for supervisors (their team's) and managers.")
		return
	}
	teams, ok := s.readTeams(c)
	if !ok {
		return
	}
	// A manager reviews every team, or one; a supervisor their own team, as the reports' API does.
	if len(c.QueryArray("team")) > 1 {
		s.uiError(c, http.StatusUnprocessableEntity, "The address names several teams: review one team, or every team without naming one.")
		return
	}
	team, own := c.Query("team"), ""
	if !me.Manager {
		own = me.TeamID
		if team != "" && team != own {
			s.uiError(c, http.StatusNotFound, "A supervisor reviews their own team's handovers.")
			return
		}
		team = own
		teams = slices.DeleteFunc(teams, func(t teamView) bool { return t.ID != own })
	}
	// Counted in the read model, every team in one statement: reading each team's open actions
	// to count them took seconds once teams held thousands.
	counts, err := s.Store.OpenCounts(c.Request.Context(), own, s.Now())
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "counting open actions", "error", err)
		s.uiError(c, http.StatusServiceUnavailable, "The teams' open actions cannot be counted just now. Try again in a moment.")
		return
	}
	staff, err := s.Store.ListStaff(c.Request.Context(), "")
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "reading the staff", "error", err)
		s.uiError(c, http.StatusServiceUnavailable, "The teams' open actions cannot be counted just now. Try again in a moment.")
		return
	}
	people := make(map[string]models.Staff, len(staff))
	for _, st := range staff {
		people[st.ID] = st
	}
	byTeam := map[string]*teamSummary{}
	summaries := make([]teamSummary, len(teams))
	for i, t := range teams {
		summaries[i] = teamSummary{ID: t.ID, Name: t.Name}
		byTeam[t.ID] = &summaries[i]
	}
	for _, n := range counts {
		sum := byTeam[n.TeamID]
		if sum == nil {
			continue // a team made since the list was read
		}
		sum.Open += int(n.Open)
		sum.Overdue += int(n.Overdue)
		sum.Paused += int(n.Paused)
		if n.OwnerID == "" {
			sum.NoOwner += int(n.Open)
		} else if n.Status != string(workflows.StatusEscalated) && !people[n.OwnerID].AtWorkIn(n.TeamID) {
			sum.OwnerAway += int(n.Open)
		}
		switch n.Status {
		case string(workflows.StatusEscalated):
			sum.Escalated += int(n.Open)
		case string(workflows.StatusHandoverPending):
			sum.Pending += int(n.Open)
		}
	}
	days := 30
	if d := c.Query("days"); d != "" {
		if !slices.Contains(reviewPeriods, d) {
			last := len(reviewPeriods) - 1
			s.uiError(c, http.StatusUnprocessableEntity, "The review covers the last "+strings.Join(reviewPeriods[:last], ", ")+" or "+reviewPeriods[last]+" days.")
			return
		}
		days, _ = strconv.Atoi(d)
	}
	until := s.Now().UTC()
	since := until.Add(-time.Duration(days) * 24 * time.Hour)
	rq := url.Values{"since": {since.Format(time.RFC3339Nano)}, "until": {until.Format(time.RFC3339Nano)}}
	if team != "" {
		rq.Set("team_id", team)
	}
	var report models.HandoverReport
	if !s.read(c, "/api/v1/reports/handovers?"+rq.Encode(), &report, "The handover review") {
		return
	}
	teamName := team
	if sum := byTeam[teamName]; sum != nil {
		teamName = cmp.Or(sum.Name, teamName)
	}
	weeks, ok := s.readWeeks(c, team)
	if !ok {
		return
	}
	// The team's weeks end on Monday 06:00 in its own zone; all together's, and those of a team
	// without opening hours, in UTC.
	zone, err := s.Store.TeamZone(c.Request.Context(), team)
	if err != nil {
		zone = time.UTC
	}
	s.render(c, http.StatusOK, "manager", gin.H{
		"AllTeams": me.Manager,
		"Teams":    summaries, "Report": report, "Days": days, "Team": team, "TeamName": teamName,
		"Charts": reportCharts(report), "Held": heldRows(report.Overall), "Periods": reviewPeriods,
		"Situations": situationRows(report), "ByTeam": teamRows(report, team, byTeam),
		"ListLimit": models.ReportListLimit, "Weeks": weeks, "NextReview": models.NextWeekEnd(s.Now(), zone), "ReviewZone": zone.String(),
	})
}

// reviewWeek is one kept weekly review, as the manager's week-by-week table shows it.
type reviewWeek struct {
	Since, Until time.Time
	Figures      *models.ReportFigures
}

// managerWeeks is how many of the kept weekly reviews the manager's page compares.
const managerWeeks = 8

// readWeeks reads the latest kept weekly reviews of a team (all teams together when team is
// empty), newest first, through the API; it answers false once it has drawn the error.
func (s *server) readWeeks(c *gin.Context, team string) ([]reviewWeek, bool) {
	path := "/api/v1/reports/weekly"
	if team != "" {
		path += "?" + url.Values{"team_id": {team}}.Encode()
	}
	var kept struct {
		Items []struct {
			Since  time.Time             `json:"since"`
			Until  time.Time             `json:"until"`
			Report models.HandoverReport `json:"report"`
		} `json:"items"`
	}
	if !s.read(c, path, &kept, "The weekly reviews") {
		return nil, false
	}
	weeks := make([]reviewWeek, 0, min(len(kept.Items), managerWeeks))
	for _, w := range kept.Items[:min(len(kept.Items), managerWeeks)] {
		if w.Report.Overall != nil {
			weeks = append(weeks, reviewWeek{Since: w.Since, Until: w.Until, Figures: w.Report.Overall})
		}
	}
	return weeks, true
}

// reviewPeriods are the spans, in days, the manager's review can cover.
var reviewPeriods = []string{"7", "30", "90"}

// reviewRow is one line of a review table: a situation's figures or a team's.
type reviewRow struct {
	Key, Name string
	Figures   *models.ReportFigures
}

// situationRows are the review's figures by situation in the workbook's order (routine, busy,
// quiet, let down), then any other situation the report names.
func situationRows(r models.HandoverReport) []reviewRow {
	rows := make([]reviewRow, 0, len(r.BySituation))
	for _, sit := range situationOrder(r.BySituation) {
		rows = append(rows, reviewRow{Key: sit, Figures: r.BySituation[sit]})
	}
	return rows
}

// situationOrder is the situations of a by-situation map in the workbook's order, then any other
// (one a later version adds) by name.
func situationOrder[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for _, sit := range workflows.Situations {
		if _, ok := m[sit]; ok {
			keys = append(keys, sit)
		}
	}
	var others []string
	for k := range m {
		if !slices.Contains(workflows.Situations, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	return append(keys, others...)
}

// teamRows are the review's figures by team, by team name, when the review covers every team
// (one team's review has one row, its own, which the figures above already give).
func teamRows(r models.HandoverReport, team string, teams map[string]*teamSummary) []reviewRow {
	if team != "" || len(r.ByTeam) < 2 {
		return nil
	}
	rows := make([]reviewRow, 0, len(r.ByTeam))
	for id, f := range r.ByTeam {
		name := id
		if t := teams[id]; t != nil {
			name = cmp.Or(t.Name, id)
		}
		rows = append(rows, reviewRow{Key: id, Name: name, Figures: f})
	}
	slices.SortFunc(rows, func(a, b reviewRow) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key)) })
	return rows
}

// heldRow is one person's line of the time-held table.
type heldRow struct {
	Person                string
	Actions, Holdings     int
	Total, Median         string
	OpenTotal, OpenMedian string // in the teams' opening hours
}

// heldRows lists how long each person held the actions handed to them, longest total first.
func heldRows(f *models.ReportFigures) []heldRow {
	if f == nil {
		return nil
	}
	people := make([]string, 0, len(f.TimeHeld))
	for p := range f.TimeHeld {
		people = append(people, p)
	}
	slices.SortFunc(people, func(a, b string) int {
		if d := cmp.Compare(f.TimeHeld[b].TotalSeconds, f.TimeHeld[a].TotalSeconds); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
	span := func(seconds float64) string { return heldText(time.Duration(seconds * float64(time.Second))) }
	rows := make([]heldRow, len(people))
	for i, p := range people {
		h := f.TimeHeld[p]
		rows[i] = heldRow{Person: p, Actions: h.Actions, Holdings: h.Holdings, Total: span(h.TotalSeconds), Median: span(h.MedianSeconds),
			OpenTotal: span(h.OpenTotalSeconds), OpenMedian: span(h.OpenMedianSeconds)}
	}
	return rows
}

// eventText says what a timeline entry records, field by field.
// People in it are named by who.
func eventText(e eventJSON, who func(id string) string) []eventPart {
	var parts []eventPart
	for _, f := range eventFields {
		v, ok := e.Data[f.key]
		if !ok || v == nil || v == "" || (f.only != nil && !slices.Contains(f.only, e.Type)) {
			continue
		}
		part := eventPart{Label: f.label, Text: fmt.Sprint(v)}
		switch f.kind {
		case fieldTime:
			if at, err := time.Parse(time.RFC3339Nano, part.Text); err == nil {
				part.At = at
			}
		case fieldSpan:
			// The action's own time (a pause's, on the team's calendar): in hours however long,
			// as the due time's, since 50 hours of a desk open ten a weekday are not "2 days".
			if d, err := time.ParseDuration(part.Text); err == nil {
				part.Text = hoursText(d)
			}
		case fieldStaff:
			part.Text = who(part.Text)
		case fieldWord:
			part.Text = label(part.Text)
		case fieldInternal:
			if v != true {
				continue
			}
			part.Text = internalWords
		case fieldAction:
			// Another action, by its ID: a link to it (the page of one the reader cannot see
			// says so).
			part.Href, part.Text = "/actions/"+url.PathEscape(part.Text), "the action kept"
			if title, ok := e.Data[keptTitleKey].(string); ok && title != "" {
				part.Text = "“" + title + "”"
			}
		case fieldList:
			if list, ok := v.([]any); ok {
				items := make([]string, len(list))
				for i, item := range list {
					items[i] = fmt.Sprint(item)
				}
				part.Text = strings.Join(items, ", ")
			}
		}
		parts = append(parts, part)
	}
	return parts
}

// situationWords says each situation a handover is made in as the workbook does.
var situationWords = map[string]string{
	"routine": "routine service", "busy": "a busy time", "quiet": "a quiet time",
	"let_down": "let down by people, systems or resources",
}

// situationLabel is a situation in words ("let_down" was "let down", which read as the customer).
func situationLabel(s string) string {
	if words, ok := situationWords[s]; ok {
		return words
	}
	return label(s)
}

// eventWords names a timeline entry where its type in plain words would mislead: a message to
// the customer is recorded whether an integration sent it or the owner is asked to.
var eventWords = map[string]string{
	workflows.EventCustomerTold: "message to the customer",
	workflows.EventDue:          "due time reached",
	// Of a message to the customer.
	workflows.EventMessageNotReached:   "customer not reached",
	workflows.EventMessageNotNeeded:    "message not needed",
	workflows.EventMessageRecordUndone: "record undone",
	workflows.EventMessagesUntold:      "messages still to tell",
	workflows.EventMessageUndelivered:  "message not sent by the integration",
	// Paused without an end, for another of its policy's intervals.
	workflows.EventPauseReminder: "reminder: still paused",
}

// eventLabel is a timeline entry's type as the page says it.
func eventLabel(typ string) string {
	if words, ok := eventWords[typ]; ok {
		return words
	}
	return label(typ)
}

// causeText is what a timeline entry's cause adds to who made it: nothing for a person's own
// request or a deadline (the entry says "automatically"), else the cause in words, with who
// started a shift handover made on someone's behalf.
func causeText(e eventJSON, who func(id string) string) string {
	switch e.Cause {
	case "", workflows.CauseRequest, workflows.CauseTimer:
		return ""
	case workflows.CauseShiftHandover:
		if by, _ := e.Data["started_by"].(string); by != "" && by != e.ActorID {
			return "in a shift handover started by " + who(by)
		}
		return "in a shift handover"
	}
	return label(e.Cause)
}

// shiftOf is the shift handover a timeline entry was caused by, or "".
// opensShift reports whether the viewer may open the shift handover an entry was made by (the API
// shows it to supervisors and managers, and to those it involves): a link that would be refused
// is not drawn. Of those it involves, the entry names the outgoing person (its actor), whoever
// started it, and this action's recipient or new owner.
func opensShift(e eventJSON, me viewer) bool {
	if me.Supervisor || me.Manager {
		return true
	}
	if e.ActorID == me.ID {
		return true
	}
	for _, k := range []string{"started_by", "to_id", "owner_id"} {
		if id, _ := e.Data[k].(string); id != "" && id == me.ID {
			return true
		}
	}
	return false
}

func shiftOf(e eventJSON) string {
	if e.Cause != workflows.CauseShiftHandover {
		return ""
	}
	id, _ := e.Data["shift_handover_id"].(string)
	return id
}

// messageParts splits a notification's message into text and times, so that the page shows each
// time in the desk's own time zone.
func messageParts(message string) []eventPart {
	var parts []eventPart
	last := 0
	for _, m := range workflows.MessageTime.FindAllStringIndex(message, -1) {
		at, err := time.Parse(time.RFC3339Nano, message[m[0]:m[1]])
		if err != nil {
			continue
		}
		parts = append(parts, eventPart{Text: message[last:m[0]]}, eventPart{At: at})
		last = m[1]
	}
	return append(parts, eventPart{Text: message[last:]})
}

// eventPart is one field of a timeline event as a page shows it: a time (At, which the page gives
// in the desk's own time zone like every other time), or text, a link when it has an Href.
type eventPart struct {
	Label, Text, Href string
	At                time.Time
}

// How a timeline field is shown: as written, as the page shows times and spans, by name, or as a
// value of the API in words ("not_done" reads "not done"), or as a list ("4, 8"), or a flag shown
// in the words of internalWords when true and left out when false, or another action's ID as a
// link to it.
const (
	fieldText = iota
	fieldTime
	fieldSpan
	fieldStaff
	fieldWord
	fieldList
	fieldInternal
	fieldAction
)

// internalWords say on the timeline that an action was created with no customer.
const internalWords = "none: an internal action, the team's own work"

// eventFields are the timeline data a page shows, in its order and words.
var eventFields = []struct {
	key, label string
	kind       int
	// only shows the field in entries of these types alone (none: in all).
	only []string
}{
	{key: "internal", label: "customer", kind: fieldInternal, only: []string{workflows.EventCreated}},
	{key: "duplicate_of", label: "a duplicate of", kind: fieldAction, only: []string{workflows.EventCancelled}},
	{key: "message_seq", label: "message of entry", only: messageRecords},
	{key: "method", label: "how", kind: fieldWord, only: []string{workflows.EventMessageDelivered, workflows.EventMessageNotReached}},
	{key: "try", label: "try", only: []string{workflows.EventMessageNotReached}},
	{key: "undone_seq", label: "record of entry", only: []string{workflows.EventMessageRecordUndone}},
	{key: "message_seqs", label: "messages of entries", kind: fieldList, only: []string{workflows.EventMessagesUntold}},
	{key: "records_close_at", label: "records close", kind: fieldTime, only: []string{workflows.EventMessagesUntold}},
	{key: "to_id", label: "to", kind: fieldStaff}, {key: "owner_id", label: "owner", kind: fieldStaff},
	{key: "from_id", label: "from", kind: fieldStaff},
	{key: "reason", label: "reason"}, {key: "summary", label: "summary"}, {key: "outcome", label: "outcome"},
	{key: "result", label: "result", kind: fieldWord}, {key: "next", label: "next step", kind: fieldWord}, {key: "notes", label: "notes"},
	{key: "text", label: "note"}, {key: "note", label: "note"}, {key: "message", label: "message"}, {key: "level", label: "level"},
	{key: "to_role", label: "to", kind: fieldWord}, {key: "rating", label: "rating"}, {key: "comment", label: "comment"},
	{key: "check_by", label: "check by", kind: fieldTime},
	{key: "paused_for", label: "paused for", kind: fieldSpan}, {key: "due_at", label: "due", kind: fieldTime},
	{key: "resume_at", label: "resumes by itself", kind: fieldTime, only: []string{workflows.EventPaused}},
	{key: "remind_at", label: "first reminder", kind: fieldTime, only: []string{workflows.EventPaused}},
	{key: "paused_since", label: "paused since", kind: fieldTime, only: []string{workflows.EventPauseReminder}},
	{key: "next_at", label: "remind again", kind: fieldTime},
	{key: "status", label: "status", kind: fieldWord},
	// A correction: each field changed, then what it said before.
	{key: "title", label: "title", only: corrected}, {key: "title_was", label: "title before", only: corrected},
	{key: "priority", label: "priority", only: corrected}, {key: "priority_was", label: "priority before", only: corrected},
	{key: "details", label: "details", only: corrected}, {key: "details_was", label: "details before", only: corrected},
	{key: "customer_name", label: "customer's name", only: corrected}, {key: "customer_name_was", label: "customer's name before", only: corrected},
	{key: "customer_contact", label: "customer's contact", only: corrected}, {key: "customer_contact_was", label: "customer's contact before", only: corrected},
}

// corrected are the timeline entries of a correction.
var corrected = []string{workflows.EventCorrected}

// messageRecords are the timeline entries that record what was done about a message to the
// customer.
var messageRecords = []string{workflows.EventMessageDelivered, workflows.EventMessageNotReached, workflows.EventMessageNotNeeded, workflows.EventMessageUndelivered, workflows.EventMessageRecordUndone}
