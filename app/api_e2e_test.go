package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// Every validation rule of the create and command bodies, each answered 400, 413 or 422 with the
// field named, and none changing anything.
func testValidationRules(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name   string
		path   string
		body   any
		status int
		field  string
	}{
		{"title missing", "/api/v1/actions", without(newAction("alice"), "title"), 422, "title"},
		{"title blank", "/api/v1/actions", merge(newAction("alice"), "title", "   "), 422, "title"},
		{"title too long", "/api/v1/actions", merge(newAction("alice"), "title", long(201)), 422, "title"},
		{"details too long", "/api/v1/actions", merge(newAction("alice"), "details", long(10001)), 422, "details"},
		{"category missing", "/api/v1/actions", without(newAction("alice"), "category"), 422, "category"},
		{"category malformed", "/api/v1/actions", merge(newAction("alice"), "category", "Refund Now"), 422, "category"},
		{"priority not an enum value", "/api/v1/actions", merge(newAction("alice"), "priority", "asap"), 422, "priority"},
		{"unknown owner", "/api/v1/actions", newAction("zoe"), 422, "owner_id"},
		{"owner who cannot own", "/api/v1/actions", newAction("crm"), 422, "owner_id"},
		{"owner below the authority", "/api/v1/actions", merge(newAction("alice"), "required_authority", 2), 422, "owner_id"},
		{"authority out of range", "/api/v1/actions", merge(newAction("alice"), "required_authority", 11), 422, "required_authority"},
		{"unknown team", "/api/v1/actions", merge(without(newAction(""), "owner_id"), "team_id", "nowhere"), 422, "team_id"},
		{"owner with an unknown team", "/api/v1/actions", merge(newAction("alice"), "team_id", "other"), 422, "team_id"},
		{"bad duration", "/api/v1/actions", merge(newAction("alice"), "due_in", "soon"), 422, "due_in"},
		{"due time in the past", "/api/v1/actions", merge(without(newAction("alice"), "due_in"), "due_at", "2020-01-01T00:00:00Z"), 422, "due_at"},
		{"due time beyond a year", "/api/v1/actions", merge(without(newAction("alice"), "due_in"), "due_at", time.Now().AddDate(1, 1, 0).UTC().Format(time.RFC3339)), 422, "due_at"},
		{"due time not RFC 3339", "/api/v1/actions", merge(without(newAction("alice"), "due_in"), "due_at", "tomorrow"), 422, "due_at"},
		{"both due_in and due_at", "/api/v1/actions", merge(newAction("alice"), "due_at", "2030-01-01T00:00:00Z"), 422, "due_in"},
		{"no due time", "/api/v1/actions", without(newAction("alice"), "due_in"), 422, "due_in"},
		{"bad override", "/api/v1/actions", merge(newAction("alice"), "check_within", "0s"), 422, "check_within"},
		{"bad assign_within", "/api/v1/actions", merge(newAction("alice"), "assign_within", "soon"), 422, "assign_within"},
		{"follow-up interval under a second", "/api/v1/actions", merge(newAction("alice"), "follow_up_every", "1ns"), 422, "follow_up_every"},
		{"accept_within under a second", "/api/v1/actions", merge(newAction("alice"), "accept_within", "500ms"), 422, "accept_within"},
		{"handover accept_within under a second", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "accept_within", "1us"), 422, "accept_within"},
		{"escalation repeating within a minute", "/api/v1/actions", merge(newAction("alice"), "escalate_within", "30s"), 422, "escalate_within"},
		{"follow-up repeating within a minute", "/api/v1/actions", merge(newAction("alice"), "follow_up_every", "59s"), 422, "follow_up_every"},
		{"follow-up interval beyond a year", "/api/v1/actions", merge(newAction("alice"), "follow_up_every", "9000h"), 422, "follow_up_every"},
		{"pause reminders repeating within a minute", "/api/v1/actions", merge(newAction("alice"), "pause_remind_every", "59s"), 422, "pause_remind_every"},
		{"pause reminders not a duration", "/api/v1/actions", merge(newAction("alice"), "pause_remind_every", "daily"), 422, "pause_remind_every"},
		{"wrong type", "/api/v1/actions", merge(newAction("alice"), "title", 42), 422, "title"},
		{"unknown field", "/api/v1/actions", merge(newAction("alice"), "colour", "red"), 422, "colour"},
		{"malformed JSON", "/api/v1/actions", `{"title": "x",`, 400, ""},
		{"not an object", "/api/v1/actions", `[1, 2]`, 400, ""},
		{"two objects", "/api/v1/actions", `{} {}`, 400, ""},
		{"oversized body", "/api/v1/actions", `{"details": "` + long(2<<20) + `"}`, 413, ""},
		{"handover to self", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "to_id", "alice"), 422, "to_id"},
		{"handover to an integration", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "to_id", "crm"), 422, "to_id"},
		{"handover situation", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "situation", "panic"), 422, "situation"},
		{"handover reason blank", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "reason", " "), 422, "reason"},
		{"handover follow-up in the past", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "follow_up_at", "2020-01-01T00:00:00Z"), 422, "follow_up_at"},
		{"handover follow-up beyond a year", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "follow_up_at", time.Now().AddDate(2, 0, 0).UTC().Format(time.RFC3339)), 422, "follow_up_at"},
		{"accept without summary", "/api/v1/actions/" + a.ID + "/accept", map[string]any{}, 422, "summary"},
		{"a read-back of one word", "/api/v1/actions/" + a.ID + "/accept", map[string]any{"summary": "ok"}, 422, "summary"},
		{"a key given twice", "/api/v1/actions/" + a.ID + "/handover", `{"to_id":"bob","to_id":"erin","reason":"r"}`, 422, "to_id"},
		{"note too long", "/api/v1/actions/" + a.ID + "/notes", map[string]any{"text": long(4001)}, 422, "text"},
		{"check with a bad result", "/api/v1/actions/" + a.ID + "/check", map[string]any{"result": "maybe"}, 422, "result"},
		{"check extending with someone to reassign to", "/api/v1/actions/" + a.ID + "/check", map[string]any{"result": "not_done", "next": "extend", "due_in": "1h", "to_id": "bob"}, 422, "to_id"},
		// PostgreSQL takes no NUL in text: the read model could never show such a change.
		{"NUL in a title", "/api/v1/actions", merge(newAction("alice"), "title", "late\u0000checkout"), 422, "title"},
		{"NUL in a customer's name", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"ref": "G-1", "name": "Ms\u0000Patel"}), 422, "customer.name"},
		{"NUL in handover notes", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "notes", map[string]any{"summary": "s\u0000"}), 422, "notes.summary"},
		{"NUL in a note field's name", "/api/v1/actions/" + a.ID + "/handover", merge(handoverBody, "notes", map[string]any{"summary": "s", "fields": map[string]any{"a\u0000": "x"}}), 422, "notes.fields.a\u0000"},
		{"NUL in a note", "/api/v1/actions/" + a.ID + "/notes", map[string]any{"text": "\u0000"}, 422, "text"},
		// A write takes no query parameter: one ignored in silence would do what it asked not to.
		{"a dry run asked of a create", "/api/v1/actions?dry_run=true", merge(newAction("alice"), "title", "Dry run, not to be made"), 422, "dry_run"},
		{"a query parameter on a note", "/api/v1/actions/" + a.ID + "/notes?dry_run=true", map[string]any{"text": "not to be added"}, 422, "dry_run"},
	}
	for _, tc := range cases {
		var p problem
		require.Equal(t, tc.status, alice.call("POST", tc.path, tc.body, &p), tc.name)
		require.Equal(t, tc.status, p.Status, tc.name)
		if tc.field != "" {
			require.NotEmpty(t, p.Errors, tc.name)
			require.Equal(t, tc.field, p.Errors[0].Field, tc.name)
		}
	}
	// Nothing the dry runs asked for was made.
	var made struct{ Items []action }
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions?q=Dry+run", nil, &made))
	require.Empty(t, made.Items)
	var timeline struct{ Items []struct{ Type string } }
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &timeline))
	for _, e := range timeline.Items {
		require.NotEqual(t, "note_added", e.Type)
	}
	// The owner a create names is refused by name, as the workflows' refusals name people.
	var below problem
	require.Equal(t, 422, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "required_authority", 2), &below))
	require.Contains(t, below.Detail, "owner_id: Alice Adams has authority 1, this action needs 2: choose someone with authority 2 or more, or leave the owner out to route it to someone who has")
	// Days are not a unit (a day of open time is not 24 hours): the refusal says to write hours.
	var days problem
	require.Equal(t, 422, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "due_in", "2d"), &days))
	require.Equal(t, "due_in", days.Errors[0].Field)
	require.Contains(t, days.Detail, "write 24h or 48h")
	// One answer lists every field that is wrong, whichever check finds it.
	root := as(t, st, "root")
	for _, tc := range []struct {
		who, method, path string
		body              any
		fields            []string
	}{
		{"alice", "POST", "/api/v1/actions", map[string]any{"category": "request", "priority": "mega", "owner_id": "alice", "due_in": "abc"},
			[]string{"title", "priority", "due_in"}},
		{"alice", "POST", "/api/v1/actions", merge(merge(merge(newAction("alice"), "accept_within", "0s"), "check_within", "abc"), "escalate_within", "-1h"),
			[]string{"accept_within", "check_within", "escalate_within"}},
		{"alice", "POST", "/api/v1/actions", map[string]any{}, []string{"title", "category", "due_in"}},
		{"alice", "POST", "/api/v1/actions/" + a.ID + "/check", map[string]any{"result": "done", "next": "extend", "due_in": "1h", "to_id": "bob"},
			[]string{"next", "due_in", "to_id"}},
		{"alice", "POST", "/api/v1/actions/" + a.ID + "/handover", map[string]any{"to_id": "bob", "reason": "", "method": "fax", "situation": "busy",
			"follow_up_at": "2026-12-02T25:00:00+05:30", "notes": map[string]any{"summary": ""}}, []string{"reason", "method", "follow_up_at", "notes.summary"}},
		{"root", "POST", "/api/v1/staff", map[string]any{"id": "KIM", "name": "", "role": "boss", "team_id": "nope", "authority": 11},
			[]string{"name", "role", "authority", "id", "team_id"}},
		{"root", "PUT", "/api/v1/policies/" + modelstest.Name("fast"), map[string]any{"accept_within": "banana", "clock": "lunar"},
			[]string{"clock", "accept_within"}},
		// What encoding/json finds wrong (a key of no field, however deep; a value of the wrong
		// type) is listed with the rest, by its full path.
		{"alice", "POST", "/api/v1/actions", merge(merge(without(newAction("alice"), "title"), "customer", map[string]any{"ref": "G-1", "email": "x"}), "priority", 3),
			[]string{"customer.email", "priority", "title"}},
		{"root", "PUT", "/api/v1/policies/" + modelstest.Name("fast"), map[string]any{"required_fields": []any{"amount", 1}, "clock": "lunar"},
			[]string{"required_fields[1]", "clock"}},
		// The people and teams a body names are looked up even when its form is wrong, and the
		// rules checked after the body decodes (a duration's form, a calendar's) are listed with
		// the tags': a client corrects every mistake after one answer.
		{"alice", "POST", "/api/v1/actions", merge(merge(newAction("zoe"), "title", ""), "team_id", "nowhere"), []string{"title", "team_id", "owner_id"}},
		{"alice", "POST", "/api/v1/actions", merge(merge(without(newAction("zoe"), "due_in"), "due_at", "2020-01-01T00:00:00Z"), "team_id", "frontdesk"),
			[]string{"due_at", "owner_id"}},
		{"alice", "POST", "/api/v1/actions/" + a.ID + "/handover", merge(merge(handoverBody, "to_id", "zoe"), "reason", ""), []string{"reason", "to_id"}},
		{"alice", "POST", "/api/v1/actions/" + a.ID + "/handover", merge(merge(handoverBody, "to_id", "zoe"), "follow_up_at", "2020-01-01T00:00:00Z"),
			[]string{"follow_up_at", "to_id"}},
		{"carol", "POST", "/api/v1/actions/" + a.ID + "/reassign", map[string]any{"to_id": "zoe", "reason": "", "due_in": "soon"}, []string{"reason", "due_in", "to_id"}},
		{"carol", "POST", "/api/v1/actions/" + a.ID + "/reassign", map[string]any{"to_id": "zoe", "reason": "r", "due_at": "2020-01-01T00:00:00Z"}, []string{"due_at", "to_id"}},
		{"carol", "POST", "/api/v1/actions/" + a.ID + "/extend", map[string]any{"reason": "", "due_in": "soon"}, []string{"reason", "due_in"}},
		{"carol", "POST", "/api/v1/actions/" + a.ID + "/extend", map[string]any{}, []string{"reason", "due_in"}},
		{"carol", "POST", "/api/v1/actions/" + a.ID + "/check", map[string]any{"result": "maybe", "due_in": "2d", "to_id": "zoe"}, []string{"result", "due_in", "to_id"}},
		{"alice", "POST", "/api/v1/actions/" + a.ID + "/follow-up", map[string]any{"note": "", "again_in": "soon"}, []string{"note", "again_in"}},
		{"carol", "POST", "/api/v1/shift-handovers", map[string]any{"from_id": "zoe", "to_id": "yann", "notes": "", "situation": "busy", "accept_within": "soon"},
			[]string{"notes", "accept_within", "from_id", "to_id"}},
		{"root", "POST", "/api/v1/teams", map[string]any{"id": "Bad Team", "name": ""}, []string{"name", "id"}},
		{"root", "PUT", "/api/v1/teams/frontdesk/calendar", map[string]any{
			"time_zone": "Mars/Base", "hours": []any{map[string]any{"day": "mon", "open": "08:00", "close": "18:00", "extra": 1}}, "holidays": []any{"soon"},
		}, []string{"hours[0].extra", "time_zone", "holidays[0]"}},
	} {
		var p problem
		require.Equal(t, http.StatusUnprocessableEntity, as(t, st, tc.who).call(tc.method, tc.path, tc.body, &p), "%s %s", tc.path, tc.body)
		var named []string
		for _, e := range p.Errors {
			named = append(named, e.Field)
		}
		require.ElementsMatch(t, tc.fields, named, "%s: %s", tc.path, p.Detail)
	}
	var gone problem
	require.Equal(t, http.StatusNotFound, root.call("GET", "/api/v1/staff/KIM", nil, &gone), "nothing refused was made")
	// A team that does not exist is 404 in the staff list as in the actions': not a team with nobody.
	require.Equal(t, http.StatusNotFound, root.call("GET", "/api/v1/staff?team_id=no-such-team", nil, &gone))
	require.Equal(t, `no team "no-such-team"`, gone.Detail)
	var desk struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, root.call("GET", "/api/v1/staff?team_id=frontdesk", nil, &desk))
	require.NotEmpty(t, desk.Items)

	var notUTF8 problem
	require.Equal(t, http.StatusBadRequest, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", "{\"text\":\"\xff\xfe\"}", &notUTF8), "a body that is not UTF-8 (it was stored as U+FFFD)")
	require.Equal(t, "the body is not valid UTF-8", notUTF8.Detail)
	var half problem
	require.Equal(t, http.StatusBadRequest, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", `{"text":"cut in the middle \ud83d"}`, &half), "half an emoji, escaped (it was stored as U+FFFD)")
	require.Contains(t, half.Detail, "half of a UTF-16 surrogate pair")
	var after action
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &after))
	require.EqualValues(t, 1, after.Version, "no refused request changed the action")
	var q0 problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("GET", "/api/v1/actions/"+a.ID+"?consistent=yes", nil, &q0), "not silently an ordinary read")
	require.Equal(t, "consistent", q0.Errors[0].Field)
	// A misspelt or repeated parameter of one action's reads is refused, as the list's are: a
	// consistant=true would otherwise be an ordinary read, a since=3 the whole timeline.
	for _, tc := range []struct{ query, field string }{
		{"?consistant=true", "consistant"},
		{"?consistent=true&consistent=false", "consistent"},
		{"/events?since=3", "since"},
		{"/events?after=1&after=2", "after"},
		{"/events?limit=1&limit=2", "limit"},
		{"/events?before=2&before=5", "before"},
	} {
		var p problem
		require.Equal(t, http.StatusUnprocessableEntity, alice.call("GET", "/api/v1/actions/"+a.ID+tc.query, nil, &p), tc.query)
		require.Len(t, p.Errors, 1, tc.query)
		require.Equal(t, tc.field, p.Errors[0].Field, tc.query)
	}
	var q problem
	require.Equal(t, http.StatusBadRequest, alice.call("GET", "/api/v1/actions?customer_ref=G%00", nil, &q), "a NUL in a query")
	require.Equal(t, http.StatusBadRequest, as(t, st, "root").call("GET", "/api/v1/staff/a%00", nil, &q), "a NUL in a path")
	// A status given over and over is one filter, not tens of thousands of SQL parameters.
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions?"+strings.Repeat("status=assigned&", 40000)+"limit=1", nil, nil))
	// PostgreSQL refuses text that is not UTF-8: such a path, query or key is the client's error.
	require.Equal(t, http.StatusBadRequest, alice.call("GET", "/api/v1/actions?owner_id=%FF", nil, &q), "a query that is not UTF-8")
	require.Equal(t, http.StatusBadRequest, as(t, st, "root").call("GET", "/api/v1/staff/%FF", nil, &q), "a path that is not UTF-8")
	var badKey problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "x"}, &badKey, "Idempotency-Key", "k\xff"), "a key that is not UTF-8")
	require.Equal(t, "Idempotency-Key", badKey.Errors[0].Field)
	badKey = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "x"}, &badKey,
		"Idempotency-Key", "k1", "Idempotency-Key", "k2"), "two keys: which one a retry would send first is a guess")
	require.Equal(t, "Idempotency-Key", badKey.Errors[0].Field)
	require.Contains(t, badKey.Detail, "given more than once")
	badKey = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "x"}, &badKey,
		"Idempotency-Key", ""), "an empty key (a variable left unset) would protect nothing")
	require.Equal(t, "Idempotency-Key", badKey.Errors[0].Field)
	require.Contains(t, badKey.Detail, "is empty: send a key, or leave the header out")
	// An action's ID in upper case (as some databases give UUIDs back) names the same action.
	var upper action
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+strings.ToUpper(a.ID), nil, &upper))
	require.Equal(t, a.ID, upper.ID)
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+strings.ToUpper(a.ID)+"/notes", map[string]any{"text": "upper"}, nil))
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+strings.ToUpper(a.ID)+"/events", nil, nil))
	var listed struct {
		Items []action `json:"items"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions?id="+strings.ToUpper(a.ID), nil, &listed))
	require.Len(t, listed.Items, 1, "and so in the list's id filter")
	require.Equal(t, a.ID, listed.Items[0].ID)
	// Its 200 characters are characters, as every other limit counts them, not bytes.
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "x"}, nil,
		"Idempotency-Key", strings.Repeat("Ü", 200)), "200 characters, 400 bytes")
	badKey = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "x"}, &badKey,
		"Idempotency-Key", strings.Repeat("Ü", 201)))
	require.Contains(t, badKey.Detail, "Idempotency-Key: must be at most 200 characters")
	// On every request that changes something, whatever it is: nothing is made.
	team := modelstest.Name("emptykey")
	for _, r := range []struct {
		who          caller
		method, path string
		body         map[string]any
	}{
		{root, "POST", "/api/v1/teams", map[string]any{"id": team, "name": "Empty key"}},
		{root, "POST", "/api/v1/staff/bob/tokens", map[string]any{"label": "empty key"}},
		{alice, "POST", "/api/v1/shifts/end", nil},
		{root, "DELETE", "/api/v1/customers/G-1001", nil},
	} {
		badKey = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, r.who.call(r.method, r.path, r.body, &badKey, "Idempotency-Key", ""), r.path)
		require.Equal(t, "Idempotency-Key", badKey.Errors[0].Field, r.path)
	}
	require.Equal(t, http.StatusNotFound, root.call("GET", "/api/v1/teams/"+team+"/calendar", nil, nil), "no team was made")
	var me struct {
		OnShift bool `json:"on_shift"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me", nil, &me))
	require.True(t, me.OnShift, "her shift did not end")

	// A handover to someone below the action's authority.
	erin := as(t, st, "erin")
	var high action
	require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", merge(newAction("erin"), "required_authority", 2), &high))
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("POST", "/api/v1/actions/"+high.ID+"/handover", handoverBody, &p))
	require.Equal(t, "to_id", p.Errors[0].Field)
	require.Contains(t, p.Detail, "authority")
}

func without(m map[string]any, key string) map[string]any {
	out := merge(m, key, nil)
	delete(out, key)
	return out
}

// Each role against each kind of route: allowed, or 403 for the role, never anything else.
func testRolesAndRoutes(t *testing.T, st *app.Stack) {
	// The OpenAPI document is served to anyone, as JSON, with the routes below in it.
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL}.call("GET", "/api/openapi.json", nil, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), doc.OpenAPI)
	require.Contains(t, doc.Paths["/api/v1/actions/{id}/check"], "post")
	require.Contains(t, doc.Paths["/api/v1/reports/handovers"]["get"], "responses")

	type want map[string]int // role -> status
	fresh := func() string {
		var a action
		require.Equal(t, http.StatusCreated, as(t, st, "alice").call("POST", "/api/v1/actions", newAction("alice"), &a))
		return "/api/v1/actions/" + a.ID
	}
	pausedAction := func() string {
		path := fresh()
		require.Equal(t, http.StatusOK, as(t, st, "alice").call("POST", path+"/pause", map[string]any{"reason": "waiting"}, nil))
		return path + "/resume"
	}
	completed := func() string {
		path := fresh()
		require.Equal(t, http.StatusOK, as(t, st, "alice").call("POST", path+"/complete", map[string]any{"outcome": "done"}, nil))
		return path
	}
	freshTeamCalendar := func() string {
		id := modelstest.Name("t")
		require.Equal(t, http.StatusCreated, as(t, st, "root").call("POST", "/api/v1/teams", map[string]any{"id": id, "name": "T"}, nil))
		return "/api/v1/teams/" + id + "/calendar"
	}
	routes := []struct {
		name   string
		method string
		path   func() string
		body   any
		want   want
	}{
		{"create action", "POST", func() string { return "/api/v1/actions" }, newAction("bob"),
			want{"alice": 201, "carol": 201, "dave": 201, "crm": 201, "root": 403}},
		{"list actions", "GET", func() string { return "/api/v1/actions" }, nil,
			want{"alice": 200, "carol": 200, "dave": 200, "crm": 200, "root": 200}},
		{"escalate", "POST", func() string { return fresh() + "/escalate" }, map[string]any{"reason": "x"},
			want{"bob": 403, "crm": 403, "root": 403, "carol": 200, "dave": 200}},
		{"cancel", "POST", func() string { return fresh() + "/cancel" }, map[string]any{"reason": "x"},
			want{"bob": 403, "crm": 403, "root": 403, "carol": 200, "dave": 200}},
		{"extend", "POST", func() string { return fresh() + "/extend" }, map[string]any{"due_in": "9h", "reason": "x"},
			want{"bob": 403, "crm": 403, "carol": 200, "dave": 200}},
		{"reassign", "POST", func() string { return fresh() + "/reassign" }, map[string]any{"to_id": "erin", "reason": "x"},
			want{"bob": 403, "crm": 403, "carol": 200, "dave": 200}},
		{"complete", "POST", func() string { return fresh() + "/complete" }, map[string]any{"outcome": "x"},
			want{"bob": 403, "crm": 403, "alice": 200, "carol": 200}},
		{"handover", "POST", func() string { return fresh() + "/handover" }, handoverBody,
			want{"bob": 403, "carol": 403, "crm": 403, "alice": 200}},
		{"note", "POST", func() string { return fresh() + "/notes" }, map[string]any{"text": "x"},
			want{"bob": 403, "alice": 201, "carol": 201}},
		{"create staff", "POST", func() string { return "/api/v1/staff" }, map[string]any{"id": modelstest.Name("p"), "name": "P", "role": "agent", "team_id": "frontdesk"},
			want{"alice": 403, "carol": 403, "dave": 403, "crm": 403, "root": 201}},
		{"create team", "POST", func() string { return "/api/v1/teams" }, map[string]any{"id": modelstest.Name("t"), "name": "T"},
			want{"carol": 403, "dave": 403, "root": 201}},
		{"set policy", "PUT", func() string { return "/api/v1/policies/" + modelstest.Name("c") }, map[string]any{"check_within": "2h"},
			want{"alice": 403, "carol": 403, "dave": 403, "root": 200}},
		{"issue token", "POST", func() string { return "/api/v1/staff/erin/tokens" }, map[string]any{"label": "x"},
			want{"alice": 403, "carol": 403, "dave": 403, "crm": 403, "root": 201}},
		{"revoke tokens", "DELETE", func() string { return "/api/v1/staff/nobody/tokens" }, nil,
			want{"erin": 403, "carol": 403, "dave": 403, "crm": 403, "root": 404}},
		{"erase an action's customer", "DELETE", func() string { return fresh() + "/customer" }, nil,
			want{"alice": 403, "carol": 403, "dave": 403, "crm": 403, "root": 200}},
		{"revoke tokens with a parameter", "DELETE", func() string { return "/api/v1/staff/erin/tokens?all=false" }, nil,
			want{"root": 422}},
		{"read staff", "GET", func() string { return "/api/v1/staff" }, nil,
			want{"alice": 200, "crm": 200, "root": 200}},
		{"pause", "POST", func() string { return fresh() + "/pause" }, map[string]any{"reason": "waiting on the guest"},
			want{"bob": 403, "crm": 403, "root": 403, "alice": 200, "carol": 200, "dave": 200}},
		{"resume", "POST", pausedAction, map[string]any{"reason": "the guest answered"},
			want{"bob": 403, "crm": 403, "root": 403, "alice": 200, "carol": 200, "dave": 200}},
		// A person's part in an action is refused to an integration and an administrator for
		// their role whatever the action's state: not 409 for a state that will never let them.
		{"accept with nothing to accept", "POST", func() string { return fresh() + "/accept" }, map[string]any{"summary": "I call the guest back by noon"},
			want{"crm": 403, "root": 403, "bob": 409}},
		{"decline with nothing to decline", "POST", func() string { return fresh() + "/decline" }, map[string]any{"reason": "not my area today"},
			want{"crm": 403, "root": 403}},
		{"withdraw with nothing to withdraw", "POST", func() string { return fresh() + "/handover/withdraw" }, map[string]any{"reason": "asked the wrong person"},
			want{"crm": 403, "root": 403}},
		{"check before the due time", "POST", func() string { return fresh() + "/check" }, map[string]any{"result": "done"},
			want{"crm": 403, "root": 403, "alice": 409}},
		{"claim an owned action", "POST", func() string { return fresh() + "/claim" }, nil,
			want{"crm": 403, "root": 403, "bob": 409}},
		{"complete a completed action", "POST", func() string { return completed() + "/complete" }, map[string]any{"outcome": "x"},
			want{"crm": 403, "root": 403, "alice": 409}},
		{"pause a completed action", "POST", func() string { return completed() + "/pause" }, map[string]any{"reason": "x"},
			want{"crm": 403, "root": 403, "alice": 409}},
		{"set calendar", "PUT", freshTeamCalendar, map[string]any{"time_zone": "UTC", "hours": []map[string]any{{"day": "mon", "open": "09:00", "close": "17:00"}}},
			want{"alice": 403, "carol": 403, "dave": 403, "crm": 403, "root": 200}},
		{"read calendar", "GET", func() string { return "/api/v1/teams/frontdesk/calendar" }, nil,
			want{"alice": 200, "crm": 200, "root": 200}},
	}
	for _, r := range routes {
		for role, status := range r.want {
			body := r.body
			if m, ok := body.(map[string]any); ok && m["id"] != nil {
				body = merge(m, "id", modelstest.Name("x")) // fresh IDs: a second 201 must not meet a 409
			}
			var answer map[string]any
			got := as(t, st, role).call(r.method, r.path(), body, &answer)
			require.Equal(t, status, got, "%s as %s: %v", r.name, role, answer["detail"])
		}
	}
}

// The same Idempotency-Key on a command gives the first answer once; with another body, 422.
func testIdempotentCommands(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID + "/notes"
	key := modelstest.Name("note")
	var first, second action
	require.Equal(t, http.StatusCreated, alice.call("POST", path, map[string]any{"text": "called the guest"}, &first, "Idempotency-Key", key))
	require.Equal(t, http.StatusCreated, alice.call("POST", path, map[string]any{"text": "called the guest"}, &second, "Idempotency-Key", key))
	require.Equal(t, first.Version, second.Version, "the retry is the first answer")
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path, map[string]any{"text": "something else"}, &p, "Idempotency-Key", key))
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "x"}, &p, "Idempotency-Key", key), "nor for another command")

	var events struct {
		Items []struct{ Type string } `json:"items"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &events))
	require.Len(t, events.Items, 2, "created and one note")

	// A retry the API's own checks would now refuse (its due_at has passed since) gets the first
	// answer, as Temporal keeps it; without the key, or with another body, the refusal stands.
	carol := as(t, st, "carol")
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "due_in", "1s"), &a))
	key = modelstest.Name("extend")
	body := map[string]any{"due_at": time.Now().Add(1500 * time.Millisecond).UTC().Format(time.RFC3339Nano), "reason": "guest asked"}
	var extended, again action
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/extend", body, &extended, "Idempotency-Key", key))
	time.Sleep(time.Until(extended.DueAt) + 100*time.Millisecond)
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", "/api/v1/actions/"+a.ID+"/extend", body, &p), "as a new request it is refused")
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/extend", body, &again, "Idempotency-Key", key))
	require.Equal(t, extended.Version, again.Version, "the first answer")
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", "/api/v1/actions/"+a.ID+"/extend", merge(body, "reason", "other"), &p, "Idempotency-Key", key))
}

// testProblemCodes: each refusal names what went wrong in its problem document's code, so that an
// integration acts on it without reading the detail, which is for people: a handover that waits,
// one that ended, a key used for another request, a stale version, an ID taken, and the statuses'
// own codes.
func testProblemCodes(t *testing.T, st *app.Stack) {
	alice, bob, root := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "root")
	refused := func(who caller, method, path string, body any, status int, code string, headers ...string) problem {
		t.Helper()
		var p problem
		require.Equal(t, status, who.call(method, path, body, &p, headers...), path)
		require.Equal(t, status, p.Status)
		require.Equal(t, code, p.Code, p.Detail)
		return p
	}
	key := modelstest.Name("create")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a, "Idempotency-Key", key))
	refused(alice, "POST", "/api/v1/actions", merge(newAction("alice"), "title", "Another request"), http.StatusUnprocessableEntity,
		"idempotency_key_reused", "Idempotency-Key", key)
	path := "/api/v1/actions/" + a.ID

	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", handoverBody, nil))
	refused(alice, "POST", path+"/handover", merge(handoverBody, "to_id", "erin"), http.StatusConflict, "handover_pending")
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover/withdraw", map[string]any{"reason": "the guest asked for me"}, nil))
	refused(bob, "POST", path+"/accept", map[string]any{"summary": "2pm checkout, tell housekeeping"}, http.StatusConflict, "handover_ended")

	noteKey := modelstest.Name("note")
	require.Equal(t, http.StatusCreated, alice.call("POST", path+"/notes", map[string]any{"text": "guest called"}, nil, "Idempotency-Key", noteKey))
	refused(alice, "POST", path+"/notes", map[string]any{"text": "guest called again"}, http.StatusUnprocessableEntity,
		"idempotency_key_reused", "Idempotency-Key", noteKey)
	refused(alice, "POST", path+"/notes", map[string]any{"text": "for the first version"}, http.StatusPreconditionFailed,
		"version_mismatch", "If-Match", `"1"`)
	// The refusal names the version the action is at as its ETag, for the decision taken again.
	var now action
	require.Equal(t, http.StatusOK, alice.call("GET", path+"?consistent=true", nil, &now))
	req := authorized(t, "POST", st.URL+path+"/notes", "alice")
	req.Body = io.NopCloser(strings.NewReader(`{"text": "for the first version"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", `"1"`)
	resp, err := contractClient(t).Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	require.Equal(t, fmt.Sprintf("%q", fmt.Sprint(now.Version)), resp.Header.Get("ETag"))

	refused(root, "POST", "/api/v1/staff", map[string]any{"id": "alice", "name": "Alice Again", "role": "agent", "team_id": "frontdesk"},
		http.StatusConflict, "already_exists")
	refused(caller{t: t, base: st.URL}, "GET", path, nil, http.StatusUnauthorized, "unauthorized")
	refused(alice, "GET", "/api/v1/actions/"+uuid.NewString(), nil, http.StatusNotFound, "not_found")
	refused(alice, "GET", "/api/v1/no-such-route", nil, http.StatusNotFound, "not_found")
	refused(bob, "POST", path+"/cancel", map[string]any{"reason": "not mine"}, http.StatusForbidden, "forbidden")
}

// Two supervisors deciding on one action at once: each sends the version they saw (If-Match, the
// ETag of its GET and of every command's answer); the second is refused with 412, saying how it
// stands now, and changes nothing, rather than overturning the first unseen. Sent again for the
// version it names, it applies; a retry of an applied command is answered as it was.
func testDecisionsOnAVersion(t *testing.T, st *app.Stack) {
	alice, carol := as(t, st, "alice"), as(t, st, "carol")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID
	etag := func(resp *http.Response) string {
		require.NotEmpty(t, resp.Header.Get("ETag"))
		return resp.Header.Get("ETag")
	}
	resp, err := http.DefaultClient.Do(authorized(t, "GET", st.URL+path, "alice"))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	seen := etag(resp)
	require.Equal(t, fmt.Sprintf("%q", fmt.Sprint(a.Version)), seen)

	var first, refused action
	require.Equal(t, http.StatusOK, carol.call("POST", path+"/reassign", map[string]any{"to_id": "bob", "reason": "bob knows the guest"}, &first, "If-Match", seen))
	require.Equal(t, "bob", first.OwnerID)
	var p problem
	require.Equal(t, http.StatusPreconditionFailed, carol.call("POST", path+"/reassign", map[string]any{"to_id": "erin", "reason": "erin is free"}, &p, "If-Match", seen))
	require.Contains(t, p.Detail, fmt.Sprintf("it is at version %d, Bob Brown owns it, assigned", first.Version))
	require.Equal(t, http.StatusOK, alice.call("GET", path, nil, &refused))
	require.Equal(t, "bob", refused.OwnerID, "the refused decision changed nothing")
	require.Equal(t, first.Version, refused.Version)

	now := fmt.Sprintf("%q", fmt.Sprint(first.Version))
	key := modelstest.Name("reassign")
	var second, retry action
	require.Equal(t, http.StatusOK, carol.call("POST", path+"/reassign", map[string]any{"to_id": "erin", "reason": "erin is free"}, &second, "If-Match", now, "Idempotency-Key", key))
	require.Equal(t, "erin", second.OwnerID)
	require.Equal(t, http.StatusOK, carol.call("POST", path+"/reassign", map[string]any{"to_id": "erin", "reason": "erin is free"}, &retry, "If-Match", now, "Idempotency-Key", key))
	require.Equal(t, second.Version, retry.Version, "the retry is the first answer")

	// "*" asks for no version; anything but one ETag is refused before it is sent.
	require.Equal(t, http.StatusCreated, alice.call("POST", path+"/notes", map[string]any{"text": "any version"}, nil, "If-Match", "*"))
	for _, bad := range []string{"7", `W/"7"`, `"0"`, `"x"`, `"1", "2"`} {
		p = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path+"/notes", map[string]any{"text": "bad"}, &p, "If-Match", bad), bad)
		require.Equal(t, "If-Match", p.Errors[0].Field, bad)
	}
}

// authorized is a request as the demo user id.
func authorized(t *testing.T, method, url, id string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+app.DemoToken(id))
	return req
}

// A command refused because the action changed hands after the API read it (alice completes what
// bob accepted a moment before) is a conflict that says how the action stands now, not a refusal
// of alice's rights, nor a bare "not in this state"; the same refusal of an action that has not
// changed is still 403.
func testRefusedAfterChangingHands(t *testing.T, st *app.Stack) {
	alice, bob, erin := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "erin")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "I confirm the 2pm checkout"}, &a))
	require.Equal(t, "bob", a.OwnerID)
	// The read model as alice's request found it a moment before bob accepted: hers, assigned.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET owner_id = ?, status = ?, pending_handover_id = ?, version = ? WHERE id = ?",
		"alice", "assigned", "", a.Version-2, a.ID).Error)
	var p problem
	require.Equal(t, http.StatusConflict, alice.call("POST", path+"/complete", map[string]any{"outcome": "done"}, &p))
	require.Contains(t, p.Detail, "the action changed while your request was on its way (it is now assigned, owned by Bob Brown); look at it again")
	require.Equal(t, "changed_meanwhile", p.Code, "a program reads the action again rather than the detail")

	// The same for a refusal of the action's state (409): bob accepts again what the read model
	// still shows waiting for him, and is told that it is his already.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET owner_id = ?, status = ?, pending_handover_id = ?, version = ? WHERE id = ?",
		"alice", "handover_pending", "h1", a.Version-1, a.ID).Error)
	p = problem{}
	require.Equal(t, http.StatusConflict, bob.call("POST", path+"/accept", map[string]any{"summary": "I confirm the 2pm checkout"}, &p))
	require.Contains(t, p.Detail, "(it is now assigned, owned by Bob Brown); look at it again")
	// erin held it neither as the read model still shows it nor now: her refusal stands (403).
	p = problem{}
	require.Equal(t, http.StatusForbidden, erin.call("POST", path+"/complete", map[string]any{"outcome": "done"}, &p))
	require.NotContains(t, p.Detail, "changed while")

	// bob's note writes the read model as it is; erin, who never held it, is refused as before.
	require.Equal(t, http.StatusCreated, bob.call("POST", path+"/notes", map[string]any{"text": "housekeeping told"}, nil))
	p = problem{}
	require.Equal(t, http.StatusForbidden, erin.call("POST", path+"/complete", map[string]any{"outcome": "done"}, &p))
	require.NotContains(t, p.Detail, "changed while")
	var now action
	require.Equal(t, http.StatusOK, alice.call("GET", path, nil, &now))
	require.Equal(t, []any{"bob", "assigned", a.Version + 1}, []any{now.OwnerID, now.Status, now.Version}, "nothing else changed")

	// A right lost to a change of state, not of hands: bob's pause of his own action, sent as it
	// was escalated a moment before (which leaves pausing to the supervisors), is told that it
	// changed, not that he may not.
	require.Equal(t, http.StatusOK, as(t, st, "carol").call("POST", path+"/escalate", map[string]any{"reason": "the guest complained"}, &now))
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET status = ?, escalation_level = ?, version = ? WHERE id = ?",
		"assigned", 0, now.Version-1, a.ID).Error)
	p = problem{}
	require.Equal(t, http.StatusConflict, bob.call("POST", path+"/pause", map[string]any{"reason": "waiting for the guest"}, &p))
	require.Equal(t, "changed_meanwhile", p.Code, p.Detail)
	require.Contains(t, p.Detail, "(it is now escalated, owned by Bob Brown); look at it again")
}

// Another team's member sees none of this team's actions: 404 exactly as for an unknown ID.
func testOtherTeamScope(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	team, person := modelstest.Name("kitchen"), modelstest.Name("kim")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Kitchen"}, nil))
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": person, "name": "Kim", "role": "supervisor", "team_id": team, "authority": 3}, nil))
	var p problem
	require.Equal(t, http.StatusConflict, root.call("POST", "/api/v1/staff", map[string]any{"id": person, "name": "Kim", "role": "agent", "team_id": team}, &p))
	require.Contains(t, p.Detail, `there is already a member of staff "`+person+`"`)
	kimBody := map[string]any{"id": person, "name": "Kim", "role": "supervisor", "team_id": team, "authority": 3}
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", kimBody, nil, "Idempotency-Key", "k-"+person), "a retry of the same request")
	require.Equal(t, http.StatusConflict, root.call("POST", "/api/v1/staff", merge(kimBody, "authority", 1), &p, "Idempotency-Key", "k-"+person))
	token, err := st.Store.IssueToken(context.Background(), "test-admin", person, "test")
	require.NoError(t, err)
	kim := caller{t: t, base: st.URL, token: token}

	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusNotFound, kim.call("GET", "/api/v1/actions/"+a.ID, nil, &p))
	require.Equal(t, http.StatusNotFound, kim.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &p))
	require.Equal(t, http.StatusNotFound, kim.call("POST", "/api/v1/actions/"+a.ID+"/cancel", map[string]any{"reason": "x"}, &p))
	var page struct {
		Items []action `json:"items"`
	}
	require.Equal(t, http.StatusNotFound, kim.call("GET", "/api/v1/actions?team_id=frontdesk", nil, &p), "another team's list is out of scope, as its actions are")
	require.Equal(t, `there is no team "frontdesk" among yours: you see your own team's`, p.Detail)
	require.Equal(t, http.StatusOK, kim.call("GET", "/api/v1/actions?team_id="+team, nil, &page), "their own team")
	require.Empty(t, page.Items)
	require.Equal(t, http.StatusNotFound, root.call("GET", "/api/v1/actions?team_id=no-such-team", nil, &p), "a team that does not exist, for one who sees every team")
	require.Equal(t, `there is no team "no-such-team"`, p.Detail)
	require.Equal(t, http.StatusUnprocessableEntity, kim.call("POST", "/api/v1/actions", merge(without(newAction(""), "owner_id"), "team_id", "frontdesk"), &p), "a field of the body, as the README says")
	require.Equal(t, "team_id", p.Errors[0].Field)
	require.Contains(t, p.Detail, "you cannot create actions for team frontdesk, only for your own")
	require.Equal(t, http.StatusUnprocessableEntity, kim.call("POST", "/api/v1/actions", newAction("alice"), &p), "nor for another team's person")
	require.Equal(t, "owner_id", p.Errors[0].Field)

	// An administrator issues a token and revokes every one of a person's; a label is at most 200
	// characters, and a person must exist.
	var issued struct {
		StaffID string `json:"staff_id"`
		Label   string `json:"label"`
		Token   string `json:"token"`
	}
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{"label": "kitchen tablet"}, &issued))
	require.Equal(t, person, issued.StaffID)
	require.Equal(t, "kitchen tablet", issued.Label)
	require.True(t, strings.HasPrefix(issued.Token, "hov_"), issued.Token)
	var me struct{ ID string }
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL, token: issued.Token}.call("GET", "/api/v1/me", nil, &me))
	require.Equal(t, person, me.ID)
	require.Equal(t, http.StatusUnprocessableEntity, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{"label": strings.Repeat("x", 201)}, &p))
	require.Equal(t, "label", p.Errors[0].Field)
	require.Equal(t, http.StatusNotFound, root.call("POST", "/api/v1/staff/nobody/tokens", nil, &p))
	var revoked struct {
		StaffID string `json:"staff_id"`
		Revoked int    `json:"revoked"`
		Label   string `json:"label"`
	}

	// A token changed without a gap: a new one with a new label is issued and put in use, then the
	// old one is revoked by its label, and only it stops working.
	tablet := issued.Token
	require.Equal(t, http.StatusUnprocessableEntity, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{"label": "kitchen\ntablet"}, &p), "one line")
	require.Equal(t, "label", p.Errors[0].Field)
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{"label": "  kitchen tablet 2 "}, &issued))
	require.Equal(t, "kitchen tablet 2", issued.Label, "the spaces around it dropped")
	var live struct {
		StaffID string `json:"staff_id"`
		Items   []struct {
			Label     string    `json:"label"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, root.call("GET", "/api/v1/staff/"+person+"/tokens", nil, &live))
	var labels []string
	for _, it := range live.Items {
		labels = append(labels, it.Label)
		require.False(t, it.CreatedAt.IsZero())
	}
	require.Equal(t, []string{"test", "kitchen tablet", "kitchen tablet 2"}, labels, "oldest first, by label only")
	require.Equal(t, http.StatusForbidden, kim.call("GET", "/api/v1/staff/"+person+"/tokens", nil, &p), "administrators only")
	require.Equal(t, http.StatusNotFound, root.call("DELETE", "/api/v1/staff/"+person+"/tokens?label=kitchen+tablet+1", nil, &p))
	require.Equal(t, `no live token of `+person+` is labelled "kitchen tablet 1": nothing revoked (their labels: "test", "kitchen tablet", "kitchen tablet 2")`, p.Detail)
	require.Equal(t, http.StatusUnprocessableEntity, root.call("DELETE", "/api/v1/staff/"+person+"/tokens?lable=kitchen+tablet", nil, &p), "a misspelt parameter revokes nothing")
	require.Equal(t, "lable", p.Errors[0].Field)
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL, token: tablet}.call("GET", "/api/v1/me", nil, &me), "nothing was revoked")
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/staff/"+person+"/tokens?label=kitchen+tablet", nil, &revoked))
	require.Equal(t, 1, revoked.Revoked)
	require.Equal(t, "kitchen tablet", revoked.Label)
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: tablet}.call("GET", "/api/v1/me", nil, &p), "the old one is revoked")
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL, token: issued.Token}.call("GET", "/api/v1/me", nil, &me), "the new one works")
	require.Equal(t, http.StatusOK, kim.call("GET", "/api/v1/me", nil, &me), "and so does every other")
	trail, _, err := st.Store.AuditTrail(context.Background(), models.AuditFilter{Kind: models.AuditTokensRevoked, Subject: person, Limit: 1})
	require.NoError(t, err)
	require.JSONEq(t, `{"label": "kitchen tablet", "revoked": 1}`, trail[0].Detail)

	// One issued without a label is revoked by the empty label.
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{}, &issued))
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/staff/"+person+"/tokens?label=", nil, &revoked))
	require.Equal(t, 1, revoked.Revoked)
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: issued.Token}.call("GET", "/api/v1/me", nil, &p))
	require.Equal(t, http.StatusUnprocessableEntity, root.call("DELETE", "/api/v1/staff/"+person+"/tokens?label=a&label=b", nil, &p), "one label at a time")

	revoked.Label = ""
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/staff/"+person+"/tokens", nil, &revoked))
	require.Equal(t, 2, revoked.Revoked, "the test's token and the new one")
	require.Empty(t, revoked.Label)
	require.Equal(t, http.StatusUnauthorized, kim.call("GET", "/api/v1/me", nil, &p))
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: issued.Token}.call("GET", "/api/v1/me", nil, &p))
	token, err = st.Store.IssueToken(context.Background(), "test-admin", person, "test")
	require.NoError(t, err)
	kim = caller{t: t, base: st.URL, token: token}

	// Deactivating a person stops their token at once, for good: made active again, they need a
	// new one (a token that leaked meanwhile does not come back with them).
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+person, map[string]any{"active": false}, nil))
	require.Equal(t, http.StatusUnauthorized, kim.call("GET", "/api/v1/me", nil, &p))
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+person, map[string]any{"active": true}, nil))
	require.Equal(t, http.StatusUnauthorized, kim.call("GET", "/api/v1/me", nil, &p), "the old token stays revoked")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff/"+person+"/tokens", map[string]any{"label": "back"}, &issued))
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL, token: issued.Token}.call("GET", "/api/v1/me", nil, &me), "a new one works")
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+person, map[string]any{"active": false}, nil))
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PATCH", "/api/v1/staff/"+person, map[string]any{"team_id": "nowhere"}, &p))
	require.Equal(t, http.StatusNotFound, root.call("PATCH", "/api/v1/staff/nobody", map[string]any{"active": false}, &p))
	require.Equal(t, `no member of staff "nobody"`, p.Detail)
	require.Equal(t, http.StatusConflict, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Kitchen"}, &p))
	require.Equal(t, `there is already a team "`+team+`"`, p.Detail)
}

// Pages stay stable while actions are created between them.
func testPagingWithInserts(t *testing.T, st *app.Stack) {
	erin := as(t, st, "erin")
	ref := modelstest.Name("paging")
	create := func() string {
		var a action
		body := newAction("erin")
		body["customer"] = map[string]any{"ref": ref}
		require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", body, &a))
		return a.ID
	}
	var before []string
	for range 4 {
		before = append(before, create())
	}
	type page struct {
		Items      []action `json:"items"`
		NextCursor *string  `json:"next_cursor"`
	}
	var p1, p2 page
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?limit=2&customer_ref="+ref, nil, &p1))
	create() // newer than every listed action: it must not push one from page 1 into page 2
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?limit=2&customer_ref="+ref+"&cursor="+*p1.NextCursor, nil, &p2))
	got := []string{p1.Items[0].ID, p1.Items[1].ID, p2.Items[0].ID, p2.Items[1].ID}
	require.Equal(t, []string{before[3], before[2], before[1], before[0]}, got)
	var prob problem
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?cursor=garbage", nil, &prob))
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?escalated=maybe", nil, &prob))
}

// Many commands on one action at once (sixteen people adding notes) are each applied once, and
// the timeline holds each once, in the workflow's order: past Temporal's limit of Updates in
// flight per workflow the refusal aborted the others and threw away the task taking them, whose
// projection had written its own order (a note shown twice, another lost), and the action stalled.
func testManyCommandsOnOneAction(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	const senders, each = 16, 10
	statuses := make(chan int, senders*each)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				body := fmt.Sprintf(`{"text": "note %d-%d"}`, i, j)
				req, err := http.NewRequest("POST", st.URL+"/api/v1/actions/"+a.ID+"/notes", strings.NewReader(body))
				if err != nil {
					statuses <- 0
					continue
				}
				req.Header.Set("Authorization", "Bearer "+app.DemoToken("alice"))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d-%d", a.ID, i, j))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					statuses <- 0
					continue
				}
				_ = resp.Body.Close()
				statuses <- resp.StatusCode
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for status := range statuses {
		require.Equal(t, http.StatusCreated, status)
	}
	var now action
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &now))
	require.EqualValues(t, 1+senders*each, now.Version)
	require.Eventually(t, func() bool {
		var row action
		return alice.call("GET", "/api/v1/actions/"+a.ID, nil, &row) == http.StatusOK && row.Version == now.Version
	}, 10*time.Second, 20*time.Millisecond)
	seen := map[string]int{}
	for _, e := range timelineOf(t, alice, a.ID)[1:] {
		require.Equal(t, "note_added", e.Type)
		seen[fmt.Sprint(e.Data["text"])]++
	}
	require.Len(t, seen, senders*each, "every note once: none lost, none shown twice")
	for text, n := range seen {
		require.Equal(t, 1, n, text)
	}
}
