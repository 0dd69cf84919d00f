package api

import (
	"reflect"
	"testing"
)

// A post-sign-in destination stays on this site, whatever a browser would make of it.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/inbox":                  "/inbox",
		"/actions/1?tab=timeline": "/actions/1?tab=timeline",
		"":                        "/",
		"inbox":                   "/",
		"//evil.example/":         "/",
		"/\\evil.example/":        "/",
		"/\t/evil.example/path":   "/",
		"/\n/evil.example":        "/",
		"https://evil.example/":   "/",
		"/%09/evil.example":       "/%09/evil.example", // stays a path of this site: browsers do not decode it into a tab
		"javascript:alert(1)":     "/",
		"/ok\x7f":                 "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// nulField finds a NUL wherever encoding/json could have put one, and names the field as the
// client wrote it.
func TestNulField(t *testing.T) {
	type inner struct {
		Text string `json:"text"`
	}
	type req struct {
		inner
		Named  inner             `json:"named"`
		Ptr    *inner            `json:"ptr"`
		List   []string          `json:"list"`
		Fields map[string]string `json:"fields"`
		Any    any               `json:"any"`
		Skip   string            `json:"-"`
	}
	for want, r := range map[string]req{
		"text":         {inner: inner{Text: "a\x00"}},
		"named.text":   {Named: inner{Text: "\x00"}},
		"ptr.text":     {Ptr: &inner{Text: "\x00"}},
		"list[1]":      {List: []string{"ok", "\x00"}},
		"fields.k":     {Fields: map[string]string{"k": "\x00"}},
		"fields.k\x00": {Fields: map[string]string{"k\x00": "v"}},
		"any.x":        {Any: map[string]any{"x": "\x00"}},
	} {
		got, ok := nulField(reflect.ValueOf(&r), "")
		if !ok || got != want {
			t.Errorf("nulField = %q, %v; want %q", got, ok, want)
		}
	}
	if got, ok := nulField(reflect.ValueOf(&req{Skip: "\x00", List: []string{"fine"}}), ""); ok {
		t.Errorf("nulField found %q in a request without a NUL the client could send", got)
	}
}
