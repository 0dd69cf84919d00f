package api

import "testing"

// A post-sign-in destination stays on this site, whatever a browser would make of it.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/inbox":                  "/inbox",
		"/actions/1?tab=timeline": "/actions/1?tab=timeline",
		"":                        "/inbox",
		"inbox":                   "/inbox",
		"//evil.example/":         "/inbox",
		"/\\evil.example/":        "/inbox",
		"/\t/evil.example/path":   "/inbox",
		"/\n/evil.example":        "/inbox",
		"https://evil.example/":   "/inbox",
		"/%09/evil.example":       "/%09/evil.example", // stays a path of this site: browsers do not decode it into a tab
		"javascript:alert(1)":     "/inbox",
		"/ok\x7f":                 "/inbox",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
