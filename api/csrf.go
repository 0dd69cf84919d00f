package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
)

// maskCSRF is the session's CSRF token as one page carries it: a pad drawn for the page, then the
// token XORed with it. No two pages carry the same bytes, so a compressed page's size tells a site
// that makes the browser load it with a guess in the address nothing about the token (BREACH).
func maskCSRF(token string) string {
	out := make([]byte, 2*len(token))
	pad, masked := out[:len(token)], out[len(token):]
	if _, err := rand.Read(pad); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range masked {
		masked[i] = pad[i] ^ token[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// csrfMatches tells whether got, as a page sent it back (maskCSRF), is the session's token want.
func csrfMatches(want, got string) bool {
	b, err := base64.RawURLEncoding.DecodeString(got)
	if want == "" || err != nil || len(b) != 2*len(want) {
		return false
	}
	pad, masked := b[:len(want)], b[len(want):]
	for i := range masked {
		masked[i] ^= pad[i]
	}
	return subtle.ConstantTimeCompare([]byte(want), masked) == 1
}
