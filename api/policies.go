package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// resolvePolicy is the current policy of a category, with the global defaults where it is silent.
// A category nobody has set a policy for runs on the defaults, at version 0.
func (s *server) resolvePolicy(ctx context.Context, category string) (workflows.Policy, error) {
	p := workflows.DefaultPolicy
	row, err := s.Store.CurrentPolicy(ctx, category)
	if errors.Is(err, models.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	return policyOf(row)
}

// requiredNotes are the note fields the version of a category's policy an action runs under asks
// every handover for: none under the defaults (version 0), or when that version is not in the read
// model (restored from an older backup), where the handover's own check decides.
func (s *server) requiredNotes(ctx context.Context, category string, version int) ([]string, error) {
	p, err := s.policyAt(ctx, category, version)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p.RequiredFields, nil
}

// policyAt is one version of a category's policy, with the global defaults where it is silent:
// the defaults themselves at version 0; models.ErrNotFound for a version the read model does not
// hold.
func (s *server) policyAt(ctx context.Context, category string, version int) (workflows.Policy, error) {
	if version == 0 {
		return workflows.DefaultPolicy, nil
	}
	row, err := s.Store.PolicyVersion(ctx, category, version)
	if err != nil {
		return workflows.Policy{}, err
	}
	return policyOf(row)
}

// policyOf is a stored policy with the global defaults where it is silent.
func policyOf(row models.Policy) (workflows.Policy, error) {
	p := workflows.DefaultPolicy
	p.Version = row.Version
	set := func(dst *time.Duration, seconds *int64) {
		if seconds != nil {
			*dst = time.Duration(*seconds) * time.Second
		}
	}
	set(&p.AcceptWithin, row.AcceptWithin)
	set(&p.CheckWithin, row.CheckWithin)
	set(&p.EscalateWithin, row.EscalateWithin)
	set(&p.AssignWithin, row.AssignWithin)
	set(&p.FollowUpEvery, row.FollowUpEvery)
	set(&p.PauseRemindEvery, row.PauseRemindEvery)
	if row.Clock == workflows.Clock247 {
		p.Clock = workflows.Clock247
	}
	if row.RequiredFields != "" {
		if err := json.Unmarshal([]byte(row.RequiredFields), &p.RequiredFields); err != nil {
			return p, fmt.Errorf("decoding the required fields of policy %s: %w", row.Category, err)
		}
	}
	return p, nil
}

type policyJSON struct {
	Category string `json:"category"`
	Version  int    `json:"version"`
	policyTerms
}

// policyTerms are a policy's durations (as Go writes them), clock and note fields: a category's
// policy has them, and so does each action (actionJSON.Policy), as it counts them.
type policyTerms struct {
	AcceptWithin   string `json:"accept_within"`
	CheckWithin    string `json:"check_within"`
	EscalateWithin string `json:"escalate_within"`
	AssignWithin   string `json:"assign_within"`
	FollowUpEvery  string `json:"follow_up_every"`
	// PauseRemindEvery is how often an action paused without an end reminds its owner.
	PauseRemindEvery string `json:"pause_remind_every"`
	// Clock is "business" (count open time on the team's calendar) or "24/7".
	Clock          string   `json:"clock"`
	RequiredFields []string `json:"required_fields"`
}

func renderPolicy(category string, p workflows.Policy) policyJSON {
	out := policyJSON{Category: category, Version: p.Version, policyTerms: policyTerms{
		AcceptWithin: p.AcceptWithin.String(), CheckWithin: p.CheckWithin.String(),
		EscalateWithin: p.EscalateWithin.String(), AssignWithin: p.AssignWithin.String(),
		FollowUpEvery: p.FollowUpEvery.String(), PauseRemindEvery: p.PauseRemindEvery.String(),
		Clock: policyClock(p), RequiredFields: p.RequiredFields,
	}}
	if out.RequiredFields == nil {
		out.RequiredFields = []string{}
	}
	return out
}

func policyClock(p workflows.Policy) string {
	if p.Clock == workflows.Clock247 {
		return workflows.Clock247
	}
	return workflows.ClockBusiness
}

// fieldNamePattern is the form of a required note field's name.
var fieldNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

var categoryPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// categoryRule says what categoryPattern allows.
const categoryRule = "must be lower-case letters, digits, - or _ (at most 64)"

// listPolicies answers the current policy of every category that has one, and the defaults that
// every other category runs on.
func (s *server) listPolicies(c *gin.Context) (int, any, error) {
	rows, err := s.Store.CurrentPolicies(c.Request.Context())
	if err != nil {
		return 0, nil, err
	}
	items := make([]policyJSON, len(rows))
	for i, row := range rows {
		p, err := policyOf(row)
		if err != nil {
			return 0, nil, err
		}
		items[i] = renderPolicy(row.Category, p)
	}
	return http.StatusOK, gin.H{"items": items, "defaults": renderPolicy("", workflows.DefaultPolicy)}, nil
}

func (s *server) getPolicy(c *gin.Context) (int, any, error) {
	category := c.Param("category")
	if !categoryPattern.MatchString(category) {
		return 0, nil, errorf(kindNotFound, "no category %q", category)
	}
	if v, asked := c.GetQuery("version"); asked {
		return s.policyVersion(c, category, v)
	}
	p, err := s.resolvePolicy(c.Request.Context(), category)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderPolicy(category, p), nil
}

// policyVersion answers one version of a category's policy (?version=, an action's
// policy_version): what a running action started under, such as the note fields its handovers
// must carry, after the policy has changed. Version 0 is the defaults.
func (s *server) policyVersion(c *gin.Context, category, v string) (int, any, error) {
	version, err := strconv.Atoi(v)
	if err != nil || version < 0 || version > math.MaxInt32 {
		return 0, nil, invalidFields(FieldError{Field: "version", Message: "must be a policy version: a whole number, 0 for the defaults"})
	}
	p, err := s.policyAt(c.Request.Context(), category, version)
	if errors.Is(err, models.ErrNotFound) {
		return 0, nil, errorf(kindNotFound, "the policy of %s has no version %d", category, version)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderPolicy(category, p), nil
}

// deletePolicy removes the policy of a category no action has (one set under a mistyped name), so
// that it is no longer offered; the category's new actions then run on the defaults. 409 while
// actions have the category; removing none changes nothing.
func (s *server) deletePolicy(c *gin.Context) (int, any, error) {
	if err := requireAdmin(c); err != nil {
		return 0, nil, err
	}
	category := c.Param("category")
	if !categoryPattern.MatchString(category) {
		return 0, nil, errorf(kindNotFound, "no category %q", category)
	}
	_, err := s.Store.RemovePolicy(c.Request.Context(), category, principal(c).ID)
	var inUse *models.PolicyInUse
	if errors.As(err, &inUse) {
		return 0, nil, errorf(kindConflict, "%s %s the category %s and read its policy: a policy is removed only from a category no action has (change it instead)",
			plural(int(inUse.Actions), "action"), pick(int(inUse.Actions), "has", "have"), category)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderPolicy(category, workflows.DefaultPolicy), nil
}

type policyRequest struct {
	AcceptWithin     string   `json:"accept_within" binding:"max=32"`
	CheckWithin      string   `json:"check_within" binding:"max=32"`
	EscalateWithin   string   `json:"escalate_within" binding:"max=32"`
	AssignWithin     string   `json:"assign_within" binding:"max=32"`
	FollowUpEvery    string   `json:"follow_up_every" binding:"max=32"`
	PauseRemindEvery string   `json:"pause_remind_every" binding:"max=32"`
	Clock            string   `json:"clock" binding:"omitempty,oneof=business 24/7"`
	RequiredFields   []string `json:"required_fields" binding:"max=20"`
}

// putPolicy stores a new version of a category's policy; running actions keep theirs.
func (s *server) putPolicy(c *gin.Context) (int, any, error) {
	var req policyRequest
	// Fields its tags refuse are listed with the rest of what is wrong below.
	problems, err := fieldProblems(s.adminDecode(c, &req))
	if err != nil {
		return 0, nil, err
	}
	category := c.Param("category")
	if !categoryPattern.MatchString(category) {
		return 0, nil, invalidFields(FieldError{Field: "category", Message: categoryRule})
	}
	caller := principal(c)
	row := models.Policy{Category: category, CreatedBy: caller.ID}
	fields := []struct {
		name, value string
		dst         **int64
	}{
		{"accept_within", req.AcceptWithin, &row.AcceptWithin},
		{"check_within", req.CheckWithin, &row.CheckWithin},
		{"escalate_within", req.EscalateWithin, &row.EscalateWithin},
		{"assign_within", req.AssignWithin, &row.AssignWithin},
		{"follow_up_every", req.FollowUpEvery, &row.FollowUpEvery},
		{"pause_remind_every", req.PauseRemindEvery, &row.PauseRemindEvery},
	}
	for _, f := range fields {
		d, err := parseWithin(f.name, f.value)
		if err != nil {
			problems = append(problems, fieldsOf(err)...)
			continue
		}
		if d > 0 {
			seconds := int64(d / time.Second)
			*f.dst = &seconds
		}
	}
	row.Clock = req.Clock
	seen := map[string]bool{}
	for i, f := range req.RequiredFields {
		switch {
		case !fieldNamePattern.MatchString(f):
			problems = append(problems, FieldError{Field: fmt.Sprintf("required_fields[%d]", i), Message: "must be lower-case letters, digits or _, starting with a letter (at most 64)"})
		case seen[f]:
			problems = append(problems, FieldError{Field: fmt.Sprintf("required_fields[%d]", i), Message: f + " is named twice"})
		}
		seen[f] = true
	}
	required, err := json.Marshal(append([]string{}, req.RequiredFields...))
	if err != nil {
		return 0, nil, err
	}
	row.RequiredFields = string(required)
	if len(problems) > 0 {
		return 0, nil, invalidFields(problems...)
	}
	// The same policy again (a form sent twice, a retry) is no new version.
	current, err := s.Store.CurrentPolicy(c.Request.Context(), category)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return 0, nil, err
	}
	if err != nil || !samePolicy(row, current) {
		if _, err := s.Store.SavePolicy(c.Request.Context(), row); err != nil {
			return 0, nil, err
		}
	}
	p, err := s.resolvePolicy(c.Request.Context(), category)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderPolicy(category, p), nil
}

// samePolicy reports whether two stored policies set the same deadlines, clock and required
// fields (a duration left unset is the default's).
func samePolicy(a, b models.Policy) bool {
	pa, errA := policyOf(a)
	pb, errB := policyOf(b)
	if errA != nil || errB != nil {
		return false
	}
	if !slices.Equal(pa.RequiredFields, pb.RequiredFields) { // no fields: nil or empty alike
		return false
	}
	pa.Version, pb.Version = 0, 0
	pa.RequiredFields, pb.RequiredFields = nil, nil
	return reflect.DeepEqual(pa, pb)
}

type notificationJSON struct {
	ActionID  string    `json:"action_id"`
	Seq       int64     `json:"seq"`
	Kind      string    `json:"kind"`
	ActorID   string    `json:"actor_id"`
	Cause     string    `json:"cause"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	// DoneAt is, on a task to tell a customer (customer_message), when it was settled: told or
	// found not needed by anyone, ended by the customer's erasure, or given before such tasks
	// were kept; null while it is still to do, and on every other notice.
	DoneAt *time.Time `json:"done_at"`
}

// maxNotificationsPage is the largest page of an inbox, and the page given without a limit: as
// many as the inbox answered before it took pages.
const maxNotificationsPage = 200

// notificationCursor is where a page of an inbox ended, given out as its next_before.
type notificationCursor struct {
	CreatedAt time.Time `json:"t"`
	Seq       int64     `json:"s"`
	ActionID  string    `json:"a"`
	Kind      string    `json:"k"`
}

// notificationsParams are the query parameters GET /me/notifications takes.
var notificationsParams = []string{"limit", "before"}

// myNotifications lists a page of the caller's inbox records, newest first, and where the next
// page begins.
func (s *server) myNotifications(c *gin.Context) (int, any, error) {
	page, err := notificationPage(c)
	if err != nil {
		return 0, nil, err
	}
	me := principal(c)
	rows, next, err := s.Store.MyNotifications(c.Request.Context(), inboxOf(me), page)
	if err != nil {
		return 0, nil, err
	}
	items := make([]notificationJSON, len(rows))
	for i, r := range rows {
		items[i] = notificationJSON{
			ActionID: r.ActionID, Seq: r.Seq, Kind: r.Kind, ActorID: r.ActorID, Cause: r.Cause,
			Message: r.Message, CreatedAt: r.CreatedAt.UTC(),
		}
		if r.Kind == models.KindTellCustomer {
			items[i].DoneAt = utcPtr(r.ReadAt)
		}
	}
	var nextBefore *string
	if next != nil {
		cur := encodeCursor(notificationCursor{CreatedAt: next.CreatedAt, Seq: next.Seq, ActionID: next.ActionID, Kind: next.Kind})
		nextBefore = &cur
	}
	return http.StatusOK, gin.H{"items": items, "next_before": nextBefore}, nil
}

// notificationPage reads the page of an inbox a request asks for: its limit, and the next_before
// of the page before it; anything else is 422 naming each field at fault.
func notificationPage(c *gin.Context) (models.NotificationPage, error) {
	fields := queryFields(c, "is not a parameter of this list", notificationsParams)
	limit, bad := pageLimit(c, maxNotificationsPage, maxNotificationsPage)
	page := models.NotificationPage{Limit: limit}
	fields = append(fields, bad...)
	if v := c.Query("before"); v != "" {
		var cur notificationCursor
		if !decodeCursor(v, &cur) || cur.ActionID == "" {
			fields = append(fields, FieldError{Field: "before", Message: "is not a next_before this API gave out"})
		}
		page.Before = &models.NotificationPosition{CreatedAt: cur.CreatedAt, Seq: cur.Seq, ActionID: cur.ActionID, Kind: cur.Kind}
	}
	if len(fields) > 0 {
		return page, invalidFields(fields...)
	}
	return page, nil
}
