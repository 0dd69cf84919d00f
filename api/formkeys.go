package api

// The keys a page's forms carry: the session's CSRF token, masked for the page, and the stem of
// their Idempotency-Keys.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/gin-gonic/gin"
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

// idemStem is the length of a page's key stem: randomString's 24 bytes, in base64.
const idemStem = 32

// pageIdem is the stem of the Idempotency-Keys of a page's forms (each form adds its own ending):
// drawn afresh for each page, but kept when the page is drawn again after one of its forms was
// refused or not answered in time. Sending that form again is then the same request, and a
// command whose answer did not come (a worker down, it went through later) is made once, not
// twice; a refused one was not remembered, so the key is free for the form as corrected.
func pageIdem(c *gin.Context) string {
	if c.Request.Method == http.MethodPost && c.Request.PostForm != nil {
		sent := c.Request.PostForm.Get("idem")
		if len(sent) > idemStem && sent[idemStem] == '-' {
			if _, err := base64.RawURLEncoding.DecodeString(sent[:idemStem]); err == nil {
				return sent[:idemStem]
			}
		}
	}
	return randomString()
}
