package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/handover/handover/api"
)

// The contract check: every request the end-to-end tests send to /api/v1, and every answer to it,
// is held against the OpenAPI document the API serves. A mismatch fails the test that made the
// request, naming the operation, the status and what the document says instead. The check only
// watches: the request and the answer reach the test unchanged.

// contractDoc is the OpenAPI document and its router, loaded once for every test of the package.
var contractDoc = sync.OnceValues(func() (*contract, error) {
	raw, err := api.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI document: %w", err)
	}
	// The document's one server is "/", relative to wherever the API runs: route by path alone.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the OpenAPI document: %w", err)
	}
	return &contract{router: router}, nil
})

// customersPath leads the erasure's path, whose reference is the rest of it.
const customersPath = "/api/v1/customers/"

// uuidPattern is RFC 9562's form of a UUID (action IDs are version 7, or 5 when derived from an
// Idempotency-Key), which the document's format uuid stands for: its hex digits read in either
// case, as the RFC asks of input (the API writes them in lower case).
var uuidPattern = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type contract struct {
	router routers.Router
}

func (c *contract) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		// Authentication has tests of its own; here every token is taken as the document's bearer.
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true, // an answer with a status the document does not list is a mismatch
		MultiError:            true,
		SkipSettingDefaults:   true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
				if !uuidPattern.MatchString(s) {
					return errors.New("is not a UUID")
				}
				return nil
			})),
		},
	}
}

// contractClient is an HTTP client whose requests to /api/v1 are checked against the document;
// a mismatch fails t. Any other path (pages, metrics, health, the codec) passes unchecked.
func contractClient(t testing.TB) *http.Client {
	return &http.Client{Transport: &contractTransport{t: t, next: http.DefaultTransport}}
}

type contractTransport struct {
	t    testing.TB
	next http.RoundTripper
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != "/api/v1" && !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return ct.next.RoundTrip(req)
	}
	c, err := contractDoc()
	if err != nil {
		ct.t.Errorf("contract: %v", err)
		return ct.next.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	// The check reads a copy of the request, so the one sent is as the test made it.
	checked := req.Clone(context.WithoutCancel(req.Context()))
	checked.Body = io.NopCloser(bytes.NewReader(body))
	if ref, ok := strings.CutPrefix(checked.URL.Path, customersPath); ok {
		// A customer reference may hold a "/" written as is (the document says so), which no
		// OpenAPI path template can match: route it as the one segment it is.
		checked.URL.Path, checked.URL.RawPath = customersPath+url.PathEscape(ref), ""

	}
	route, params, routeErr := c.router.FindRoute(checked)

	resp, err := ct.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if routeErr != nil {
		// Only a refusal may answer a path the document does not have.
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			ct.t.Errorf("contract: %s %s is no operation of the document (%v), yet answered %d", req.Method, req.URL.Path, routeErr, resp.StatusCode)
		}
		return resp, nil
	}
	operation := route.Method + " " + route.Path
	input := &openapi3filter.RequestValidationInput{Request: checked, PathParams: params, Route: route, Options: c.options()}
	reqErr := openapi3filter.ValidateRequest(checked.Context(), input)
	if reqErr != nil && resp.StatusCode < 400 {
		ct.t.Errorf("contract: %s answered %d to a request the document refuses: %v", operation, resp.StatusCode, reqErr)
	}

	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header, Options: c.options(),
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// A stream stays open: its status, headers and content type are checked, not its events.
		out.Options.ExcludeResponseBody = true
		if _, ok := responseContent(route, resp.StatusCode)["text/event-stream"]; !ok {
			ct.t.Errorf("contract: %s answered %d as text/event-stream, which the document does not list", operation, resp.StatusCode)
		}
		out.Body = io.NopCloser(bytes.NewReader(nil))
	} else {
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		out.Body = io.NopCloser(bytes.NewReader(raw))
	}
	if err := openapi3filter.ValidateResponse(checked.Context(), out); err != nil {
		ct.t.Errorf("contract: %s answered %d, which does not match the document: %v", operation, resp.StatusCode, err)
	}
	return resp, nil
}

// responseContent is the content the document lists for one status of an operation.
func responseContent(route *routers.Route, status int) openapi3.Content {
	r := route.Operation.Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil
	}
	return r.Value.Content
}
