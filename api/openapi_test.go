package api

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// openAPIDoc is the served OpenAPI document, loaded.
func openAPIDoc(t *testing.T) *openapi3.T {
	t.Helper()
	raw, err := OpenAPIJSON()
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	require.NoError(t, err)
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	require.NoError(t, doc.Validate(context.Background()))
}

// ginParam matches a route's parameters, :name and the catch-all *name, each {name} in OpenAPI.
var ginParam = regexp.MustCompile(`[:*]([a-z_]+)`)

// Every route the router serves is in the document, and every operation the document names is
// served: neither can drift from the other.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	served := map[string]bool{}
	for _, r := range newEngine(Deps{}).Routes() {
		if !documentedPath(r.Path) {
			continue // the web UI's pages are HTML for people, not part of the API
		}
		served[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}

	raw, err := OpenAPIJSON()
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			var o struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			require.NoError(t, json.Unmarshal(op, &o))
			require.NotEmpty(t, o.Responses, "%s %s has no responses", method, path)
		}
	}
	require.Equal(t, sorted(served), sorted(documented))
}

// Every operation has an operationId of its own, a word in lower camel case: a generated client
// names its methods by them, which would otherwise come from the paths and change with them.
func TestOpenAPIOperationsAreNamed(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	seen := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			require.Regexp(t, `^[a-z][A-Za-z]+$`, op.OperationID, name)
			require.NotContains(t, seen, op.OperationID, "%s and %s", name, seen[op.OperationID])
			seen[op.OperationID] = name
		}
	}
}

// Every operation behind authentication documents 401 and 429, every one of the JSON API 400 (a
// path or query that is not UTF-8 text, on any route) and 503 (the command timeout bounds every
// request, and the token check needs the read model), and every one with a body documents the
// body's errors.
func TestOpenAPIDocumentsErrors(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			public := op.Security != nil && len(*op.Security) == 0
			if !public {
				require.NotNil(t, op.Responses.Value("401"), name)
				require.NotNil(t, op.Responses.Value("429"), name)
			}
			if strings.HasPrefix(path, "/api/v1/") {
				for _, code := range []string{"400", "503"} {
					require.NotNil(t, op.Responses.Value(code), "%s lacks %s", name, code)
				}
			}
			if op.RequestBody != nil {
				for _, code := range []string{"400", "413", "422"} {
					require.NotNil(t, op.Responses.Value(code), "%s lacks %s", name, code)
				}
			}
			if strings.HasPrefix(path, "/api/v1/") && (method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch) {
				// Every one reads its body, an empty one too: over 1 MiB it is refused.
				require.NotNil(t, op.Responses.Value("413"), "%s lacks 413", name)
			}
			if method == http.MethodPost && strings.Contains(path, "/actions/{id}/") {
				require.NotNil(t, op.Responses.Value("409"), name)
			}
		}
	}
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// documentedPath tells the JSON API and the operational endpoints from the web UI's pages.
func documentedPath(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/codec/")
}

// The document's WebhookEvent has exactly the fields a delivery carries.
func TestOpenAPIWebhookEventMatchesDeliveries(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	schema := doc.Components.Schemas["WebhookEvent"]
	require.NotNil(t, schema, "WebhookEvent is documented")
	var documented []string
	for name := range schema.Value.Properties {
		documented = append(documented, name)
	}
	var sent []string
	ev := reflect.TypeOf(activities.WebhookEvent{})
	for i := range ev.NumField() {
		sent = append(sent, strings.Split(ev.Field(i).Tag.Get("json"), ",")[0])
	}
	require.ElementsMatch(t, sent, documented)
}

// The document's report schemas have exactly the fields the report carries.
func TestOpenAPIReportMatchesTheReport(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	for name, v := range map[string]any{
		"HandoverReport": models.HandoverReport{}, "RatedHandover": models.RatedHandover{}, "DeclinedHandover": models.DeclinedHandover{},
		"EscalatedByHand": models.EscalatedByHand{},
	} {
		schema := doc.Components.Schemas[name]
		require.NotNil(t, schema, "%s is documented", name)
		var documented []string
		for prop := range schema.Value.Properties {
			documented = append(documented, prop)
		}
		var sent []string
		for _, f := range reflect.VisibleFields(reflect.TypeOf(v)) {
			if !f.Anonymous { // an embedded struct's fields are the JSON's, not the struct itself
				sent = append(sent, strings.Split(f.Tag.Get("json"), ",")[0])
			}
		}
		require.ElementsMatch(t, sent, documented, name)
	}
	for _, list := range []string{"feedback_comments", "decline_reasons", "escalation_reasons"} {
		limit := doc.Components.Schemas["HandoverReport"].Value.Properties[list].Value.MaxItems
		require.NotNil(t, limit, list)
		require.EqualValues(t, models.ReportListLimit, *limit, "%s holds at most models.ReportListLimit", list)
	}
}

// The document names every timeline event type and every notification kind the workflow has (the
// constants of workflows/types.go), so an integration can tell each one a delivery, a timeline or
// an inbox carries, and the webhook's type is action.<one of them>.
func TestOpenAPIEnumsMatchTheWorkflow(t *testing.T) {
	t.Parallel()
	events, kinds := workflowConstants(t, "Event"), workflowConstants(t, "Notify")
	require.Contains(t, events, "handover_requested")
	require.Contains(t, kinds, "customer_message")
	doc := openAPIDoc(t)
	enum := func(schema, prop string) []string {
		s := doc.Components.Schemas[schema].Value.Properties[prop]
		require.NotNil(t, s, "%s.%s", schema, prop)
		var out []string
		for _, v := range s.Value.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	require.ElementsMatch(t, events, enum("Event", "type"), "the timeline's event types")
	require.ElementsMatch(t, events, enum("WebhookEvent", "event"), "a delivery's event")
	require.ElementsMatch(t, kinds, enum("Notification", "kind"), "the inbox's kinds")
	var types []string
	for _, k := range append(kinds, events...) {
		if !slices.Contains(types, "action."+k) {
			types = append(types, "action."+k)
		}
	}
	types = append(types, workflows.ErasureWebhookType)
	require.ElementsMatch(t, types, enum("WebhookEvent", "type"), "a delivery's type")
	for _, c := range []struct{ schema, prop, from, fromProp string }{
		{"Action", "priority", "CreateAction", "priority"},
		{"HandoverView", "method", "Handover", "method"},
		{"HandoverView", "situation", "Handover", "situation"},
		{"Notification", "cause", "Event", "cause"},
	} {
		require.ElementsMatch(t, enum(c.from, c.fromProp), enum(c.schema, c.prop), "%s.%s answers what %s.%s takes", c.schema, c.prop, c.from, c.fromProp)
	}
	var codes []string
	for _, v := range doc.Components.Schemas["ProblemCode"].Value.Enum {
		codes = append(codes, v.(string))
	}
	require.ElementsMatch(t, append(constantsIn(t, "problem.go", "code"), constantsIn(t, "../workflows/lifecycle.go", "Code")...), codes,
		"every problem code the API or a workflow's refusal gives, and no other")
}

// The ways of telling a customer a message are the workflow's, in the request's validation and in
// the document alike.
func TestToldMethodsMatchTheWorkflow(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	op := doc.Paths.Find("/api/v1/actions/{id}/told").Post
	var documented []string
	for _, v := range op.RequestBody.Value.Content["application/json"].Schema.Value.Properties["method"].Value.Enum {
		documented = append(documented, v.(string))
	}
	require.Equal(t, workflows.ContactMethods, documented)
	field, ok := reflect.TypeFor[toldRequest]().FieldByName("Method")
	require.True(t, ok)
	require.Contains(t, field.Tag.Get("binding"), "oneof="+strings.Join(workflows.ContactMethods, " "))
}

func TestOpenAPIAuditEnumsMatchTheModel(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	values := func(s *openapi3.Schema) []string {
		var out []string
		for _, v := range s.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	require.ElementsMatch(t, models.AuditKinds, values(doc.Components.Schemas["AuditKind"].Value))
	require.ElementsMatch(t, models.SubjectTypes, values(doc.Components.Schemas["AuditEntry"].Value.Properties["subject_type"].Value))
	get := doc.Paths.Find("/api/v1/audit").Get
	require.ElementsMatch(t, models.SubjectTypes, values(get.Parameters.GetByInAndName("query", "subject_type").Schema.Value))
}

// workflowConstants lists the values of the string constants of workflows/types.go whose names
// start with prefix.
func workflowConstants(t *testing.T, prefix string) []string {
	t.Helper()
	return constantsIn(t, "../workflows/types.go", prefix)
}

// constantsIn lists the values of the string constants of a Go file whose names begin with prefix.
func constantsIn(t *testing.T, file, prefix string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	require.NoError(t, err)
	var out []string
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out = append(out, v)
				}
			}
		}
	}
	return out
}
