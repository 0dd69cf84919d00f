package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// forEachUIScale runs the test over a uiScale read model on SQLite, and on PostgreSQL when
// HANDOVER_TEST_POSTGRES_URL is set.
func forEachUIScale(t *testing.T, fn func(t *testing.T, u *uiScale)) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newUIScaleOn(t, b.URL(t)))
		})
	}
}

// apiGet sends a GET to the API with staffID's token; the caller closes the answer's body.
func (u *uiScale) apiGet(staffID, path string) *http.Response {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u.srv.URL+path, nil)
	require.NoError(u.t, err)
	req.Header.Set("Authorization", "Bearer token-"+staffID)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(u.t, err)
	return resp
}

// call sends a GET to the JSON API with staffID's token and decodes the answer into body.
func (u *uiScale) call(staffID, path string, body any) int {
	u.t.Helper()
	resp := u.apiGet(staffID, path)
	defer resp.Body.Close()
	require.NoError(u.t, json.NewDecoder(resp.Body).Decode(body))
	return resp.StatusCode
}

// refused asks for path as staffID and checks that it is refused as invalid, naming field.
func (u *uiScale) refused(staffID, path, field string) {
	u.t.Helper()
	var p problem
	require.Equal(u.t, http.StatusUnprocessableEntity, u.call(staffID, path, &p), path)
	require.Len(u.t, p.Errors, 1, path)
	require.Equal(u.t, field, p.Errors[0].Field, path)
}

// tellAnn writes n inbox records for ann, a minute apart, the newest last; every fourth about an
// action of the kitchen, which she may not see. It returns the messages of those she sees, newest
// first.
func (u *uiScale) tellAnn(n int) []string {
	u.t.Helper()
	u.put("desk", "desk", "assigned", "ann", 3, time.Hour)
	u.put("kit", "kitchen", "assigned", "kim", 1, time.Hour)
	var records []models.Notification
	var seen []string
	for i := range n {
		action := fmt.Sprintf("desk-%04d", i%3)
		if i%4 == 3 {
			action = "kit-0000"
		}
		msg := fmt.Sprintf("record %03d", i)
		records = append(records, models.Notification{
			RecipientID: "ann", ActionID: action, Seq: int64(i), Kind: "reminder", ActorID: "ben", Cause: "timer",
			Message: msg, CreatedAt: u.now.Add(time.Duration(i-n) * time.Minute),
		})
		if i%4 != 3 {
			seen = append([]string{msg}, seen...)
		}
	}
	require.NoError(u.t, u.store.AddNotifications(context.Background(), records))
	return seen
}

// GET /me/notifications answers a page of the inbox, newest first, and next_before leads to the
// next: walking it reads every record the caller may see exactly once. Bad paging is 422.
func TestNotificationsPageThroughTheInbox(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		want := u.tellAnn(40)
		type page struct {
			Items []struct {
				Message string `json:"message"`
			} `json:"items"`
			NextBefore *string `json:"next_before"`
		}
		var all page
		require.Equal(t, http.StatusOK, u.call("ann", "/api/v1/me/notifications", &all))
		require.Len(t, all.Items, 30, "without a limit, up to 200")
		require.Nil(t, all.NextBefore)

		var got []string
		path := "/api/v1/me/notifications?limit=7"
		for pages := 1; ; pages++ {
			require.LessOrEqual(t, pages, 5, "30 records are 5 pages of 7")
			var p page
			require.Equal(t, http.StatusOK, u.call("ann", path, &p))
			require.LessOrEqual(t, len(p.Items), 7)
			for _, it := range p.Items {
				got = append(got, it.Message)
			}
			if p.NextBefore == nil {
				break
			}
			path = "/api/v1/me/notifications?limit=7&before=" + url.QueryEscape(*p.NextBefore)
		}
		require.Equal(t, want, got)

		for _, bad := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=ten", "limit"}, {"limit=5&limit=6", "limit"},
			{"before=nonsense", "before"}, {"before=e30", "before"}, {"after=x", "after"},
			// A NUL no position holds (PostgreSQL refuses a query that carries one).
			{"before=" + base64.RawURLEncoding.EncodeToString([]byte(`{"t":"2026-12-03T09:00:00Z","s":1,"a":"a\u0000b","k":"assigned"}`)), "before"},
		} {
			u.refused("ann", "/api/v1/me/notifications?"+bad.query, bad.field)
		}
	})
}

// The inbox page shows the newest 15 records the person may see, and reads no more of them.
func TestInboxPageShowsTheNewestRecords(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		want := u.tellAnn(40)
		status, page := u.get("ann", "/inbox")
		require.Equal(t, http.StatusOK, status, page)
		for i, msg := range want {
			require.Equal(t, i < inboxNotifications, strings.Contains(page, msg), "%s, %d of the newest", msg, i+1)
		}
		require.NotContains(t, page, "record 039", "the kitchen's is not hers to read")
		require.Contains(t, page, `<a href="/told" id="told-all">Everything I was told, 50 at a time</a>`, "the rest is a link away")
	})
}

// A shift handover that leaves many actions with the outgoing person tells the supervisors of
// each; the inbox shows them as one line, so that what else they were told stays in view, and the
// page of everything told lists each.
func TestInboxShowsAShiftsLeftoversAsOneLine(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.put("desk", "desk", "assigned", "ann", 20, time.Hour)
		var records []models.Notification
		add := func(action string, seq int64, kind, msg string, at time.Duration) {
			records = append(records, models.Notification{
				RecipientID: "ann", ActionID: action, Seq: seq, Kind: kind, ActorID: "ben", Cause: "timer",
				Message: msg, CreatedAt: u.now.Add(at),
			})
		}
		for i := range 13 { // the older ones, oldest first
			add("desk-0000", int64(i+1), "reminder", fmt.Sprintf("older record %02d", i), time.Duration(i-60)*time.Minute)
		}
		for i := range 20 {
			add(fmt.Sprintf("desk-%04d", i), -42, workflows.NotifyShiftLeftOver,
				fmt.Sprintf("%q stays with Ben after their shift handover: not handed over (nobody).", fmt.Sprintf("Action desk-%04d", i)),
				time.Duration(i-30)*time.Second)
		}
		add("desk-0001", 99, "reminder", "the newest record", 0)
		require.NoError(t, u.store.AddNotifications(context.Background(), records))

		status, page := u.get("ann", "/inbox")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "the newest record")
		require.Equal(t, 1, strings.Count(page, "A shift handover left 20 actions where they were:"), page)
		for i := range 20 {
			require.Contains(t, page, fmt.Sprintf("&#34;Action desk-%04d&#34; stays with Ben", i))
		}
		for i := range 13 {
			require.Contains(t, page, fmt.Sprintf("older record %02d", i), "15 lines: the newest, the leftovers and these")
		}
		require.NotContains(t, page, `id="told-all"`, "nothing more to see")

		// One more is one line too many.
		require.NoError(t, u.store.AddNotifications(context.Background(), []models.Notification{
			{RecipientID: "ann", ActionID: "desk-0002", Seq: 100, Kind: "reminder", ActorID: "ben", Cause: "timer", Message: "a later record", CreatedAt: u.now.Add(time.Second)},
		}))
		_, page = u.get("ann", "/inbox")
		require.Contains(t, page, "a later record")
		require.NotContains(t, page, "older record 00", "the oldest line is off the inbox")
		require.Contains(t, page, "older record 01")
		require.Contains(t, page, `id="told-all"`, "the rest is a link away")

		_, page = u.get("ann", "/told")
		require.NotContains(t, page, "A shift handover left", "everything told lists each")
		require.Equal(t, 20, strings.Count(page, "stays with Ben"))

		// Leftovers running on past what the inbox reads are not counted as all of them.
		u.put("more", "desk", "assigned", "ann", 70, time.Hour)
		var many []models.Notification
		for i := range 70 {
			many = append(many, models.Notification{
				RecipientID: "ann", ActionID: fmt.Sprintf("more-%04d", i), Seq: -43, Kind: workflows.NotifyShiftLeftOver, ActorID: "ben", Cause: "timer",
				Message: fmt.Sprintf("%q stays with Ben after their shift handover: not handed over (nobody).", fmt.Sprintf("Action more-%04d", i)), CreatedAt: u.now.Add(time.Minute + time.Duration(i)*time.Millisecond),
			})
		}
		require.NoError(t, u.store.AddNotifications(context.Background(), many))
		_, page = u.get("ann", "/inbox")
		require.Contains(t, page, fmt.Sprintf("A shift handover left %d or more actions where they were (every one is on the page of everything told):", inboxNotificationsRead))
		require.Contains(t, page, `id="told-all"`)
	})
}

// The page of everything told lists what the person may see, newest first, 50 at a time, Older
// leading to the rest: every record once, none of another team's.
func TestToldPagesThroughEverything(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		want := u.tellAnn(100) // 75 of them hers
		record := regexp.MustCompile(`record \d{3}`)
		status, page := u.get("ann", "/told")
		require.Equal(t, http.StatusOK, status, page)
		first := record.FindAllString(page, -1)
		require.Equal(t, want[:toldPage], first)
		older := regexp.MustCompile(`<a href="(/told\?before=[^"]+)" id="told-older">Older</a>`).FindStringSubmatch(page)
		require.NotNil(t, older, "a link to the older ones")
		status, page = u.get("ann", html.UnescapeString(older[1]))
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, want[toldPage:], record.FindAllString(page, -1))
		require.NotContains(t, page, `id="told-older"`, "nothing older")
		require.Contains(t, page, `<a href="/told" id="told-newest">The newest</a>`)
		status, _ = u.get("ann", "/told?before=nonsense")
		require.Equal(t, http.StatusUnprocessableEntity, status)
	})
}

// GET /staff answers a page of the directory by ID, up to 200 people unless limit asks for fewer,
// and next_cursor leads to the next: walking it reads everyone exactly once, of one team with
// team_id. Bad paging is 422. The people page still counts and finds everyone.
func TestStaffDirectoryPages(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		ctx := context.Background()
		u.addAdmin()
		for i := range 230 {
			team := []string{"desk", "kitchen"}[i%2]
			require.NoError(t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: fmt.Sprintf("p%03d", i), Name: "Person", Role: "agent", TeamID: ptr(team), Authority: 1, Active: true}))
		}
		type page struct {
			Items []struct {
				ID     string `json:"id"`
				TeamID string `json:"team_id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		walk := func(query string) (ids []string, pages int) {
			path := "/api/v1/staff?" + query
			for {
				var p page
				require.Equal(t, http.StatusOK, u.call("ann", path, &p), path)
				pages++
				for _, st := range p.Items {
					ids = append(ids, st.ID)
				}
				if p.NextCursor == nil {
					return ids, pages
				}
				path = "/api/v1/staff?" + query + "&cursor=" + url.QueryEscape(*p.NextCursor)
			}
		}
		everyone, pages := walk("")
		require.Len(t, everyone, 230+6)
		require.Equal(t, 2, pages, "200 a page without a limit")
		require.IsIncreasing(t, everyone, "by ID, each once")
		small, pages := walk("limit=7")
		require.Equal(t, everyone, small)
		require.Equal(t, (len(everyone)+6)/7, pages, "7 a page, the last one short")
		kitchen, _ := walk("team_id=kitchen&limit=9")
		require.Len(t, kitchen, 115+1, "the kitchen's and Kim")
		require.IsIncreasing(t, kitchen)

		for _, bad := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=all", "limit"},
			{"cursor=nonsense", "cursor"}, {"cursor=e30", "cursor"}, {"team=desk", "team"}, {"team_id=desk&team_id=kitchen", "team_id"},
			{"cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"i":"p1\u0000"}`)), "cursor"},
		} {
			u.refused("ann", "/api/v1/staff?"+bad.query, bad.field)
		}

		status, people := u.get("root", "/admin?person=p229")
		require.Equal(t, http.StatusOK, status, people)
		require.Contains(t, people, fmt.Sprintf(`Staff <span class="count">%d</span>`, 230+6))
		require.Contains(t, people, `<tr id="staff-p229"`, "someone past the API's first page")
	})
}
