package api

import (
	"html/template"
	"testing"

	"github.com/stretchr/testify/require"
)

// A customer's contact links to a call or an email only when it reads as a telephone number or an
// email address; anything else (a room, a script) is shown as text.
func TestContactHref(t *testing.T) {
	t.Parallel()
	for contact, want := range map[string]template.URL{
		"+44 7700 900123":         "tel:+447700900123",
		"(020) 7946-0018":         "tel:02079460018",
		" ms.patel@example.org ":  "mailto:ms.patel@example.org",
		"Room 214":                "",
		"12":                      "",
		"javascript:alert(1)@x.y": "",
		"a@b@example.org":         "",
		"patel@example.org?cc=x":  "",
		"a,b@example.org":         "",
		"x@":                      "",
		"x@localhost":             "",
		"2030-03-04":              "",
		"12345":                   "",
		"":                        "",
	} {
		require.Equal(t, want, contactHref(contact), "%q", contact)
	}
}
