package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

func requireAdmin(c *gin.Context) error {
	return onlyAdmins(c, "only administrators manage staff, teams and policies")
}

// onlyAdmins refuses callers who are not administrators, with refusal.
func onlyAdmins(c *gin.Context, refusal string) error {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		return errorf(kindForbidden, "%s", refusal)
	}
	return nil
}

// adminDecode refuses callers who are not administrators, then reads the body.
func (s *server) adminDecode(c *gin.Context, dst any) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	return s.decoder.decode(c, dst)
}

// named says which team or person a missing or taken ID is, where the store's error says only
// "not found" or "already exists".
func named(err error, what, id string) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return errorf(kindNotFound, "no %s %q", what, id)
	case errors.Is(err, models.ErrConflict):
		return codedf(kindConflict, codeAlreadyExists, "there is already a %s %q", what, id)
	}
	return err
}

type teamView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *server) listTeams(c *gin.Context) (int, any, error) {
	teams, err := s.Store.ListTeams(c.Request.Context())
	if err != nil {
		return 0, nil, err
	}
	items := make([]teamView, len(teams))
	for i, t := range teams {
		items[i] = teamView{ID: t.ID, Name: t.Name}
	}
	return http.StatusOK, gin.H{"items": items}, nil
}

type teamRequest struct {
	ID   string `json:"id" binding:"required,max=64"`
	Name string `json:"name" binding:"required,notblank,max=200"`
}

func (r *teamRequest) checkFields() []FieldError {
	if r.ID != "" && !models.ValidID(r.ID) {
		return []FieldError{{Field: "id", Message: models.IDRule}}
	}
	return nil
}

func (s *server) createTeam(c *gin.Context) (int, any, error) {
	var req teamRequest
	if err := s.adminDecode(c, &req); err != nil {
		return 0, nil, err
	}
	err := s.Store.CreateTeam(c.Request.Context(), principal(c).ID, models.Team{ID: req.ID, Name: req.Name})
	if errors.Is(err, models.ErrConflict) && c.GetHeader("Idempotency-Key") != "" {
		// A retry: the ID is the natural key, so an identical team is the first answer again.
		if t, gerr := s.Store.GetTeam(c.Request.Context(), req.ID); gerr == nil && t.Name == req.Name {
			return http.StatusCreated, teamView(req), nil
		}
	}
	if err != nil {
		return 0, nil, named(err, "team", req.ID)
	}
	s.ui.names.forget() // the pages name teams
	return http.StatusCreated, teamView(req), nil
}

type teamPatch struct {
	Name *string `json:"name" binding:"omitempty,notblank,max=200"`
}

func (teamPatch) patch() {}

func (s *server) patchTeam(c *gin.Context) (int, any, error) {
	if err := requireAdmin(c); err != nil {
		return 0, nil, err
	}
	team, err := s.Store.GetTeam(c.Request.Context(), c.Param("id"))
	if err != nil {
		return 0, nil, named(err, "team", c.Param("id"))
	}
	var req teamPatch
	if err := s.decoder.decode(c, &req); err != nil {
		return 0, nil, err
	}
	if req.Name != nil {
		if team, err = s.Store.RenameTeam(c.Request.Context(), principal(c).ID, team.ID, *req.Name); err != nil {
			return 0, nil, named(err, "team", c.Param("id"))
		}
		s.ui.names.forget() // the pages name teams
	}
	return http.StatusOK, teamView{ID: team.ID, Name: team.Name}, nil
}

// staffParams are the query parameters GET /staff takes.
var staffParams = []string{"team_id", "limit", "cursor"}

// staffCursor is the last person of a page of the staff, given out as its next_cursor.
type staffCursor struct {
	ID string `json:"i"`
}

// listStaff lists a page of the staff by ID (of one team with team_id), and the cursor of the next.
// A page holds up to maxPage people, the largest page of any list, unless limit asks for fewer:
// a directory of that size is read in one call, as it was before it took pages.
func (s *server) listStaff(c *gin.Context) (int, any, error) {
	fields := queryFields(c, "is not a filter of this list", staffParams)
	limit, bad := pageLimit(c, maxPage, maxPage)
	fields = append(fields, bad...)
	var after staffCursor
	if v := c.Query("cursor"); v != "" && (!decodeCursor(v, &after) || after.ID == "") {
		fields = append(fields, FieldError{Field: "cursor", Message: "is not a cursor this API gave out"})
	}
	if len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	team := c.Query("team_id")
	staff, more, err := s.Store.StaffPage(c.Request.Context(), team, after.ID, limit)
	if err != nil {
		return 0, nil, err
	}
	if team != "" && len(staff) == 0 && after.ID == "" {
		// An empty list of a team that does not exist would read as a team without staff (a
		// misspelt ID, say): 404, as GET /actions answers for it.
		if _, err := s.Store.GetTeam(c.Request.Context(), team); err != nil {
			return 0, nil, named(err, "team", team)
		}
	}
	items := make([]staffView, len(staff))
	for i, st := range staff {
		items[i] = staffJSON(st)
	}
	var next *string
	if more && len(staff) > 0 {
		cur := encodeCursor(staffCursor{ID: staff[len(staff)-1].ID})
		next = &cur
	}
	return http.StatusOK, gin.H{"items": items, "next_cursor": next}, nil
}

func (s *server) getStaff(c *gin.Context) (int, any, error) {
	st, err := s.Store.GetStaff(c.Request.Context(), c.Param("id"))
	if err != nil {
		return 0, nil, named(err, "member of staff", c.Param("id"))
	}
	return http.StatusOK, staffJSON(st), nil
}

type staffRequest struct {
	ID        string `json:"id" binding:"required,max=64"`
	Name      string `json:"name" binding:"required,notblank,max=200"`
	Role      string `json:"role" binding:"required,oneof=agent supervisor manager admin service"`
	TeamID    string `json:"team_id" binding:"max=64"`
	Authority int    `json:"authority" binding:"gte=0,lte=10"`
	OnShift   *bool  `json:"on_shift"`
}

// checkTeam refuses a team ID that does not exist, and a person of a team role without one.
func (s *server) checkTeam(c *gin.Context, role, teamID string) (*string, error) {
	if teamID == "" {
		if models.NeedsTeam(role) {
			return nil, invalidFields(FieldError{Field: "team_id", Message: models.TeamRule})
		}
		return nil, nil
	}
	if _, err := s.Store.GetTeam(c.Request.Context(), teamID); errors.Is(err, models.ErrNotFound) {
		return nil, invalidFields(FieldError{Field: "team_id", Message: "is not a team"})
	} else if err != nil {
		return nil, err
	}
	return &teamID, nil
}

func (s *server) createStaff(c *gin.Context) (int, any, error) {
	var req staffRequest
	// Every field that is wrong in one answer: the tags', the ID's form and the team.
	problems, err := fieldProblems(s.adminDecode(c, &req))
	if err != nil {
		return 0, nil, err
	}
	if req.ID != "" && !models.ValidID(req.ID) {
		problems = append(problems, FieldError{Field: "id", Message: models.IDRule})
	}
	team, err := s.checkTeam(c, req.Role, req.TeamID)
	teamProblems, err := fieldProblems(err)
	if err != nil {
		return 0, nil, err
	}
	if problems = append(problems, teamProblems...); len(problems) > 0 {
		return 0, nil, invalidFields(problems...)
	}
	st := models.Staff{ID: req.ID, Name: req.Name, Role: req.Role, TeamID: team, Authority: req.Authority, OnShift: true, Active: true}
	if req.OnShift != nil {
		st.OnShift = *req.OnShift
	}
	err = s.Store.CreateStaff(c.Request.Context(), principal(c).ID, st)
	if errors.Is(err, models.ErrConflict) && c.GetHeader("Idempotency-Key") != "" {
		// A retry: the ID is the natural key, so an identical person is the first answer again.
		if prev, gerr := s.Store.GetStaff(c.Request.Context(), req.ID); gerr == nil && sameStaff(prev, st) {
			return http.StatusCreated, staffJSON(prev), nil
		}
	}
	if err != nil {
		return 0, nil, named(err, "member of staff", req.ID)
	}
	s.ui.names.forget()
	return http.StatusCreated, staffJSON(st), nil
}

func sameStaff(a, b models.Staff) bool {
	return a.Name == b.Name && a.Role == b.Role && teamOf(a) == teamOf(b) && a.Authority == b.Authority && a.OnShift == b.OnShift
}

type staffPatch struct {
	Name      *string `json:"name" binding:"omitempty,notblank,max=200"`
	Role      *string `json:"role" binding:"omitempty,oneof=agent supervisor manager admin service"`
	TeamID    *string `json:"team_id" binding:"omitempty,max=64"`
	Authority *int    `json:"authority" binding:"omitempty,gte=0,lte=10"`
	OnShift   *bool   `json:"on_shift"`
	Active    *bool   `json:"active"`
}

func (staffPatch) patch() {}

// checkShiftChange refuses a supervisor's or a manager's change of a member of staff that is not
// on_shift alone, of someone outside their team (a supervisor's), or of someone who works no
// shifts (who owns no actions).
func checkShiftChange(me, st models.Staff, req staffPatch) error {
	if req.Name != nil || req.Role != nil || req.TeamID != nil || req.Authority != nil || req.Active != nil {
		return errorf(kindForbidden, "a supervisor or a manager changes only on_shift of staff: the rest is an administrator's")
	}
	if req.OnShift == nil {
		return invalidFields(FieldError{Field: "on_shift", Message: "is required: true takes the person on shift, false off it"})
	}
	// Someone who works no shifts first: "not in your team" would say their team's supervisor
	// could.
	if !workflows.Role(st.Role).CanOwn() {
		return invalidFields(FieldError{Field: "on_shift", Message: fmt.Sprintf("%s works no shifts: only staff who own actions do", cmp.Or(st.Name, st.ID))})
	}
	if !inScope(me, teamOf(st)) {
		return errorf(kindForbidden, "%s is not in your team: their own supervisor, a manager or an administrator takes them on or off shift", cmp.Or(st.Name, st.ID))
	}
	if workflows.Role(me.Role) == workflows.RoleSupervisor && workflows.Role(st.Role) == workflows.RoleManager {
		return errorf(kindForbidden, "%s is a manager: a manager or an administrator takes them on or off shift", cmp.Or(st.Name, st.ID))
	}
	return nil
}

func (s *server) patchStaff(c *gin.Context) (int, any, error) {
	shiftOnly := false
	if err := requireAdmin(c); err != nil {
		if !workflows.Role(principal(c).Role).SupervisorOrAbove() {
			return 0, nil, errorf(kindForbidden, "only administrators change staff; a supervisor or manager takes people on or off shift (on_shift alone), and you end your own shift with POST /shifts/end")
		}
		// A supervisor takes a member of their team on or off shift (one gone home ill, who
		// would otherwise still be routed work and handed actions), a manager anyone: on_shift
		// alone, the rest is an administrator's.
		shiftOnly = true
	}
	st, err := s.Store.GetStaff(c.Request.Context(), c.Param("id"))
	if err != nil {
		return 0, nil, named(err, "member of staff", c.Param("id"))
	}
	var req staffPatch
	if err := s.decoder.decode(c, &req); err != nil {
		return 0, nil, err
	}
	if shiftOnly {
		if err := checkShiftChange(principal(c), st, req); err != nil {
			return 0, nil, err
		}
	}
	was := st
	var columns []string
	set := func(column string, sent bool, apply func()) {
		if sent {
			apply()
			columns = append(columns, column)
		}
	}
	set("name", req.Name != nil, func() { st.Name = *req.Name })
	set("role", req.Role != nil, func() { st.Role = *req.Role })
	set("authority", req.Authority != nil, func() { st.Authority = *req.Authority })
	set("on_shift", req.OnShift != nil, func() { st.OnShift = *req.OnShift })
	if req.OnShift != nil && !workflows.Role(st.Role).CanOwn() && st.OnShift != was.OnShift {
		// An administrator's too: a shift of someone who owns no actions would mean nothing.
		return 0, nil, invalidFields(FieldError{Field: "on_shift", Message: fmt.Sprintf("%s works no shifts: only staff who own actions do", cmp.Or(st.Name, st.ID))})
	}
	set("active", req.Active != nil, func() { st.Active = *req.Active })
	teamID := teamOf(was)
	if req.TeamID != nil {
		teamID = *req.TeamID
	}
	if st.TeamID, err = s.checkTeam(c, st.Role, teamID); err != nil {
		return 0, nil, err
	}
	if teamOf(st) != teamOf(was) {
		columns = append(columns, "team_id")
	}
	wasAdmin := was.Active && workflows.Role(was.Role) == workflows.RoleAdmin
	// Refused when nobody could manage staff, teams or policies any more.
	keepAdmin := wasAdmin && (!st.Active || workflows.Role(st.Role) != workflows.RoleAdmin)
	ctx, actorID := c.Request.Context(), principal(c).ID
	change, above, guarded := workChange(was, st)
	if guarded {
		// Refused while the person has work, or a command naming them is on its way: counted in
		// the change's own transaction. Their work is handed on first, by a shift handover (or a
		// reassignment).
		err = s.Store.UpdateStaffIfFree(ctx, actorID, st, columns, keepAdmin, above)
	} else {
		err = s.Store.UpdateStaff(ctx, actorID, st, columns, keepAdmin)
	}
	var busy *models.StaffBusy
	if errors.Is(err, models.ErrLastAdmin) {
		return 0, nil, errorf(kindConflict, "%s is the only active administrator: make someone else one first", st.ID)
	} else if errors.As(err, &busy) {
		team := ""
		if t := teamOf(was); t != "" {
			team = "team " + t
			if tm, err := s.Store.GetTeam(ctx, t); err == nil && tm.Name != "" {
				team = tm.Name
			}
		}
		return 0, nil, busyRefusal(was, team, change, above, *busy)
	} else if err != nil {
		return 0, nil, named(err, "member of staff", st.ID)
	}
	if req.Name != nil || req.OnShift != nil || req.Role != nil {
		s.ui.names.forget() // the pages name people and say who is off shift
	}
	left := leftAsSupervisor(was, st)
	if req.OnShift != nil && !st.OnShift {
		// Sent again (or after someone else took them off shift), it answers those still waiting,
		// and tells the supervisors nothing again.
		var changed *time.Time
		if was.OnShift {
			now := time.Now()
			changed = &now
		}
		return http.StatusOK, s.wentOffShift(ctx, principal(c), st, changed, left), nil
	}
	if left != "" {
		// A supervisor at work deactivated, moved or given another role: the managers hear of the
		// team's work whose owners are away, when nobody else supervises it now.
		s.tellAway(ctx, principal(c), st, time.Now(), left)
	}
	return http.StatusOK, staffJSON(st), nil
}

// workChange says whether a change to a person would leave their open actions, or the handovers
// they have to accept, with someone who can no longer act on them (nor, after a move, see them): a
// move to another team, a deactivation, a role that cannot own actions, or less authority than an
// action needs (above: the authority, whose actions above it count; -1 when every one does).
func workChange(was, now models.Staff) (change string, above int, ok bool) {
	above = -1 // every open action, whatever authority it needs
	switch {
	case was.Active && !now.Active:
		change = "is deactivated"
	case teamOf(now) != teamOf(was):
		change = "moves to another team"
	case workflows.Role(was.Role).CanOwn() && !workflows.Role(now.Role).CanOwn():
		change = "becomes " + now.Role + ", who cannot own actions"
	case now.Authority < was.Authority:
		change, above = fmt.Sprintf("has authority %d", now.Authority), now.Authority
	default:
		return "", 0, false
	}
	return change, above, true
}

// busyRefusal is the 409 of a change to a person who has work: what they have, and who can clear
// each kind of it, so that the administrator knows whom to ask. It names the person by name, and
// their team as team (its name; "" for none).
func busyRefusal(was models.Staff, team, change string, above int, busy models.StaffBusy) error {
	who := cmp.Or(was.Name, was.ID)
	// needs says which actions count when only those above an authority do.
	needs := func(n int64, one, many string) string {
		if above < 0 {
			return ""
		}
		return fmt.Sprintf("%s more than authority %d", pick(int(n), one, many), above)
	}
	var steps []string
	if owned := busy.Owned; owned > 0 {
		steps = append(steps, fmt.Sprintf("%s owns %s%s: a supervisor of %s or a manager passes %s on (a shift handover from the board, or a reassignment)",
			who, plural(int(owned), "open action"), needs(owned, " that needs", " that need"), cmp.Or(team, "their team"), pick(int(owned), "it", "them")))
	}
	if awaiting := busy.Awaiting; awaiting > 0 {
		them := pick(int(awaiting), "it", "them")
		steps = append(steps, fmt.Sprintf("%s%s %s for %s's answer: %s accepts or declines %s, or whoever sent %s withdraws %s",
			plural(int(awaiting), "handover"), needs(awaiting, " of an action that needs", " of actions that need"),
			pick(int(awaiting), "waits", "wait"), who, who, them, them, them))
	}
	if busy.OnTheirWay > 0 {
		steps = append(steps, fmt.Sprintf("%s to %s %s on %s way at this moment: try again in a few seconds, once %s",
			plural(int(busy.OnTheirWay), "handover or reassignment"), who, pick(int(busy.OnTheirWay), "is", "are"),
			pick(int(busy.OnTheirWay), "its", "their"), pick(int(busy.OnTheirWay), "it has landed (it then counts above)", "they have landed (they then count above)")))
	}
	return errorf(kindConflict, "%s; then %s %s", strings.Join(steps, "; "), who, change)
}

type tokenRequest struct {
	Label string `json:"label" binding:"max=200"`
}

// checkFields refuses a label a list of tokens would not show as one line, or that does not say
// what it is for: one with a control character (a line break), or of spaces only. Spaces around
// it are dropped, so that "tablet " is revoked as "tablet".
func (r *tokenRequest) checkFields() []FieldError {
	r.Label = strings.TrimSpace(r.Label)
	if strings.ContainsFunc(r.Label, unicode.IsControl) {
		return []FieldError{{Field: "label", Message: "must be one line of text without control characters"}}
	}
	return nil
}

type tokenJSON struct {
	StaffID string `json:"staff_id"`
	Label   string `json:"label"`
	// Token is shown in this answer only: the read model keeps its hash.
	Token string `json:"token"`
}

// issueToken gives a member of staff a new bearer token (their earlier ones stay valid).
func (s *server) issueToken(c *gin.Context) (int, any, error) {
	var req tokenRequest
	if err := s.adminDecode(c, &req); err != nil {
		return 0, nil, err
	}
	id := c.Param("id")
	st, err := s.Store.GetStaff(c.Request.Context(), id)
	if err != nil {
		return 0, nil, named(err, "member of staff", id)
	}
	if !st.Active {
		return 0, nil, errorf(kindConflict, "%s is inactive and could not sign in with a token: make them active first", id)
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return 0, nil, err
	}
	token, err := s.Store.IssueTokenOnce(c.Request.Context(), principal(c).ID, id, req.Label, key)
	if used, ok := errors.AsType[*models.TokenKeyUsedError](err); ok {
		return 0, nil, tokenKeyRefusal(used, id, req.Label)
	}
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "no-store")
	return http.StatusCreated, tokenJSON{StaffID: id, Label: req.Label, Token: token}, nil
}

// tokenKeyRefusal is the answer to a token request sent again with its Idempotency-Key: a token's
// secret is shown once and never kept, so the first answer cannot be given again, and a second
// live credential is not issued in silence either. The same request is 409 token_shown_once,
// saying how to replace a token whose answer was lost; another one is 422 idempotency_key_reused.
func tokenKeyRefusal(used *models.TokenKeyUsedError, staffID, label string) error {
	e := used.Earlier
	named := fmt.Sprintf("labelled %q", e.Label)
	if e.Label == "" {
		named = "without a label"
	}
	at := e.CreatedAt.UTC().Format(time.RFC3339)
	if e.StaffID != staffID || e.Label != label {
		return keyUsedFor(fmt.Sprintf("with a different request: it issued a token to %s %s at %s", e.StaffID, named, at))
	}
	if e.RevokedAt != nil {
		return codedf(kindConflict, codeTokenShownOnce, "Idempotency-Key: this key already issued the token of %s %s at %s, since revoked. A token is shown once and not kept, so it cannot be answered again: issue another with a new key",
			e.StaffID, named, at)
	}
	return codedf(kindConflict, codeTokenShownOnce, "Idempotency-Key: this key already issued the token of %s %s at %s (live). A token is shown once and not kept, so it cannot be answered again: if that answer was lost, revoke the tokens of that label (DELETE /api/v1/staff/%s/tokens?label=%s, which revokes every live token of %s %s) and issue another with a new key",
		e.StaffID, named, at, e.StaffID, url.QueryEscape(e.Label), e.StaffID, named)
}

// tokensOf is the member of staff whose tokens an administrator reads or revokes (the path's id),
// once the caller is known to be one and the person to exist.
func (s *server) tokensOf(c *gin.Context) (string, error) {
	if err := requireAdmin(c); err != nil {
		return "", err
	}
	id := c.Param("id")
	if _, err := s.Store.GetStaff(c.Request.Context(), id); err != nil {
		return "", named(err, "member of staff", id)
	}
	return id, nil
}

// revokeTokens revokes every token of a member of staff, or with ?label= those of that label only
// (an integration's old token, once its new one is in use), and with them the UI sessions they
// signed in.
func (s *server) revokeTokens(c *gin.Context) (int, any, error) {
	id, err := s.tokensOf(c)
	if err != nil {
		return 0, nil, err
	}
	if id == principal(c).ID {
		return 0, nil, errorf(kindConflict, "these are your own tokens: sign out, or have another administrator revoke them (or run handover admin revoke-tokens)")
	}
	var labelled []string
	label, byLabel := c.GetQuery("label")
	if byLabel {
		labelled = []string{label}
	}
	n, err := s.Store.RevokeTokens(c.Request.Context(), principal(c).ID, id, labelled...)
	if err != nil {
		return 0, nil, err
	}
	if byLabel && n == 0 {
		return 0, nil, s.noSuchLabel(c.Request.Context(), id, label)
	}
	body := gin.H{"staff_id": id, "revoked": n}
	if byLabel {
		body["label"] = label
	}
	return http.StatusOK, body, nil
}

// noSuchLabel is the 404 of a revocation by a label no live token of the person has, naming those
// they have.
func (s *server) noSuchLabel(ctx context.Context, id, label string) error {
	live, err := s.Store.LiveTokens(ctx, id)
	if err != nil {
		return err
	}
	return errorf(kindNotFound, "%s", models.NoSuchLabel(id, label, live))
}

// listTokens lists a person's live tokens by label and when each was issued (never the tokens):
// which to revoke once an integration uses its new one.
func (s *server) listTokens(c *gin.Context) (int, any, error) {
	id, err := s.tokensOf(c)
	if err != nil {
		return 0, nil, err
	}
	live, err := s.Store.LiveTokens(c.Request.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"staff_id": id, "items": live}, nil
}

type inboxJSON struct {
	Owned              []actionJSON `json:"owned"`
	AwaitingAcceptance []actionJSON `json:"awaiting_acceptance"`
	FollowUpsDue       []actionJSON `json:"follow_ups_due"`
	ChecksDue          []actionJSON `json:"checks_due"`
	Escalated          []actionJSON `json:"escalated"`
	// OwnedByPeopleAway are, for a supervisor or a manager standing in, the open actions whose
	// owner is away (off shift, deactivated, gone from the team), earliest due first.
	OwnedByPeopleAway []actionJSON `json:"owned_by_people_away"`
	// CustomersToTell are the messages the caller is asked to tell customers (where no
	// integration sends them) and has not recorded telling, oldest first.
	CustomersToTell []customerTaskJSON `json:"customers_to_tell"`
}

// customerTaskJSON is a message someone is asked to tell a customer: POST /actions/{id}/told
// with its message_seq records that they did.
type customerTaskJSON struct {
	ActionID   string             `json:"action_id"`
	Title      string             `json:"title"`
	Status     string             `json:"status"`
	Customer   workflows.Customer `json:"customer"`
	MessageSeq int64              `json:"message_seq"`
	Message    string             `json:"message"`
	AskedAt    time.Time          `json:"asked_at"`
	// AskedID is who it was given to: the caller, an earlier owner of an action the caller owns
	// now, or (in a supervisor's or a manager's inbox) someone away whose task nobody at work sees.
	AskedID string `json:"asked_id"`
	// Stranded is a task listed in a supervisor's or a manager's inbox in place of others: the
	// person it was given to is away, and nobody at work sees it otherwise (its action has ended,
	// or has no owner, or its owner is away too).
	Stranded bool `json:"stranded"`
	// Tries counts the records of trying to tell the customer in vain (outcome not_reached), the
	// last of them LastTry.
	Tries   int      `json:"tries"`
	LastTry *tryJSON `json:"last_try,omitempty"`
	// RecordsCloseAt is, for an action that has ended, when its records close: after it the
	// message can no longer be recorded, and the task leaves the inbox. Null while it is open.
	RecordsCloseAt *time.Time `json:"records_close_at"`
	// LaterMessageSeq is the latest message to the customer of the same action given to someone
	// to tell after this one (told or not, to whomever), which may say all they need; null when
	// there is none.
	LaterMessageSeq *int64 `json:"later_message_seq"`
}

// tryJSON is a record of trying to tell a customer a message in vain: its timeline entry, when,
// who tried, how, and their note.
type tryJSON struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Method string    `json:"method"`
	Note   string    `json:"note,omitempty"`
}

// tellSince is the end of the actions whose messages to customers are still to tell: an action
// ended longer ago than its workflow stays open takes no record of them any more.
func (s *server) tellSince() time.Time { return s.Now().Add(-workflows.DefaultKeepOpenFor) }

// inboxOf is whose inbox me's is: their own, their team's (every team's for a manager).
func inboxOf(me models.Staff) models.InboxOf {
	return models.InboxOf{
		// A manager makes a team's checks only when it has no supervisor on shift (StandsIn), as
		// the alerts for them come to the managers only then, their own team's as any other.
		StaffID: me.ID, TeamID: teamOf(me), Supervisor: workflows.Role(me.Role) == workflows.RoleSupervisor, AllTeams: seesAllTeams(me),
		EscalatedFrom: workflows.Role(me.Role).FirstEscalationLevel(), StandsIn: workflows.Role(me.Role) == workflows.RoleManager,
	}
}

// customersToTell renders the caller's tasks to tell a customer a message, the customer's data and
// the message opened.
func (s *server) customersToTell(ctx context.Context, of models.InboxOf) ([]customerTaskJSON, error) {
	tasks, err := s.Store.CustomersToTell(ctx, of, s.tellSince())
	if err != nil {
		return nil, err
	}
	out := make([]customerTaskJSON, len(tasks))
	var values []*string
	for i, t := range tasks {
		var data struct {
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(t.Data), &data); err != nil {
			return nil, fmt.Errorf("the message at %d of action %s: %w", t.Seq, t.ActionID, err)
		}
		out[i] = customerTaskJSON{
			ActionID: t.ActionID, Title: t.Title, Status: t.Status, MessageSeq: t.Seq, Message: data.Message, AskedAt: t.AskedAt, AskedID: t.AskedID, Stranded: !t.Theirs(of.StaffID),
			Customer: workflows.Customer{Ref: t.CustomerRef, Name: t.CustomerName, Contact: t.CustomerContact},
		}
		if t.EndedAt != nil {
			closes := t.EndedAt.Add(workflows.DefaultKeepOpenFor)
			out[i].RecordsCloseAt = &closes
		}
		if t.LatestSeq > t.Seq {
			out[i].LaterMessageSeq = &t.LatestSeq
		}
		values = append(values, &out[i].Customer.Name, &out[i].Customer.Contact, &out[i].Message)
		if t.TriedSeq != nil && t.TriedAt != nil {
			var try struct {
				Method string `json:"method"`
				Try    int    `json:"try"`
				Note   string `json:"note"`
			}
			if err := json.Unmarshal([]byte(t.TriedData), &try); err != nil {
				return nil, fmt.Errorf("the try at %d of action %s: %w", *t.TriedSeq, t.ActionID, err)
			}
			out[i].Tries = try.Try
			out[i].LastTry = &tryJSON{Seq: *t.TriedSeq, At: *t.TriedAt, By: t.TriedBy, Method: try.Method, Note: try.Note}
			values = append(values, &out[i].LastTry.Note)
		}
	}
	if err := s.openAll(ctx, values...); err != nil {
		return nil, err
	}
	return out, nil
}

// countTheirs counts the tasks that are the person's own (models.CustomerTask.Theirs).
func countTheirs(tasks []models.CustomerTask, staffID string) int {
	n := 0
	for _, t := range tasks {
		if t.Theirs(staffID) {
			n++
		}
	}
	return n
}

// myInbox is what the caller has to act on: owned actions (earliest due first), handovers waiting
// for them, their follow-ups that are due, the checks they must make, and the escalations that
// reach them.
func (s *server) myInbox(c *gin.Context) (int, any, error) {
	of := inboxOf(principal(c))
	in, err := s.Store.Inbox(c.Request.Context(), of, s.Now())
	if err != nil {
		return 0, nil, err
	}
	lists, err := s.renderOpenLists(c.Request.Context(), in.Owned, in.AwaitingAcceptance, in.FollowUpsDue, in.ChecksDue, in.Escalated, in.OwnedByPeopleAway)
	if err != nil {
		return 0, nil, err
	}
	tell, err := s.customersToTell(c.Request.Context(), of)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, inboxJSON{Owned: lists[0], AwaitingAcceptance: lists[1], FollowUpsDue: lists[2], ChecksDue: lists[3], Escalated: lists[4], OwnedByPeopleAway: lists[5], CustomersToTell: tell}, nil
}

// shift starts or ends the caller's own shift: routing and handovers only pick people on shift.
func (s *server) shift(on bool) func(c *gin.Context) (int, any, error) {
	return func(c *gin.Context) (int, any, error) {
		me := principal(c)
		if !workflows.Role(me.Role).CanOwn() {
			return 0, nil, errorf(kindForbidden, "only staff who own actions work shifts")
		}
		// It takes no body: a field sent (meant for something else) is refused by name, not ignored.
		var none struct{}
		if err := s.decoder.decode(c, &none); err != nil {
			return 0, nil, err
		}
		asked := time.Now().Truncate(time.Microsecond) // as the read model keeps times
		st, err := s.Store.SetOnShift(c.Request.Context(), me.ID, me.ID, on)
		if err != nil {
			return 0, nil, err
		}
		s.ui.names.forget() // the pages say who is off shift
		if on {
			return http.StatusOK, staffJSON(st), nil
		}
		// Changed by this request (written only where it changes), not ended already before it.
		var changed *time.Time
		if st.ChangedAt != nil && !st.ChangedAt.Before(asked) {
			changed = st.ChangedAt
		}
		return http.StatusOK, s.wentOffShift(c.Request.Context(), me, st, changed, leftAsSupervisor(me, st)), nil
	}
}

// offShiftJSON is a person just gone off shift, with what that did with the handovers waiting for
// them, and how many open actions they still own (nil when that could not be read).
type offShiftJSON struct {
	staffView
	waitingHandovers
	ActionsStillOwned *int64 `json:"actions_still_owned,omitempty"`
	// CustomersStillToTell counts the messages to customers the person is to tell and has not
	// recorded telling, as their inbox lists them (at most 200; nil when that could not be read).
	CustomersStillToTell *int `json:"customers_still_to_tell,omitempty"`
}

// wentOffShift answers st's going off shift, by: the handovers waiting for them answered
// (returnWaiting), and the open actions they still own counted, which nobody looks after while
// they are away unless they are handed over or reassigned; when this request took them off shift
// (changed is when), the supervisors are told of those (tellAway).
func (s *server) wentOffShift(ctx context.Context, by, st models.Staff, changed *time.Time, left string) offShiftJSON {
	out := offShiftJSON{staffView: staffJSON(st), waitingHandovers: s.returnWaiting(ctx, by, st)}
	if owned, _, err := s.Store.OpenWork(ctx, st.ID, -1); err == nil {
		out.ActionsStillOwned = &owned
	}
	if changed != nil && (out.ActionsStillOwned == nil || *out.ActionsStillOwned > 0 || left != "") {
		s.tellAway(ctx, by, st, *changed, left)
	}
	// As their inbox lists them, but for those a supervisor's lists in place of others.
	if tasks, err := s.Store.CustomersToTell(ctx, inboxOf(st), s.tellSince()); err == nil {
		n := countTheirs(tasks, st.ID)
		out.CustomersStillToTell = &n
	}
	return out
}
