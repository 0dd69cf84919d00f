package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// seal seals the given personal data of an action's customer before it goes into the workflow.
// Without a Sealer (tests of the router alone) data goes as it is.
func (s *server) seal(c *gin.Context, customerRef, actionID string, values ...*string) error {
	for _, v := range values {
		if strings.TrimSpace(*v) == "" {
			// Nothing said (spaces alone): sealed, it would no longer read as blank, and a
			// message of spaces would be told where the product's own words are meant.
			*v = ""
		}
	}
	if s.Sealer == nil {
		return nil
	}
	if err := s.customerKey(c, customerRef, actionID).Seal(c.Request.Context(), values...); err != nil {
		return fmt.Errorf("sealing customer data: %w", err)
	}
	return nil
}

// customerKey is the key of an action's customer for this request: read once, however many values
// it seals and requests it hashes. Only with a Sealer.
func (s *server) customerKey(c *gin.Context, customerRef, actionID string) *pii.Customer {
	ref := pii.KeyRef(customerRef, actionID)
	name := "pii.customer\x00" + ref
	if k, ok := c.Get(name); ok {
		return k.(*pii.Customer)
	}
	k := s.Sealer.Customer(ref)
	c.Set(name, k)
	return k
}

// reveal opens the sealed personal data of states for the answer: in plain words, or "[erased]".
// The keys of all of them are read at once (a page of actions holds many customers).
func (s *server) reveal(ctx context.Context, states ...*workflows.State) error {
	if s.Sealer == nil {
		return nil
	}
	var values []*string
	for _, st := range states {
		values = append(values, &st.Customer.Name, &st.Customer.Contact)
		for i := range st.Handovers {
			h := &st.Handovers[i]
			values = append(values, &h.Notes.CustomerContext, &h.CustomerMessage)
		}
	}
	return s.openAll(ctx, values...)
}

// openAll opens the sealed personal data values point at, in place, reading their keys at once.
func (s *server) openAll(ctx context.Context, values ...*string) error {
	if s.Sealer == nil || len(values) == 0 {
		return nil
	}
	if err := s.Sealer.Opener(ctx).OpenAll(values...); err != nil {
		return fmt.Errorf("opening customer data: %w", err)
	}
	return nil
}

// renderOpen renders a state with its personal data opened. When the keys cannot be read (the
// read model is down) the change has still been made: the answer then shows personal data as
// "[unavailable]" rather than failing.
func (s *server) renderOpen(ctx context.Context, st workflows.State) (actionJSON, error) {
	opened := st.Clone()
	if err := s.reveal(ctx, &opened); err != nil {
		s.Log.WarnContext(ctx, "customer data not opened for the answer", "action_id", st.ID, "error", err)
		hide := func(v *string) {
			if pii.IsSealed(*v) {
				*v = unavailable
			}
		}
		hide(&st.Customer.Name)
		hide(&st.Customer.Contact)
		for i := range st.Handovers {
			hide(&st.Handovers[i].Notes.CustomerContext)
			hide(&st.Handovers[i].CustomerMessage)
		}
		return renderState(st), nil
	}
	return renderState(opened), nil
}

// unavailable stands for personal data that could not be opened because its key could not be read.
const unavailable = "[unavailable]"

// renderOpenRows renders read-model rows with their personal data opened.
func (s *server) renderOpenRows(ctx context.Context, rows []models.Action) ([]actionJSON, error) {
	out, err := s.renderOpenLists(ctx, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// renderOpenLists renders lists of read-model rows with their personal data opened, reading the
// keys of all of them at once.
func (s *server) renderOpenLists(ctx context.Context, lists ...[]models.Action) ([][]actionJSON, error) {
	states := make([][]workflows.State, len(lists))
	var ptrs []*workflows.State
	for l, rows := range lists {
		states[l] = make([]workflows.State, len(rows))
		for i, r := range rows {
			states[l][i] = stateFromRow(r)
			ptrs = append(ptrs, &states[l][i])
		}
	}
	if err := s.reveal(ctx, ptrs...); err != nil {
		return nil, err
	}
	out := make([][]actionJSON, len(lists))
	for l := range states {
		out[l] = make([]actionJSON, len(states[l]))
		for i := range states[l] {
			out[l][i] = renderState(states[l][i])
		}
	}
	return out, nil
}

// revealEvent opens sealed values in an event's data.
func (s *server) revealEvents(ctx context.Context, events []eventJSON) error {
	if s.Sealer == nil {
		return nil
	}
	o := s.Sealer.Opener(ctx)
	for i := range events {
		if _, err := o.OpenTree(map[string]any(events[i].Data)); err != nil {
			return fmt.Errorf("opening customer data: %w", err)
		}
	}
	return nil
}

// customerQuery is a search for a customer by name or contact, as the blind indexes it may match
// (pii.Sealer.QueryTokens). Without a Sealer (tests of the router alone) nothing is sealed, and
// nothing indexed: it finds nobody.
func (s *server) customerQuery(v string) [][]string {
	if s.Sealer == nil {
		return [][]string{{""}}
	}
	return s.Sealer.QueryTokens(v)
}

// eraseCustomer destroys a customer's data key and their personal data in the read model
// (administrators only). Their actions and timelines stay, without who they were for.
func (s *server) eraseCustomer(c *gin.Context) (int, any, error) {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		return 0, nil, errorf(kindForbidden, "only administrators erase customer data")
	}
	ctx := c.Request.Context()
	ref := strings.TrimPrefix(c.Param("ref"), "/")
	if ref == "" {
		// Not the actions that have no reference: each of those is a customer of its own. (A
		// blank reference, " ", that an earlier release took is one: it can be erased.)
		return 0, nil, errorf(kindNotFound, "no customer reference given: DELETE /customers/{ref} erases the customer of one reference")
	}
	if strings.HasPrefix(ref, pii.ActionKeyPrefix) {
		return 0, nil, errorf(kindNotFound, "no customer %q: a customer who gave no reference is erased through their action, DELETE /actions/{id}/customer", ref)
	}
	known, err := s.Store.CustomerKnown(ctx, ref)
	if err != nil {
		return 0, nil, err
	}
	if !known {
		return 0, nil, errorf(kindNotFound, "no customer %q", ref)
	}
	er, err := s.Store.EraseCustomer(ctx, ref, principal(c).ID)
	if err != nil {
		return 0, nil, err
	}
	// The reference may itself identify the customer (and a short one is found again from any hash
	// of it): the log says who erased how much; the audit entry is the record.
	s.Log.InfoContext(ctx, "customer erased", "staff_id", principal(c).ID,
		"keys_destroyed", er.KeysDestroyed, "actions", er.Actions)
	s.forgetErased(ctx, er)
	s.tellErasure(ctx, er, principal(c).ID)
	return http.StatusOK, er, nil
}

// forgetErased has the read model leave no copy of the keys an erasure destroyed in its files
// (models.Store.ForgetErased). The erasure stands either way: a copy left in SQLite's write-ahead
// log is overwritten by a later checkpoint, which the warning says.
func (s *server) forgetErased(ctx context.Context, er models.Erasure) {
	if er.KeysDestroyed == 0 {
		return
	}
	if err := s.Store.ForgetErased(context.WithoutCancel(ctx)); err != nil {
		s.Log.WarnContext(ctx, "the destroyed customer keys may stay in the read model's write-ahead log until its next checkpoint", "error", err)
	}
}

// retentionRequest names the end of a retention period: the customers whose actions all ended
// before it are erased.
type retentionRequest struct {
	EndedBefore string `json:"ended_before" binding:"required,max=64"`
}

// retentionBatch is how many customers (and as many actions without a reference) one request
// erases at most; the answer's more says to send it again.
const retentionBatch = 200

// RetentionErasure is what erasing by retention did.
type RetentionErasure struct {
	EndedBefore   time.Time `json:"ended_before"`
	Customers     int64     `json:"customers"`
	Actions       int64     `json:"actions"`
	KeysDestroyed int64     `json:"keys_destroyed"`
	More          bool      `json:"more"`
}

// eraseEnded erases the personal data of every customer whose retention has run out
// (administrators only): each reference none of whose actions is open or changed since
// ended_before, and each action without a reference ended before it, each as DELETE
// /customers/{ref} and DELETE /actions/{id}/customer do (an audit entry and a notice each). Sent
// again it erases nothing more; at most retentionBatch of each a request, more saying to send it
// again.
func (s *server) eraseEnded(c *gin.Context) (int, any, error) {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		return 0, nil, errorf(kindForbidden, "only administrators erase customer data")
	}
	var req retentionRequest
	if err := s.decoder.decode(c, &req); err != nil {
		return 0, nil, err
	}
	before, err := parseTime(req.EndedBefore)
	if err != nil {
		return 0, nil, invalidFields(FieldError{Field: "ended_before", Message: notATime})
	}
	if before.After(s.Now().Add(-models.RetentionLeast)) {
		return 0, nil, invalidFields(FieldError{Field: "ended_before", Message: "must be a day ago or earlier: the customers whose actions all ended before it are erased, and a key used within the last day may be in use for an action being made now"})
	}
	ctx := c.Request.Context()
	ended, err := s.Store.CustomersEndedBefore(ctx, before, pii.ActionKeyPrefix, retentionBatch)
	if err != nil {
		return 0, nil, err
	}
	out := RetentionErasure{EndedBefore: before.UTC(), More: len(ended.Refs) == retentionBatch || len(ended.WalkInActions) == retentionBatch}
	actor := principal(c).ID
	erased := func(er models.Erasure) {
		if er.KeysDestroyed > 0 || er.Actions > 0 {
			out.Customers++
		}
		out.Actions += er.Actions
		out.KeysDestroyed += er.KeysDestroyed
		s.tellErasure(ctx, er, actor)
	}
	// Whatever was erased before a failure stands, and is logged; sent again, the request goes on
	// from there.
	defer func() {
		s.Log.InfoContext(ctx, "customers erased by retention", "staff_id", actor, "ended_before", out.EndedBefore,
			"customers", out.Customers, "actions", out.Actions, "keys_destroyed", out.KeysDestroyed)
		s.forgetErased(ctx, models.Erasure{KeysDestroyed: out.KeysDestroyed})
	}()
	for _, ref := range ended.Refs {
		er, err := s.Store.EraseCustomer(ctx, ref, actor)
		if err != nil {
			return 0, nil, err
		}
		erased(er)
	}
	for _, id := range ended.WalkInActions {
		er, err := s.Store.EraseActionCustomer(ctx, id, pii.KeyRef("", id), actor)
		if err != nil {
			return 0, nil, err
		}
		erased(er)
	}
	return http.StatusOK, out, nil
}

// tellErasure starts the notice that tells the integration of an erasure that changed something
// (its webhook delivery, retried for up to a day). The erasure stands whether or not the notice
// could be started (Temporal unreachable): the log says so, for the operator to tell them.
func (s *server) tellErasure(ctx context.Context, er models.Erasure, actorID string) {
	if s.Temporal == nil || (er.KeysDestroyed == 0 && er.Actions == 0) {
		return
	}
	e := workflows.Erasure{CustomerRef: er.CustomerRef, ActionID: er.ActionID, ActorID: actorID, At: er.At, Notice: uuid.NewString()}
	_, err := s.Temporal.ExecuteWorkflow(context.WithoutCancel(ctx), client.StartWorkflowOptions{
		ID: workflows.ErasureWorkflowID(e), TaskQueue: workflows.TaskQueue,
	}, workflows.ErasureWorkflowName, e)
	if err != nil {
		// The reference stays out of the log (it may identify the customer): the audit trail's
		// customer_erased entry of this time names it.
		s.Log.ErrorContext(ctx, "the integration could not be told of an erasure: tell it yourself (the audit trail's customer_erased entry of this time names the customer)",
			"error", err, "erased_at", er.At, "action_id", er.ActionID, "staff_id", actorID)
	}
}

// eraseActionCustomer erases the personal data of one action's customer (administrators only):
// the way to erase a customer who has no reference, since each action without one has a customer
// of its own. For an action with a reference it erases that customer, all their actions, as
// DELETE /customers/{ref} does.
func (s *server) eraseActionCustomer(c *gin.Context) (int, any, error) {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		return 0, nil, errorf(kindForbidden, "only administrators erase customer data")
	}
	a, err := s.loadScoped(c)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.Request.Context()
	var er models.Erasure
	if a.CustomerRef != "" {
		er, err = s.Store.EraseCustomer(ctx, a.CustomerRef, principal(c).ID)
	} else {
		er, err = s.Store.EraseActionCustomer(ctx, a.ID, pii.KeyRef("", a.ID), principal(c).ID)
	}
	if err != nil {
		return 0, nil, err
	}
	s.Log.InfoContext(ctx, "customer erased", "staff_id", principal(c).ID, "action_id", a.ID,
		"keys_destroyed", er.KeysDestroyed, "actions", er.Actions)
	s.forgetErased(ctx, er)
	s.tellErasure(ctx, er, principal(c).ID)
	return http.StatusOK, er, nil
}

// readsHistories reports whether a role may read decrypted histories through the codec endpoint.
// The endpoint cannot tell which action a payload belongs to, so it cannot check team scope: only
// the roles whose scope is every team (managers, administrators) get it; a supervisor would read
// other teams' actions through it.
func readsHistories(r workflows.Role) bool {
	return r == workflows.RoleManager || r == workflows.RoleAdmin
}

// codecCORS answers the Temporal UI's cross-origin calls from the configured origins only.
func (s *server) codecCORS(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin != "" && slices.Contains(s.CodecOrigins, origin) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		h.Set("Access-Control-Max-Age", "600")
		h.Add("Vary", "Origin")
	}
	if c.Request.Method == http.MethodOptions {
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// codecEndpoint is Temporal's remote codec protocol (POST {"payloads": [...]} to /codec/decode or
// /codec/encode) for the Temporal UI and CLI. Decoding also opens sealed customer data, so an
// authorised reader sees plain words, and "[erased]" for erased customers.
func (s *server) codecEndpoint(c *gin.Context) {
	if !readsHistories(workflows.Role(principal(c).Role)) {
		writeError(c, s.Log, errorf(kindForbidden, "only managers and administrators may read decrypted histories: the codec cannot tell one team's actions from another's"))
		return
	}
	if s.Codec == nil {
		writeError(c, s.Log, errorf(kindNotFound, "this process has no payload codec"))
		return
	}
	var req commonpb.Payloads
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 4<<20))
	if err != nil {
		writeError(c, s.Log, errorf(kindTooLarge, "payloads over 4 MiB"))
		return
	}
	if err := protojson.Unmarshal(raw, &req); err != nil {
		writeProblem(c, http.StatusBadRequest, codeMalformed, "want {\"payloads\": [...]} as Temporal's codec protocol sends", nil)
		return
	}
	payloads := req.GetPayloads()
	pc := &codec.PayloadCodec{Keys: s.Codec}
	if strings.HasSuffix(c.FullPath(), "/encode") {
		payloads, err = pc.Encode(payloads)
	} else if payloads, err = pc.Decode(payloads); err != nil {
		// Someone else's ciphertext, or tampered: the caller's input, not our fault.
		writeError(c, s.Log, invalidFields(FieldError{Field: "payloads", Message: "cannot be decrypted with this process's keys"}))
		return
	} else if s.Sealer != nil {
		payloads, err = (&openingCodec{opener: s.Sealer.Opener(c.Request.Context())}).Decode(payloads)
	}
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	out, err := protojson.Marshal(&commonpb.Payloads{Payloads: payloads})
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Data(http.StatusOK, "application/json", out)
}

// openingCodec opens sealed customer data inside JSON payloads when decoding; encoding leaves
// payloads as they are.
type openingCodec struct{ opener *pii.Opener }

func (o *openingCodec) Encode(p []*commonpb.Payload) ([]*commonpb.Payload, error) { return p, nil }

func (o *openingCodec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		out[i] = p
		if !strings.HasPrefix(string(p.GetMetadata()[converter.MetadataEncoding]), "json/") || !json.Valid(p.GetData()) {
			continue
		}
		data, err := o.opener.OpenJSON(p.GetData())
		if err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{Metadata: p.GetMetadata(), Data: data}
	}
	return out, nil
}
