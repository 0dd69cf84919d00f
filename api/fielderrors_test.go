package api

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Each field's error is tied to the field before it among its siblings (not a hidden input), as a
// screen reader needs without JavaScript; a field with help keeps it, and reads its errors after.
func TestTieFieldErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ page, want string }{
		"no error": {
			`<form><input id="a" name="a"></form>`,
			`<form><input id="a" name="a"></form>`,
		},
		"an input": {
			`<label for="a">A</label><input id="a" name="a" required>` + "\n" + `<span class="field-error">is required</span>`,
			`<label for="a">A</label><input id="a" name="a" required aria-invalid="true" aria-describedby="field-error-s1">` + "\n" + `<span class="field-error" id="field-error-s1">is required</span>`,
		},
		"a field with help, and two errors": {
			`<select id="to" aria-describedby="to-help"><option value="">Choose</option></select><span class="field-error">is required</span><span class="field-error">or route</span>`,
			`<select id="to" aria-describedby="to-help field-error-s1 field-error-s2" aria-invalid="true"><option value="">Choose</option></select><span class="field-error" id="field-error-s1">is required</span><span class="field-error" id="field-error-s2">or route</span>`,
		},
		"a text area holding markup": {
			`<textarea id="n" name="n">&lt;span class="field-error"&gt;</textarea><span class="field-error">too long</span>`,
			`<textarea id="n" name="n" aria-invalid="true" aria-describedby="field-error-s1">&lt;span class="field-error"&gt;</textarea><span class="field-error" id="field-error-s1">too long</span>`,
		},
		"a hidden input between": {
			`<input id="at" name="at_local"><input type="hidden" name="at" value=""><small>UTC</small><span class="field-error">must be in the future</span>`,
			`<input id="at" name="at_local" aria-invalid="true" aria-describedby="field-error-s1"><input type="hidden" name="at" value=""><small>UTC</small><span class="field-error" id="field-error-s1">must be in the future</span>`,
		},
		"a field of another parent": {
			`<div><input id="a"></div><span class="field-error">no field of its own</span>`,
			`<div><input id="a"></div><span class="field-error">no field of its own</span>`,
		},
		"a value typed that looks like the attribute": {
			`<input id="v" name="v" value=" aria-invalid=x"><span class="field-error">too long</span>`,
			`<input id="v" name="v" value=" aria-invalid=x" aria-invalid="true" aria-describedby="field-error-s1"><span class="field-error" id="field-error-s1">too long</span>`,
		},
		"one tied by its template": {
			`<input id="r" aria-invalid="true" aria-describedby="r-error"><span class="field-error" id="r-error">choose one</span>`,
			`<input id="r" aria-invalid="true" aria-describedby="r-error"><span class="field-error" id="r-error">choose one</span>`,
		},
	} {
		require.Equal(t, tc.want, string(tieFieldErrors([]byte(tc.page))), name)
	}
}
