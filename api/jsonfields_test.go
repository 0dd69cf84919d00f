package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// Every unknown key and every value of the wrong type in a body is named, by its full path, in
// key order: encoding/json alone stops at the first and names an unknown key without its parents.
func TestDecodeBodyListsEveryProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		dst  any
		body string
		want []string
	}{
		{"three mistakes", &createActionRequest{}, `{"title":"x","customer":{"ref":"G-1","email":"x"},"priority":5,"colour":"red"}`,
			[]string{"colour: is not a known field", "customer.email: is not a known field", "priority: must be a string"}},
		{"a nested unknown field", &handoverRequest{}, `{"notes":{"summary":"s","mood":"calm"}}`,
			[]string{"notes.mood: is not a known field"}},
		{"nested values of the wrong type", &handoverRequest{}, `{"notes":{"summary":{"a":1},"fields":{"amount":2,"ok":"x"}}}`,
			[]string{"notes.fields.amount: must be a string", "notes.summary: must be a string"}},
		{"list items", &policyRequest{}, `{"required_fields":["amount",1,true]}`,
			[]string{"required_fields[1]: must be a string", "required_fields[2]: must be a string"}},
		{"fields of list items", &calendarRequest{}, `{"time_zone":"UTC","hours":[{"day":"mon","open":"08:00","close":"18:00"},{"day":"tue","opens":"08:00"}]}`,
			[]string{"hours[1].opens: is not a known field"}},
		{"an object where a list goes", &calendarRequest{}, `{"hours":{"day":"mon"},"holidays":"2026-12-25"}`,
			[]string{"holidays: must be a list", "hours: must be a list"}},
		{"text where an object goes", &handoverRequest{}, `{"notes":"call back"}`,
			[]string{"notes: must be a JSON object"}},
		{"numbers and booleans", &staffRequest{}, `{"authority":"3","on_shift":"yes"}`,
			[]string{"authority: must be a whole number", "on_shift: must be a boolean"}},
		{"not a whole number", &feedbackRequest{}, `{"rating":2.5,"comment":"ok"}`,
			[]string{"rating: must be a whole number"}},
		{"a whole number too large", &feedbackRequest{}, `{"rating":1e400}`,
			[]string{"rating: must be a whole number"}},
		{"a key given twice", &handoverRequest{}, `{"to_id":"bob","reason":"r","to_id":"erin"}`,
			[]string{"to_id: is given more than once"}},
		{"a field given twice in two cases", &handoverRequest{}, `{"to_id":"bob","TO_ID":"erin"}`,
			[]string{"TO_ID: is given more than once"}},
		{"nested and in list items", &calendarRequest{}, `{"time_zone":"UTC","hours":[{"day":"mon","open":"08:00","close":"18:00","open":"09:00"}]}`,
			[]string{"hours[0].open: is given more than once"}},
		{"map keys are compared as they are", &handoverRequest{}, `{"notes":{"summary":"s","fields":{"Room":"1","room":"2","room":"3"}}}`,
			[]string{"notes.fields.room: is given more than once"}},
		{"a repeat beside a mistake", &createActionRequest{}, `{"title":"x","title":"y","colour":"red"}`,
			[]string{"colour: is not a known field", "title: is given more than once"}},
		{"a correct body", &createActionRequest{}, `{"title":"x","customer":{"ref":"G-1","name":"A"},"priority":"high","required_authority":2}`, nil},
		{"names in another case, as encoding/json takes them", &createActionRequest{}, `{"Title":"x","CUSTOMER":{"Ref":"G-1"}}`, nil},
		{"nulls", &handoverRequest{}, `{"notes":null,"to_id":null}`, nil},
		{"an empty body", &createActionRequest{}, ``, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			problems, err := decodeBody([]byte(tc.body), tc.dst)
			require.NoError(t, err)
			var got []string
			for _, p := range problems {
				got = append(got, p.Field+": "+p.Message)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// What is right in a body with mistakes is decoded, for its own rules to be checked.
func TestDecodeBodyKeepsTheRest(t *testing.T) {
	t.Parallel()
	var req createActionRequest
	problems, err := decodeBody([]byte(`{"title":"Late checkout","customer":{"ref":"G-1","email":"x"},"priority":5}`), &req)
	require.NoError(t, err)
	require.Len(t, problems, 2)
	require.Equal(t, "Late checkout", req.Title)
	require.Equal(t, "G-1", req.Customer.Ref)
}

// A body that is not one JSON object is refused whole (400), as before.
func TestDecodeBodyMalformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"title": "x",`, `[1, 2]`, `"x"`, `{} {}`, `{"a":1} x`, `null`, ` null `, `null null`, `null {}`} {
		_, err := decodeBody([]byte(body), &createActionRequest{})
		ae, ok := classify(err)
		require.True(t, ok, body)
		require.Equal(t, kindMalformed, ae.kind, body)
	}
}

// A body of many mistakes is answered with a bounded list.
func TestDecodeBodyBoundsTheList(t *testing.T) {
	t.Parallel()
	body := `{"required_fields":[` + strings.Repeat("1,", 5000) + `1]}`
	problems, err := decodeBody([]byte(body), &policyRequest{})
	require.NoError(t, err)
	require.Len(t, problems, maxBodyProblems)
	require.Equal(t, "required_fields[0]", problems[0].Field)
}

// One 422 names the body's unknown and mistyped fields with what the request's rules find in the
// fields that did decode, each field once, in the order the body declares them (the order its
// form asks for them), an unknown field last.
func TestDecodeListsBodyAndRuleProblems(t *testing.T) {
	t.Parallel()
	d := newDecoder()
	decode := func(body string, dst any) (int, []string, string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		err := d.decode(c, dst)
		if err == nil {
			return http.StatusOK, nil, ""
		}
		ae, ok := classify(err)
		require.True(t, ok, err)
		var fields []string
		for _, f := range ae.fields {
			fields = append(fields, f.Field)
		}
		return statusOfKind[ae.kind], fields, ae.detail
	}

	status, fields, detail := decode(`{"category":"request","owner_id":"alice","due_in":"4h","customer":{"email":"x"},"priority":1}`, &createActionRequest{})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, []string{"title", "customer.email", "priority"}, fields, detail)
	require.Equal(t, "title: is required; customer.email: is not a known field; priority: must be a string", detail)

	// A value of the wrong type is not also missing, nor are its parts.
	_, _, detail = decode(`{"rating":2.5}`, &feedbackRequest{})
	require.Equal(t, "rating: must be a whole number", detail)
	_, fields, _ = decode(`{"to_id":"bob","reason":"r","method":"phone","situation":"busy","notes":"call back"}`, &handoverRequest{})
	require.Equal(t, []string{"notes"}, fields)

	// A list too long says how many entries it may hold, not characters.
	many := `"` + strings.Repeat(`a","`, 20) + `a"`
	_, _, detail = decode(`{"required_fields":[`+many+`]}`, &policyRequest{})
	require.Contains(t, detail, "required_fields: must hold at most 20 entries")
	_, _, detail = decode(`{"title":"`+strings.Repeat("x", 201)+`","category":"request"}`, &createActionRequest{})
	require.Contains(t, detail, "title: must be at most 200 characters")

	// A NUL is named with the rest of the body's mistakes, those the rules find too.
	_, fields, _ = decode(`{"title":"a\u0000","colour":"red"}`, &createActionRequest{})
	require.Equal(t, []string{"title", "category", "due_in", "colour"}, fields)
	_, fields, detail = decode(`{"title":"x\u0000","category":"BAD CAT","priority":"zzz","due_in":"1h"}`, &createActionRequest{})
	require.Equal(t, []string{"title", "category", "priority"}, fields, detail)

	// A PATCH changes the fields it sends: one sent as null is refused, not read as left out.
	status, fields, detail = decode(`{"team_id":null,"name":"Kim","active":null}`, &staffPatch{})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, []string{"team_id", "active"}, fields, detail)
	require.Contains(t, detail, "team_id: must not be null: leave the field out to keep its value")
	_, fields, _ = decode(`{"name":null,"colour":null}`, &teamPatch{})
	require.Equal(t, []string{"name", "colour"}, fields, "an unknown field is named once, as unknown, and last")
	status, _, _ = decode(`{"name":"Front desk"}`, &teamPatch{})
	require.Equal(t, http.StatusOK, status)

	// Control characters and direction overrides are refused wherever they are; tabs, line breaks
	// and the marks of right-to-left text are not. Text of invisible characters alone is blank.
	for _, bad := range []string{`a\u0001b`, `\u001b[31mred`, `\u202egnp.exe`, `a\u0085b`, `a\u007fb`} {
		_, fields, detail = decode(`{"title":"Late checkout","category":"request","owner_id":"alice","due_in":"4h","details":"`+bad+`"}`, &createActionRequest{})
		require.Equal(t, []string{"details"}, fields, bad)
		require.Equal(t, "details: must not contain control characters (tabs and line breaks are fine) or text direction overrides", detail, bad)
	}
	_, fields, _ = decode(`{"title":"\u200b\u200b","category":"request","owner_id":"alice","due_in":"4h","customer":{"name":"A\u0007"}}`, &createActionRequest{})
	require.Equal(t, []string{"title", "customer.name"}, fields)
	// So is a handover's summary, a told note and a check's outcome of them alone: zero-width and
	// joiner characters, a byte order mark, a soft hyphen, a Hangul filler, a blank Braille
	// pattern, a direction mark, a combining grapheme joiner.
	for _, invisible := range []string{`\u200b\u200b`, `\u2060`, `\ufeff`, `\u00ad`, `\u3164`, `\u2800`, `\u200e`, `\u034f`, ` \ufe0f `} {
		_, fields, _ = decode(`{"to_id":"bob","reason":"r","method":"written","situation":"routine","notes":{"summary":"`+invisible+`"}}`, &handoverRequest{})
		require.Equal(t, []string{"notes.summary"}, fields, invisible)
		for _, outcome := range []string{"not_needed", "undo"} {
			_, fields, _ = decode(`{"message_seq":4,"outcome":"`+outcome+`","note":"`+invisible+`"}`, &toldRequest{})
			require.Equal(t, []string{"note"}, fields, invisible)
		}
		_, fields, _ = decode(`{"result":"done","notes":"`+invisible+`"}`, &checkRequest{})
		require.Equal(t, []string{"notes"}, fields, invisible)
	}
	status, _, _ = decode(`{"result":"done","notes":"Taxi booked \u200bfor 6am"}`, &checkRequest{})
	require.Equal(t, http.StatusOK, status, "invisible characters among words are the text's own")
	status, _, _ = decode(`{"title":"غرفة \u200f214\u2067 x\u2069","category":"request","owner_id":"alice","due_in":"4h","details":"line one\r\n\tline two"}`, &createActionRequest{})
	require.Equal(t, http.StatusOK, status)

	status, _, _ = decode(`{"title":`, &createActionRequest{})
	require.Equal(t, http.StatusBadRequest, status)
	status, _, _ = decode(`{"details":"`+strings.Repeat("x", maxBodyBytes)+`"}`, &createActionRequest{})
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	status, _, _ = decode(`{"title":"Late checkout","category":"request","owner_id":"alice","due_in":"4h"}`, &createActionRequest{})
	require.Equal(t, http.StatusOK, status)
}

// A read-back says what the recipient takes on: a bare "ok" is refused, words are counted across
// scripts written with and without spaces.
func TestReadBackWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		summary string
		words   int
		refused bool
	}{
		{"ok", 1, true},
		{"Understood, thanks", 2, true},
		{"I call the guest back at 2pm", 7, false},
		{"  2pm   checkout,\nhousekeeping ", 3, false},
		{"我会回电", 4, false},
		{"了解", 2, true},
		{"ゲストに電話します", 9, false},
		{"   .   .   .  ", 0, true},
		{"ok - - -> !!", 1, true},
		{"room 214: 2pm", 3, false},
		{"ok ok ok", 1, true},
		{"OK, ok. Ok!", 1, true},
		{"the guest, the room, the taxi", 4, false},
		{"了解了解", 2, true},
	} {
		require.Equal(t, tc.words, readBackWords(tc.summary), tc.summary)
		problems := (&acceptRequest{Summary: tc.summary}).checkFields()
		require.Equal(t, tc.refused, len(problems) > 0, tc.summary)
		if tc.refused {
			require.Equal(t, "summary", problems[0].Field)
			require.Contains(t, problems[0].Message, "at least 3 different words")
		}
	}
}

// A pause without an end hashes as it did before a pause could have one: a retry with the same
// Idempotency-Key across the upgrade gets its first answer back, not a refusal of the key.
func TestPauseWithoutAnEndHashesAsBefore(t *testing.T) {
	t.Parallel()
	now, err := requestBytes(workflows.UpdatePause, pauseRequest{Reason: "waiting on the guest"})
	require.NoError(t, err)
	before, err := requestBytes(workflows.UpdatePause, reasonRequest{Reason: "waiting on the guest"})
	require.NoError(t, err)
	require.Equal(t, string(before), string(now))
	ended, err := requestBytes(workflows.UpdatePause, pauseRequest{Reason: "waiting on the guest", ResumeIn: "2h"})
	require.NoError(t, err)
	require.NotEqual(t, string(before), string(ended), "an end is part of what is asked")
}
