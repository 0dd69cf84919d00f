package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// Customer data planted as a canary never reaches Temporal's database (nor the read model's) in
// plain text; authorised staff read it through the API and the codec endpoint; after erasure it is
// unreadable everywhere while the timeline stays whole.
func TestCustomerDataProtected(t *testing.T) {
	for _, backend := range modelstest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			dataDir := t.TempDir()
			st := startStack(t, dataDir, backendURL(t, backend))
			testCustomerDataProtected(t, st, dataDir)
		})
	}
}

// customerView is the customer's data in an action's JSON: theirs and what its handovers hold.
type customerView struct {
	Customer  struct{ Name, Contact string } `json:"customer"`
	Handovers []struct {
		Notes struct {
			CustomerContext string `json:"customer_context"`
		} `json:"notes"`
		CustomerMessage string `json:"customer_message"`
	} `json:"handovers"`
}

func testCustomerDataProtected(t *testing.T, st *app.Stack, dataDir string) {
	ctx := context.Background()
	alice, bob, carol, root := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "carol"), as(t, st, "root")
	const canary = "Zq7Canary"
	ref := "G-" + strings.ToUpper(modelstest.Name("c"))
	body := newAction("alice")
	body["customer"] = map[string]any{"ref": ref, "name": canary + " Name", "contact": canary + "@example.org"}
	var a, retried action
	createKey, handoverKey := modelstest.Name("create"), modelstest.Name("handover")
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a, "Idempotency-Key", createKey))
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &retried, "Idempotency-Key", createKey))
	require.Equal(t, a.ID, retried.ID, "a retry is told from a reused key by the keyed hash")
	ho := merge(handoverBody, "customer_message", canary+" message on handover")
	ho = merge(ho, "notes", map[string]any{"summary": "Guest wants a 2pm checkout", "customer_context": canary + " context"})
	// Each command answers with the action's data opened, as a read does (not "[unavailable]",
	// which is for a read model that cannot give the keys).
	var answered customerView
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", ho, &answered, "Idempotency-Key", handoverKey))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", ho, &answered, "Idempotency-Key", handoverKey))
	require.Equal(t, canary+" Name", answered.Customer.Name)
	require.Equal(t, canary+" context", answered.Handovers[0].Notes.CustomerContext)
	require.Equal(t, canary+" message on handover", answered.Handovers[0].CustomerMessage)
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, &answered))
	require.Equal(t, canary+"@example.org", answered.Customer.Contact)
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/complete",
		map[string]any{"outcome": "done", "customer_message": canary + " goodbye"}, &answered))
	require.Equal(t, canary+" Name", answered.Customer.Name)

	// Sealed data from the read model (a dump, a backup) is not taken back as input: the API would
	// open it with that customer's key for whoever sent it.
	row, err := st.Store.GetAction(ctx, a.ID)
	require.NoError(t, err)
	require.True(t, pii.IsSealed(row.CustomerName), "the read model holds the name sealed")
	// A request holding personal data is hashed under the customer's key, not in plain SHA-256
	// (which a list of names or a range of phone numbers would find again).
	require.True(t, strings.HasPrefix(row.RequestHash, "k1:"), row.RequestHash)
	var p problem
	other := newAction("alice")
	other["customer"] = map[string]any{"ref": "G-OTHER", "name": row.CustomerName}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", other, &p))
	require.Equal(t, "customer.name", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": row.CustomerName}, &p))
	require.Equal(t, "text", p.Errors[0].Field)

	// Staff in scope read the plain data.
	var full customerView
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &full))
	require.Equal(t, canary+" Name", full.Customer.Name)
	require.Equal(t, canary+" context", full.Handovers[0].Notes.CustomerContext)
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &full))
	require.Equal(t, canary+"@example.org", full.Customer.Contact)
	events := timelineOf(t, alice, a.ID)
	var told []string
	for _, e := range events {
		if e.Type == workflows.EventCustomerTold {
			told = append(told, e.Data["message"].(string))
		}
	}
	require.Equal(t, []string{canary + " message on handover", canary + " goodbye"}, told)

	// Not a byte of it in Temporal's database files (nor in the SQLite read model's).
	files, err := filepath.Glob(filepath.Join(dataDir, "*.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.False(t, bytes.Contains(raw, []byte(canary)), "%s holds the canary in plain text", f)
	}
	require.NoError(t, st.Store.DB().Exec("SELECT 1").Error)
	var hits int64
	require.NoError(t, st.Store.DB().Raw(`SELECT
		(SELECT COUNT(*) FROM actions WHERE customer_name LIKE ? OR customer_contact LIKE ?) +
		(SELECT COUNT(*) FROM handovers WHERE customer_context LIKE ? OR customer_message LIKE ?) +
		(SELECT COUNT(*) FROM action_events WHERE data LIKE ?)`,
		"%"+canary+"%", "%"+canary+"%", "%"+canary+"%", "%"+canary+"%", "%"+canary+"%").Scan(&hits).Error)
	require.Zero(t, hits, "the read model holds the canary in plain text")

	// The history's payloads are ciphertext; the codec endpoint decodes them for the roles that see
	// every team only (it cannot tell one team's payloads from another's).
	hist, err := st.Client.WorkflowService().GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
		Namespace: st.Temporal.Namespace(), Execution: &commonpb.WorkflowExecution{WorkflowId: workflows.ActionWorkflowID(a.ID)},
	})
	require.NoError(t, err)
	input := hist.GetHistory().GetEvents()[0].GetWorkflowExecutionStartedEventAttributes().GetInput()
	// Update IDs are not encrypted: the keyed handover's holds the keyed hash of its body.
	var updateIDs []string
	for _, e := range hist.GetHistory().GetEvents() {
		if id := e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetMeta().GetUpdateId(); strings.HasPrefix(id, "alice/"+handoverKey+"/") {
			updateIDs = append(updateIDs, id)
		}
	}
	require.Len(t, updateIDs, 1, "the retry was the same Update")
	require.Contains(t, updateIDs[0], "/k1:")
	require.Equal(t, codec.MetadataEncoding, string(input.GetPayloads()[0].GetMetadata()["encoding"]))
	decode := func(c caller) (int, string) {
		raw, err := protojson.Marshal(input)
		require.NoError(t, err)
		req, err := http.NewRequest("POST", st.URL+"/codec/decode", bytes.NewReader(raw))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://localhost:8233")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, ""
		}
		var payloads commonpb.Payloads
		require.NoError(t, protojson.Unmarshal(out, &payloads))
		return resp.StatusCode, string(payloads.GetPayloads()[0].GetData())
	}
	status, _ := decode(caller{t: t})
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = decode(alice)
	require.Equal(t, http.StatusForbidden, status)
	status, _ = decode(carol)
	require.Equal(t, http.StatusForbidden, status, "a supervisor would read other teams' actions")
	dave := as(t, st, "dave")
	status, plain := decode(dave)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, plain, canary+" Name")
	forged := `{"payloads":[{"metadata":{"encoding":"YmluYXJ5L2VuY3J5cHRlZA=="},"data":"AAAA"}]}`
	require.Equal(t, http.StatusUnprocessableEntity, dave.call("POST", "/codec/decode", forged, nil))
	require.Equal(t, http.StatusBadRequest, dave.call("POST", "/codec/decode", `{"payloads": 7}`, nil))

	// Erasure: administrators only, 404 for an unknown customer, idempotent.
	require.Equal(t, http.StatusForbidden, carol.call("DELETE", "/api/v1/customers/"+ref, nil, nil))
	require.Equal(t, http.StatusNotFound, root.call("DELETE", "/api/v1/customers/G-NOBODY-"+ref, nil, nil))
	// A reference cannot take the form of a walk-in's key, which it would share.
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"ref": "action:" + a.ID, "name": "Mallory"}), &p))
	require.Equal(t, "customer.ref", p.Errors[0].Field)
	require.Equal(t, http.StatusNotFound, root.call("DELETE", "/api/v1/customers/action:"+a.ID, nil, nil))
	// Nor can it be blank or padded: " ZZ-77" would be a customer that a look-up or an erasure of
	// ZZ-77 misses, and " " every blank guest's, whose data could be erased only all together.
	for _, blank := range []string{" ", " ZZ-77", "ZZ-77\t"} {
		p = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"ref": blank, "name": "Guest"}), &p), "%q", blank)
		require.Equal(t, "customer.ref", p.Errors[0].Field, "%q", blank)
	}
	// No reference is no customer: not every action that has none. Nor does the path without its
	// slash lead there (a redirect a client would follow).
	var walkIn action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"name": "Walk In"}), &walkIn))
	for _, path := range []string{"/api/v1/customers/", "/api/v1/customers/%20", "/api/v1/customers"} {
		p = problem{}
		require.Equal(t, http.StatusNotFound, root.call("DELETE", path, nil, &p), path)
		require.Equal(t, http.StatusNotFound, p.Status, path+": a problem document")
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+walkIn.ID, nil, &full))
	require.Equal(t, "Walk In", full.Customer.Name)
	// Such a customer is erased through their action, and only theirs.
	var walkInToo action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"name": "Walk In Too"}), &walkInToo))
	require.Equal(t, http.StatusForbidden, carol.call("DELETE", "/api/v1/actions/"+walkIn.ID+"/customer", nil, nil))
	require.Equal(t, http.StatusNotFound, root.call("DELETE", "/api/v1/actions/"+uuid.NewString()+"/customer", nil, nil))
	var walkOut models.Erasure
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/actions/"+walkIn.ID+"/customer", nil, &walkOut))
	require.Equal(t, models.Erasure{ActionID: walkIn.ID, KeysDestroyed: 1, Actions: 1, At: walkOut.At}, walkOut)
	for _, path := range []string{"/api/v1/actions/" + walkIn.ID, "/api/v1/actions/" + walkIn.ID + "?consistent=true"} {
		require.Equal(t, http.StatusOK, alice.call("GET", path, nil, &full))
		require.Equal(t, models.Erased, full.Customer.Name, path)
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+walkInToo.ID+"?consistent=true", nil, &full))
	require.Equal(t, "Walk In Too", full.Customer.Name)
	audit, _, err := st.Store.AuditTrail(ctx, models.AuditFilter{SubjectType: models.SubjectCustomer, Subject: "action:" + walkIn.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, audit, 1)
	var er models.Erasure
	// A parameter it does not take (a dry run, say) is refused rather than ignored: nothing erased.
	for _, path := range []string{"/api/v1/customers/" + ref + "?dry_run=true", "/api/v1/actions/" + a.ID + "/customer?dry_run=true"} {
		p = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, root.call("DELETE", path, nil, &p), path)
		require.Equal(t, "dry_run", p.Errors[0].Field, path)
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &full))
	require.Equal(t, canary+" Name", full.Customer.Name)
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, &er))
	require.Equal(t, int64(1), er.KeysDestroyed)
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, &er))
	require.Zero(t, er.KeysDestroyed)
	require.Zero(t, er.Actions, "nothing more to erase")
	// The create retried with its key once its customer is erased is not taken for a new request
	// (the key is the first one's) nor matched (its hash went with the customer): it says why.
	p = problem{}
	require.Equal(t, http.StatusConflict, alice.call("POST", "/api/v1/actions", body, &p, "Idempotency-Key", createKey))
	require.Equal(t, "customer_erased", p.Code)
	require.Contains(t, p.Detail, "this key made action "+a.ID+", whose customer's personal data has since been erased")
	require.Equal(t, a.ID, p.ActionID, "named for a program too, which does not parse the detail")

	for _, path := range []string{"/api/v1/actions/" + a.ID, "/api/v1/actions/" + a.ID + "?consistent=true"} {
		require.Equal(t, http.StatusOK, alice.call("GET", path, nil, &full))
		require.Equal(t, models.Erased, full.Customer.Name, path)
		require.Equal(t, models.Erased, full.Customer.Contact, path)
		require.Equal(t, models.Erased, full.Handovers[0].Notes.CustomerContext, path)
		require.Equal(t, models.Erased, full.Handovers[0].CustomerMessage, path)
	}
	row, err = st.Store.GetAction(ctx, a.ID)
	require.NoError(t, err)
	require.Empty(t, row.RequestHash, "the create's hash goes with the customer")
	after := timelineOf(t, alice, a.ID)
	require.Len(t, after, len(events), "erasure keeps the timeline whole")
	for _, e := range after {
		if e.Type == workflows.EventCustomerTold {
			require.Equal(t, models.Erased, e.Data["message"])
		}
	}
	// Even with the process key, the history's copy is now unreadable.
	status, plain = decode(dave)
	require.Equal(t, http.StatusOK, status)
	require.NotContains(t, plain, canary)
	require.Contains(t, plain, models.Erased)
	audit, _, err = st.Store.AuditTrail(ctx, models.AuditFilter{SubjectType: models.SubjectCustomer, Subject: ref, Limit: 10})
	require.NoError(t, err)
	require.Len(t, audit, 1, "erased twice: the second changed nothing, and recorded nothing")
	require.Equal(t, "root", audit[0].ActorID)
	// A keyed create for the erased customer that is refused (its due time past) gives them no
	// new key: the next erasure finds none to destroy.
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", merge(without(body, "due_in"), "due_at", "2020-01-01T00:00:00Z"), &p,
		"Idempotency-Key", modelstest.Name("refused")))
	require.Equal(t, "due_at", p.Errors[0].Field)
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, &er))
	require.Zero(t, er.KeysDestroyed, "no key was made for a refused create")

	// A new action for the same customer gets a fresh key and is readable again.
	var again action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &again))
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+again.ID, nil, &full))
	require.Equal(t, canary+" Name", full.Customer.Name)
	// Erasing through an action that has a reference erases that customer, every action of theirs.
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/actions/"+again.ID+"/customer", nil, &er))
	require.Equal(t, ref, er.CustomerRef)
	require.Empty(t, er.ActionID)
	require.Equal(t, int64(1), er.KeysDestroyed)
	require.Equal(t, int64(1), er.Actions, "the new action: the first was erased before")
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+again.ID, nil, &full))
	require.Equal(t, models.Erased, full.Customer.Name)

	// A reference with a slash in it (a PMS folio, say) is erased too, written as is or escaped.
	for i, escaped := range []bool{false, true} {
		slashed := fmt.Sprintf("pms/%s-%d", ref, i)
		body["customer"] = map[string]any{"ref": slashed, "name": canary + " Slash", "contact": canary + "@example.org"}
		var sl action
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &sl))
		path := slashed
		if escaped {
			path = url.PathEscape(slashed)
		}
		require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+path, nil, &er), path)
		require.Equal(t, slashed, er.CustomerRef)
		require.Equal(t, int64(1), er.KeysDestroyed)
		require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+sl.ID, nil, &full))
		require.Equal(t, models.Erased, full.Customer.Name)
	}
}
