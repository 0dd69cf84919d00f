package api

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// Kinds of API error, each answered with one HTTP status by writeError.
const (
	kindMalformed    = "malformed"
	kindUnauthorized = "unauthorized"
	kindForbidden    = "forbidden"
	kindNotFound     = "not_found"
	kindConflict     = "conflict"
	kindChanged      = "changed"
	kindInvalid      = "invalid"
	kindTooLarge     = "too_large"
	kindUnavailable  = "unavailable"
)

var statusOfKind = map[string]int{
	kindMalformed:    http.StatusBadRequest,
	kindUnauthorized: http.StatusUnauthorized,
	kindForbidden:    http.StatusForbidden,
	kindNotFound:     http.StatusNotFound,
	kindConflict:     http.StatusConflict,
	kindChanged:      http.StatusPreconditionFailed,
	kindInvalid:      http.StatusUnprocessableEntity,
	kindTooLarge:     http.StatusRequestEntityTooLarge,
	kindUnavailable:  http.StatusServiceUnavailable,
}

// Codes of problem documents (the OpenAPI's ProblemCode says each): a kind's own, for an
// integration to act on without reading the detail, and finer ones of the refusals it acts on
// differently from the rest of their status. The workflow's own finer codes (workflows.Code*)
// pass through as they come.
const (
	codeMalformed        = "malformed"
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeConflict         = "conflict"
	codeInvalid          = "invalid"
	codeTooLarge         = "too_large"
	codeRateLimited      = "rate_limited"
	codeTooManyStreams   = "too_many_streams"
	codeCancelled        = "cancelled"
	codeInternal         = "internal"
	codeUnavailable      = "unavailable"

	codeAlreadyExists    = "already_exists"    // a person, team or key of that ID exists
	codeChangedMeanwhile = "changed_meanwhile" // refused because the action changed hands while the request was on its way
	codeCustomerErased   = "customer_erased"   // the customer's personal data was erased: nobody to tell
	codeTokenShownOnce   = "token_shown_once"  // a token request sent again: its secret cannot be shown again
)

// codeOfKind is the code of each kind's problem, where no finer one is given.
var codeOfKind = map[string]string{
	kindMalformed:    codeMalformed,
	kindUnauthorized: codeUnauthorized,
	kindForbidden:    codeForbidden,
	kindNotFound:     codeNotFound,
	kindConflict:     codeConflict,
	kindChanged:      workflows.CodeVersionMismatch,
	kindInvalid:      codeInvalid,
	kindTooLarge:     codeTooLarge,
	kindUnavailable:  codeUnavailable,
}

// FieldError names one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiError is the one error type handlers return for anything the caller should be told.
type apiError struct {
	kind   string
	code   string // finer than the kind's own; empty for the kind's
	detail string
	// version is the action's version now, of a command refused for an earlier one (412): its ETag.
	version int64
	fields  []FieldError
	// actionID is the problem document's action_id.
	actionID string
}

func (e *apiError) Error() string { return e.kind + ": " + e.detail }

func errorf(kind, format string, args ...any) error {
	return &apiError{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// codedf is errorf with a code finer than the kind's.
func codedf(kind, code, format string, args ...any) error {
	return &apiError{kind: kind, code: code, detail: fmt.Sprintf(format, args...)}
}

// codeOrKind is the problem document's code of e.
func (e *apiError) codeOrKind() string { return cmp.Or(e.code, codeOfKind[e.kind]) }

// invalidFields is the 422 naming each field once (the first thing said of it), in order.
func invalidFields(fields ...FieldError) error {
	var once []FieldError
	var msgs []string
	for _, f := range fields {
		if slices.ContainsFunc(once, func(g FieldError) bool { return g.Field == f.Field }) {
			continue
		}
		once = append(once, f)
		msgs = append(msgs, f.Field+": "+f.Message)
	}
	return &apiError{kind: kindInvalid, detail: strings.Join(msgs, "; "), fields: once}
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Code   string       `json:"code"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
	// ActionID names, for a program, the action the detail names for it to read: a create
	// retried with its key once its customer was erased (customer_erased).
	ActionID string `json:"action_id,omitempty"`
}

// classify turns any error into an apiError: ours, a workflow refusal, a read-model miss, or an
// internal failure that the caller sees only as such.
func classify(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, true
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		msg := appErr.Message()
		code := refusalCode(appErr)
		switch appErr.Type() {
		case workflows.ErrConflict:
			return &apiError{kind: kindConflict, code: code, detail: msg}, true
		case workflows.ErrChanged:
			return &apiError{kind: kindChanged, code: code, detail: msg, version: versionNow(appErr)}, true
		case workflows.ErrForbidden:
			return &apiError{kind: kindForbidden, detail: msg}, true
		case workflows.ErrNotFound:
			return &apiError{kind: kindNotFound, detail: msg}, true
		case workflows.ErrInvalid:
			var named []workflows.FieldRefusal
			if appErr.HasDetails() && appErr.Details(&named) == nil && len(named) > 0 {
				fields := make([]FieldError, len(named))
				for i, f := range named {
					fields[i] = FieldError{Field: f.Field, Message: f.Message}
				}
				return &apiError{kind: kindInvalid, detail: msg, fields: fields}, true
			}
			field, text, ok := strings.Cut(msg, ": ")
			if ok && field == "Idempotency-Key" && code == "" {
				// A worker of the release before gives no code: its one refusal of the key is
				// of a key used before with another request.
				code = workflows.CodeKeyReused
			}
			if ok && !strings.Contains(field, " ") {
				return &apiError{kind: kindInvalid, code: code, detail: msg, fields: []FieldError{{Field: field, Message: text}}}, true
			}
			return &apiError{kind: kindInvalid, code: code, detail: msg}, true
		}
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		// The workflow has closed: the action is completed or cancelled.
		return &apiError{kind: kindConflict, code: workflows.CodeActionClosed, detail: "the action is closed and can no longer change"}, true
	}
	if errors.Is(err, models.ErrConflict) {
		return &apiError{kind: kindConflict, code: codeAlreadyExists, detail: "it already exists"}, true
	}
	if errors.Is(err, models.ErrNotFound) {
		return &apiError{kind: kindNotFound, detail: "no such resource"}, true
	}
	if models.Unavailable(err) {
		return &apiError{kind: kindUnavailable, detail: "the read model is unavailable; retry shortly"}, true
	}
	var temporalDown *serviceerror.Unavailable
	if errors.As(err, &temporalDown) {
		return &apiError{kind: kindUnavailable, detail: "the workflow engine is unavailable; retry shortly"}, true
	}
	var failing *serviceerror.WorkflowNotReady
	if errors.As(err, &failing) {
		// The action's workflow task keeps failing in the worker (a missing encryption key, a
		// worker of another version): nothing the caller sent is wrong, and only an operator mends
		// it. One that failed once (the run continuing as new) sendCommand has sent again already.
		return &apiError{kind: kindUnavailable, detail: "the action's workflow cannot take requests now: its worker fails to run it (the worker's log says why); retry later"}, true
	}
	var queryFailed *serviceerror.QueryFailed
	if errors.As(err, &queryFailed) {
		// The worker could not answer the workflow's query three times running (queryWorkflow asks
		// again): nothing the caller sent is wrong, and a later try is usually answered.
		return &apiError{kind: kindUnavailable, detail: "the workflow could not answer just now (its worker's log says why); retry shortly"}, true
	}
	var stuck *serviceerror.FailedPrecondition
	if errors.As(err, &stuck) {
		// A query with no worker polling the task queue ("no poller seen"), or an Update to a
		// workflow whose task is failing: nothing the caller sent is wrong.
		return &apiError{kind: kindUnavailable, detail: "the action's workflow cannot answer now (no worker is running it); retry shortly"}, true
	}
	var waited *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var late *serviceerror.DeadlineExceeded
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &waited) || errors.As(err, &late) {
		return &apiError{kind: kindUnavailable, detail: tooSlow}, true
	}
	return nil, false
}

// refusalCode is the code a workflow's refusal carries (workflows.refuseCoded), or "" for one that
// carries none (or carries its fields).
func refusalCode(appErr *temporal.ApplicationError) string {
	var code string
	if !appErr.HasDetails() || appErr.Details(&code) != nil {
		return ""
	}
	return code
}

// versionNow is the version a refusal for an earlier version says the action is at (after its
// code), or 0 when it does not say (a worker of an earlier release).
func versionNow(appErr *temporal.ApplicationError) int64 {
	var code string
	var version int64
	if !appErr.HasDetails() || appErr.Details(&code, &version) != nil {
		return 0
	}
	return version
}

// tooSlow is the 503 of a request that did not finish in time; tooSlowNoKey says it to a command
// sent without an Idempotency-Key, which cannot be retried safely, and tooSlowRead to a read,
// which changes nothing.
const (
	tooSlow      = "the request did not finish in time (a worker, the workflow engine or the read model was too slow); a command may still take effect: retry it with the same Idempotency-Key"
	tooSlowNoKey = "the request did not finish in time (a worker, the workflow engine or the read model was too slow); a command may still take effect: look at the action before sending it again (a command sent with an Idempotency-Key can be retried with the same key safely)"
	tooSlowRead  = "the request did not finish in time (a worker, the workflow engine or the read model was too slow); it changed nothing: retry it shortly"
)

// writeError answers with a problem document. Unexpected errors are logged and answered 500
// without their detail.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	if ended := c.Request.Context().Err(); ended != nil && errors.Is(err, sql.ErrTxDone) {
		// A transaction the request's end rolled back answers its next statement so: it failed
		// of that end, the caller's going or the request's own time running out (bounded).
		err = fmt.Errorf("%w, as the request ended: %w", err, ended)
	}
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		// The caller went away (a browser drops a request it no longer wants, a client times
		// out): nothing here failed, and no server error is counted. Nobody reads the answer.
		writeProblem(c, statusClientClosed, codeCancelled, "the request was cancelled by its caller", nil)
		return
	}
	ae, ok := classify(err)
	if !ok {
		log.ErrorContext(c.Request.Context(), "request failed", "error", err, "method", c.Request.Method,
			"route", c.FullPath(), "request_id", c.GetString(requestIDKey))
		writeProblem(c, http.StatusInternalServerError, codeInternal, "", nil)
		return
	}
	status := statusOfKind[ae.kind]
	detail := ae.detail
	if detail == tooSlow {
		switch {
		case c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead:
			detail = tooSlowRead
		case c.Request.Method == http.MethodPost && c.GetHeader("Idempotency-Key") == "":
			detail = tooSlowNoKey
		}
	}
	if status == http.StatusServiceUnavailable {
		// The caller is told to retry; the request's log line says what was down.
		c.Set(unavailableKey, err.Error())
		c.Header("Retry-After", "1")
	}
	if ae.version > 0 {
		// The version to name in If-Match for a decision taken again on the action as it is now.
		setETag(c, ae.version)
	}
	writeProblemDoc(c, problem{Status: status, Code: ae.codeOrKind(), Detail: detail, Errors: ae.fields, ActionID: ae.actionID})
}

// statusClientClosed is the status recorded (in the request log and metrics) of a request its
// caller cancelled before it was answered, as proxies record it: not a server error.
const statusClientClosed = 499

func writeProblem(c *gin.Context, status int, code, detail string, fields []FieldError) {
	writeProblemDoc(c, problem{Status: status, Code: code, Detail: detail, Errors: fields})
}

// writeProblemDoc answers p, its type and title made from its status.
func writeProblemDoc(c *gin.Context, p problem) {
	p.Type, p.Title = "about:blank", cmp.Or(http.StatusText(p.Status), "Client Closed Request")
	body, _ := json.Marshal(p)
	c.Data(p.Status, "application/problem+json", body)
	c.Abort()
}

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

// decoder reads JSON bodies into request structs and validates them with their binding tags.
type decoder struct {
	validate *validator.Validate
}

func newDecoder() *decoder {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.SetTagName("binding")
	// Text that is only white space, or characters that show nothing (a zero-width space), says
	// nothing: treat it as missing.
	if err := v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return !blank(fl.Field().String())
	}); err != nil {
		panic(err) // a programming error: the rule name or function is malformed
	}
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return &decoder{validate: v}
}

// blank says whether s shows nothing: white space and invisible format characters (zero-width
// spaces and joiners, direction marks) alone.
func blank(s string) bool {
	return strings.TrimFunc(s, invisible) == ""
}

// invisible says whether a character shows nothing: a space, a format character (zero-width
// space, soft hyphen, direction marks), one the standard says to draw as nothing (the combining
// grapheme joiner, Hangul fillers, variation selectors), or the blank Braille pattern.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) || r == '\u2800'
}

// hasControl says whether s holds a control character other than a tab or a line break (NUL is
// refused on its own), or an explicit direction embedding or override (U+202A to U+202E), which
// turns the text shown around; the marks and isolates that right-to-left text uses are fine.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		switch {
		case r == 0 || r == '\t' || r == '\n' || r == '\r':
			return false
		case unicode.IsControl(r):
			return true
		}
		return r >= '\u202a' && r <= '\u202e'
	})
}

// decode reads the body into dst: 400 for malformed JSON, 413 for an oversized body, 422 with the
// field list for unknown fields, values of the wrong type and values that break a rule, all in one
// answer.
func (d *decoder) decode(c *gin.Context, dst any) error {
	body := c.Request.Body
	if body == nil {
		// A request made in-process (by the UI) without one: no body is an empty one.
		body = http.NoBody
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, body, maxBodyBytes))
	if err != nil {
		return decodeError(err)
	}
	if !utf8.Valid(raw) {
		// JSON is UTF-8: other bytes would be stored as U+FFFD, not as what was sent.
		return errorf(kindMalformed, "the body is not valid UTF-8")
	}
	if escapedLoneSurrogate(raw) {
		// The same as an escape: half of a UTF-16 pair is no character, and would be stored as
		// U+FFFD (a text cut in the middle of an emoji, say).
		return errorf(kindMalformed, `the body escapes half of a UTF-16 surrogate pair (\ud800 to \udfff not in a pair): it is no character`)
	}
	problems, err := decodeBody(raw, dst)
	if err != nil {
		return err
	}
	// Each is told with every other field that is wrong.
	if field, ok := nulField(reflect.ValueOf(dst), ""); ok && !covered(problems, field) {
		// PostgreSQL cannot store it in text, so the read model could never show the change.
		problems = append(problems, FieldError{Field: field, Message: "must not contain a NUL character"})
	}
	if field, ok := textField(reflect.ValueOf(dst), "", hasControl); ok && !covered(problems, field) {
		// An escape sequence would colour a terminal that shows the log or an export, and a
		// direction override would show a title as other text than it is (spelled backwards).
		problems = append(problems, FieldError{Field: field, Message: "must not contain control characters (tabs and line breaks are fine) or text direction overrides"})
	}
	if field, ok := textField(reflect.ValueOf(dst), "", pii.IsSealed); ok && !covered(problems, field) {
		// Sealed customer data is the API's own output for storage: taken back as input, it would be
		// opened with whichever customer's key it names, for a caller who may not see that customer.
		problems = append(problems, FieldError{Field: field, Message: "must not be sealed customer data"})
	}
	if _, ok := dst.(patchBody); ok {
		problems = append(problems, outside(problems, nullFields(raw))...)
	}
	var fields []FieldError
	if err := d.validate.Struct(dst); err != nil {
		var ve validator.ValidationErrors
		if !errors.As(err, &ve) {
			return fmt.Errorf("validating request: %w", err)
		}
		for _, fe := range ve {
			fields = append(fields, FieldError{Field: fieldPath(fe.Namespace()), Message: ruleMessage(fe)})
		}
	}
	if checker, ok := dst.(fieldChecker); ok {
		fields = append(fields, checker.checkFields()...)
	}
	if fields = append(problems, outside(problems, fields)...); len(fields) > 0 {
		// Told in the order the body declares its fields, which is the order its form asks for
		// them (a handover's recipient first), not the order the checks found them in.
		order := declaredOrder(reflect.TypeOf(dst))
		slices.SortStableFunc(fields, func(a, b FieldError) int { return cmp.Compare(order(a.Field), order(b.Field)) })
		return invalidFields(fields...)
	}
	return nil
}

// declaredOrder gives a field path ("to_id", "notes.summary", "customer.name") the place of its
// first part among the JSON fields of t, a struct or a pointer to one; a path it does not declare
// comes after them all.
func declaredOrder(t reflect.Type) func(path string) int {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	places := map[string]int{}
	var declare func(t reflect.Type)
	declare = func(t reflect.Type) {
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && name == "":
				declare(f.Type) // its fields are the body's own, where it is embedded
			case name != "" && name != "-":
				places[name] = len(places)
			}
		}
	}
	declare(t)
	return func(path string) int {
		first, _, _ := strings.Cut(path, ".")
		first, _, _ = strings.Cut(first, "[")
		if place, ok := places[first]; ok {
			return place
		}
		return len(places) + 1
	}
}

// fieldChecker is a request with checks of its own beyond its binding tags (the form of its
// durations, times and names): decode reports them with the tags' failures, so that one answer
// lists every field that is wrong.
type fieldChecker interface {
	checkFields() []FieldError
}

// fieldsOf is the field list of an invalid-request error; nil for nil or any other error.
func fieldsOf(err error) []FieldError {
	var ae *apiError
	if errors.As(err, &ae) && ae.kind == kindInvalid {
		return ae.fields
	}
	return nil
}

// fieldProblems splits err into the fields it finds wrong, to be answered together with what later
// checks find, and any other error, which ends the request.
func fieldProblems(err error) ([]FieldError, error) {
	if fields := fieldsOf(err); fields != nil {
		return fields, nil
	}
	return nil, err
}

func decodeError(err error) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return errorf(kindTooLarge, "the body is larger than %d bytes", maxBodyBytes)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errorf(kindMalformed, "the body must be a JSON object")
		}
		return invalidFields(FieldError{Field: field, Message: "must be a " + jsonKind(typeErr.Type.Kind())})
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(kindMalformed, "the body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalidFields(FieldError{
			Field: strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), Message: "is not a known field",
		})
	}
	return errorf(kindMalformed, "the body could not be read: %v", err)
}

func jsonKind(kind reflect.Kind) string {
	switch kind {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number" // 2.5 and 1e10 are numbers, and refused
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "list"
	default:
		return "JSON object"
	}
}

// fieldPath drops the struct name the validator puts first: "createAction.customer.ref" -> "customer.ref",
// and names a map's entry as the other refusals do, "action_notes.<id>.risks", where the validator
// writes "action_notes[<id>].risks" (a list's item keeps its index: "required_fields[1]").
func fieldPath(ns string) string {
	_, rest, ok := strings.Cut(ns, ".")
	if !ok {
		return ns
	}
	return mapKey.ReplaceAllString(rest, ".$1")
}

// mapKey is a map's key in a validator's namespace: in brackets, and not an index.
var mapKey = regexp.MustCompile(`\[([^\]]*[^0-9\]][^\]]*)\]`)

func ruleMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "notblank":
		return "is required"
	case "max":
		if k := fe.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
			return "must hold at most " + fe.Param() + " entries"
		}
		return "must be at most " + fe.Param() + " characters"
	case "min":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "oneof":
		return "must be one of " + strings.ReplaceAll(fe.Param(), " ", ", ")
	default:
		return "is not valid (" + fe.Tag() + ")"
	}
}

// nulField finds a string holding a NUL character in a decoded request and names its field (by
// its JSON name, dotted, with map keys and list indexes).
func nulField(v reflect.Value, path string) (string, bool) {
	return textField(v, path, func(s string) bool { return strings.ContainsRune(s, 0) })
}

// textField finds a string of a decoded request (a value or a map key) that bad refuses, and
// names its field as nulField does.
func textField(v reflect.Value, path string, bad func(string) bool) (string, bool) {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return textField(v.Elem(), path, bad)
	case reflect.String:
		return path, bad(v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			// encoding/json fills exported fields, and those of embedded structs whatever their
			// type's name; an embedded struct without a tag adds its fields at this level.
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" && !f.Anonymous {
				name = f.Name
			}
			sub := path
			if name != "" {
				sub = join(name)
			}
			if field, ok := textField(v.Field(i), sub, bad); ok {
				return field, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			// An item by its index, as the validator and the body walk name it: required_fields[1].
			if field, ok := textField(v.Index(i), path+"["+strconv.Itoa(i)+"]", bad); ok {
				return field, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key()) // a reflect.Value prints as its value, also when unexported
			if bad(key) {
				return join(key), true
			}
			if field, ok := textField(iter.Value(), join(key), bad); ok {
				return field, true
			}
		}
	}
	return "", false
}

// escapedLoneSurrogate reports whether JSON text escapes a UTF-16 surrogate that is not half of a
// pair (\ud83d not followed by \ude00 to \udfff, or a \ude00 alone): encoding/json reads it as
// U+FFFD. A backslash appears only inside strings in JSON; text that is not JSON is left to the
// decoder to refuse.
func escapedLoneSurrogate(raw []byte) bool {
	hex4 := func(at int) (rune, bool) {
		if at+4 > len(raw) {
			return 0, false
		}
		n, err := strconv.ParseUint(string(raw[at:at+4]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // an escape of one character: \\, \", \n...
			continue
		}
		r, ok := hex4(i + 2)
		switch {
		case !ok:
			return false
		case r >= 0xDC00 && r <= 0xDFFF:
			return true // a second half first
		case r >= 0xD800 && r < 0xDC00:
			if i+7 >= len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return true
			}
			if low, ok := hex4(i + 8); !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}
