package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// GET /actions?q= finds the actions in the caller's scope whose title, details or customer
// reference hold the text; the find page shows them, open ones by default, a page at a time.
func TestFindActionsByText(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.put("late", "desk", "assigned", "ann", 30, 0)      // "Action late-0000" ...
		u.put("done", "desk", "completed", "ann", 2, 0)      // "Action done-0000" ...
		u.put("kitchen", "kitchen", "assigned", "kim", 2, 0) // another team's
		var list struct {
			Items      []actionJSON `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		require.Equal(t, http.StatusOK, u.call("ann", "/api/v1/actions?q=LATE-00", &list))
		require.Len(t, list.Items, 30, "whatever the case, newest first")
		require.Equal(t, "late-0029", list.Items[0].ID)
		require.Equal(t, http.StatusOK, u.call("ann", "/api/v1/actions?q=kitchen", &list))
		require.Empty(t, list.Items, "another team's actions are out of her scope")
		require.Equal(t, http.StatusOK, u.call("max", "/api/v1/actions?q=kitchen-0001", &list))
		require.Len(t, list.Items, 1, "a manager sees every team")
		for _, bad := range []string{"q=", "q=%20%20", "q=" + strings.Repeat("x", 101), "q=a&q=b", "q=late%1F00", "q=late%0Aroom"} {
			u.refused("ann", "/api/v1/actions?"+bad, "q")
		}

		status, page := u.get("ann", "/find?q=action")
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, findPage, strings.Count(page, `<li class="card`), "a page of the open ones")
		require.NotContains(t, page, "done-0000", "completed ones only when asked")
		require.Contains(t, page, "<span>C-1</span>", "a customer without a name by their reference alone")
		require.Contains(t, page, `<a href="/find?cursor=`)
		status, page = u.get("ann", "/find?q=done&state=completed")
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, 2, strings.Count(page, `<li class="card`))
		status, page = u.get("ann", "/find?q=nowhere")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "No open action holds “nowhere”.")
		status, page = u.get("ann", "/find?q="+strings.Repeat("x", 101))
		require.Equal(t, http.StatusUnprocessableEntity, status, page)
		require.Contains(t, page, `<div class="problem" role="alert">`)
		require.Contains(t, page, `value="`+strings.Repeat("x", 101)+`"`, "the form keeps what was typed")
		status, page = u.get("ann", "/find")
		require.Equal(t, http.StatusOK, status, page)
		require.NotContains(t, page, `<li class="card`, "nothing until something is typed")
		require.Contains(t, page, `<a href="/find" aria-current="page">Find</a>`)
	})
}
