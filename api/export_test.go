package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// exportCSV sends a GET with staffID's token and answers the status, the headers and, for a 200,
// the CSV's rows.
func (u *uiScale) exportCSV(staffID, path string) (int, http.Header, [][]string) {
	u.t.Helper()
	resp := u.apiGet(staffID, path)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header, nil
	}
	body, err := io.ReadAll(resp.Body)
	require.NoError(u.t, err)
	// RFC 4180: each record, the header's first, ends with CRLF.
	header, _, _ := strings.Cut(string(body), "\n")
	require.True(u.t, strings.HasSuffix(header, "\r"), "the header row ends with CRLF")
	require.True(u.t, strings.HasSuffix(string(body), "\r\n"), "the last record ends with CRLF")
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(u.t, err)
	return resp.StatusCode, resp.Header, rows
}

// GET /actions.csv gives every action the list's filters keep, in the caller's scope, newest
// first, past any page size: one row each under a header, with the owner's name and whether it is
// overdue; a cell a spreadsheet would run as a formula is quoted with a '.
func TestExportActionsAsCSV(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		n := exportBatch + 30                                      // more than one batch, more than a page of the list
		u.put("late", "desk", "assigned", "ann", n, -24*time.Hour) // every one overdue
		u.put("done", "desk", "completed", "ann", 3, -time.Hour)
		u.put("kit", "kitchen", "assigned", "kim", 4, time.Hour)
		formula, err := u.store.GetAction(context.Background(), "done-0000")
		require.NoError(t, err)
		formula.Title, formula.CustomerRef, formula.Version = `=HYPERLINK("http://example.invalid","x")`, "+44 7700", 2
		formula.Details = "Noise complaint\nroom 44"
		require.NoError(t, u.store.ApplyProjection(context.Background(), formula, nil))
		endedAt := u.now.Add(-30 * time.Minute).UTC().Truncate(time.Second)
		formula.Version = 3
		require.NoError(t, u.store.ApplyProjection(context.Background(), formula,
			[]models.ActionEvent{{Seq: 3, Type: "completed", ActorID: "ann", Cause: "request", At: endedAt, Data: `{"outcome":"done"}`}}))
		// One cancelled as a duplicate of another: why, and which, in columns of their own.
		dup, err := u.store.GetAction(context.Background(), "done-0001")
		require.NoError(t, err)
		dup.Status, dup.Version = "cancelled", 2
		require.NoError(t, u.store.ApplyProjection(context.Background(), dup,
			[]models.ActionEvent{{Seq: 2, Type: "cancelled", ActorID: "ann", Cause: "request", At: endedAt,
				Data: `{"reason":"=the guest asked twice","duplicate_of":"done-0000"}`}}))

		status, header, rows := u.exportCSV("ann", "/api/v1/actions.csv")
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "text/csv; charset=utf-8", header.Get("Content-Type"))
		require.Equal(t, `attachment; filename="actions-`+u.now.Format("2006-01-02")+`.csv"`, header.Get("Content-Disposition"))
		require.Equal(t, "no-store", header.Get("Cache-Control"), "no cache keeps the customers' data, nor any answer of the API")
		listed := u.apiGet("ann", "/api/v1/actions?limit=1")
		require.NoError(t, listed.Body.Close())
		require.Equal(t, http.StatusOK, listed.StatusCode)
		require.Equal(t, "no-store", listed.Header.Get("Cache-Control"))
		// A HEAD says what a GET would, from its first batch, and reads no further.
		req, err := http.NewRequest(http.MethodHead, u.srv.URL+"/api/v1/actions.csv", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token-ann")
		head, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, head.Body.Close())
		require.Equal(t, http.StatusOK, head.StatusCode)
		require.Equal(t, header.Get("Content-Type"), head.Header.Get("Content-Type"))
		require.Equal(t, header.Get("Content-Disposition"), head.Header.Get("Content-Disposition"))
		require.Equal(t, exportColumns, rows[0])
		require.Len(t, rows, 1+n+3, "every action of her team, and no other team's")
		col := func(name string) int {
			for i, c := range exportColumns {
				if c == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		byID := map[string][]string{}
		for _, r := range rows[1:] {
			require.Len(t, r, len(exportColumns))
			byID[r[col("id")]] = r
		}
		require.Len(t, byID, n+3, "each action once")
		late := byID["late-0000"]
		require.Equal(t, "Ann", late[col("owner_name")])
		require.Equal(t, "true", late[col("overdue")])
		require.Equal(t, u.now.Add(-24*time.Hour).Format(time.RFC3339), late[col("due_at")])
		done := byID["done-0000"]
		require.Equal(t, "false", done[col("overdue")], "a completed action is not overdue")
		require.Equal(t, `'=HYPERLINK("http://example.invalid","x")`, done[col("title")], "not run as a formula")
		require.Equal(t, "'+44 7700", done[col("customer_ref")])
		require.Equal(t, endedAt.Format(time.RFC3339), done[col("ended_at")], "when it was completed, to hold against its due time")
		require.Empty(t, late[col("ended_at")], "an open action has not ended")
		require.Empty(t, done[col("cancel_reason")], "a completed action was not cancelled")
		cancelled := byID["done-0001"]
		require.Equal(t, endedAt.Format(time.RFC3339), cancelled[col("ended_at")])
		require.Equal(t, "'=the guest asked twice", cancelled[col("cancel_reason")], "why, not run as a formula")
		require.Equal(t, "done-0000", cancelled[col("duplicate_of")], "and the action it was a duplicate of")
		raw := u.apiGet("ann", "/api/v1/actions.csv?status=completed")
		body, err := io.ReadAll(raw.Body)
		require.NoError(t, err)
		require.NoError(t, raw.Body.Close())
		require.Contains(t, string(body), "\"Noise complaint\nroom 44\",,\r\n", "a line break inside a field as it is stored, the record's end CRLF")
		position := map[string]int{}
		for i, r := range rows {
			position[r[col("id")]] = i
		}
		require.Less(t, position["late-0529"], position["late-0000"], "newest first")

		// The list's filters, and its scope: another team's is 404 to an agent, every team a manager's.
		_, _, rows = u.exportCSV("ann", "/api/v1/actions.csv?status=completed")
		require.Len(t, rows, 1+2, "the third was cancelled")
		_, _, rows = u.exportCSV("ann", "/api/v1/actions.csv?q=late-000")
		require.Len(t, rows, 1+10)
		status, _, _ = u.exportCSV("ann", "/api/v1/actions.csv?team_id=kitchen")
		require.Equal(t, http.StatusNotFound, status)
		_, _, rows = u.exportCSV("max", "/api/v1/actions.csv?overdue=true")
		require.Len(t, rows, 1+n, "a manager's overdue over every team")
		for _, bad := range []string{"limit=10", "cursor=x", "status=lost", "overdue=maybe", "q="} {
			status, _, _ = u.exportCSV("ann", "/api/v1/actions.csv?"+bad)
			require.Equal(t, http.StatusUnprocessableEntity, status, bad)
		}
		status, _, _ = u.exportCSV("nobody", "/api/v1/actions.csv")
		require.Equal(t, http.StatusUnauthorized, status)
	})
}

// The find page offers what it lists as CSV: every one of them, not only the page shown; a team
// outside the person's scope is refused as a page, not a file.
func TestFindPageDownloadsCSV(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.put("late", "desk", "assigned", "ann", findPage+5, -time.Hour)
		u.put("kit", "kitchen", "assigned", "kim", 2, -time.Hour)
		status, page := u.get("ann", "/find?q=late")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, `<a href="/find.csv?q=late&amp;state=open" download>Download every one as CSV</a>`)

		status, body := u.get("ann", "/find.csv?q=late&state=open")
		require.Equal(t, http.StatusOK, status, body)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 1+findPage+5)

		status, body = u.get("max", "/find.csv?state=overdue&team=kitchen")
		require.Equal(t, http.StatusOK, status, body)
		rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 1+2, "one team's, from the manager view")

		status, page = u.get("ann", "/find.csv?state=overdue&team=kitchen")
		require.Equal(t, http.StatusNotFound, status)
		require.Contains(t, page, "<!doctype html>", "a refusal is a page")
		status, page = u.get("ann", "/find.csv")
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, page, "Say what to find, or choose a status")
	})
}

// An export that fails after its first rows are sent cuts the connection rather than ending the
// file as if it were whole: the client (or the browser, through the Find page's download) reads a
// truncated body as an error. The failure is a row of
// the second batch that the read model cannot read (a text in a number's column, which SQLite
// stores as it is given; PostgreSQL refuses it, so this runs on SQLite alone).
func TestExportCutShortIsNotWhole(t *testing.T) {
	t.Parallel()
	u := newUIScaleOn(t, modelstest.SQLiteURL(t))
	n := exportBatch + 30
	u.put("late", "desk", "assigned", "ann", n, -24*time.Hour)
	// The oldest action comes in the second batch (newest first).
	require.NoError(t, u.store.DB().Exec("UPDATE actions SET escalation_level = 'high' WHERE id = ?", "late-0000").Error)

	// Both the API's export and the Find page's download, which streams it through.
	for _, resp := range []*http.Response{u.apiGet("ann", "/api/v1/actions.csv"), u.pageResponse("ann", http.MethodGet, "/find.csv?q=late", nil)} {
		require.Equal(t, http.StatusOK, resp.StatusCode, "the first batch was read: the answer began")
		r := csv.NewReader(resp.Body)
		rows := 0
		var err error
		for {
			if _, err = r.Read(); err != nil {
				break
			}
			rows++
		}
		resp.Body.Close()
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "%s: a cut connection, not the end of a file", resp.Request.URL.Path)
		require.Equal(t, 1+exportBatch, rows, "the header and the first batch came before the cut")
	}

	// Without the unreadable row the same export ends normally.
	require.NoError(t, u.store.DB().Exec("UPDATE actions SET escalation_level = 0 WHERE id = ?", "late-0000").Error)
	status, _, all := u.exportCSV("ann", "/api/v1/actions.csv")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, all, 1+n)
}

// A cell is written with a ' before it when a spreadsheet could take it for a formula: its first
// character other than white space is =, +, -, @ or a full-width form of one, or it begins with a
// tab, a carriage return or a line feed. Anything else is written as it is.
func TestSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	for cell, want := range map[string]string{
		"=1+1":                 "'=1+1",
		" =1+1":                "' =1+1",
		"\u00a0\u3000@SUM(A1)": "'\u00a0\u3000@SUM(A1)",
		"\uFF1D1+1":            "'\uFF1D1+1",
		"\u200b=1+1":           "'\u200b=1+1", // behind a zero-width space
		"\ufeff\u2060+1":       "'\ufeff\u2060+1",
		"\u200bplain":          "\u200bplain",
		"\uFF0B44 20":          "'\uFF0B44 20",
		"\uFF0D1":              "'\uFF0D1",
		"\uFF20x":              "'\uFF20x",
		"+44 20 7946 0000":     "'+44 20 7946 0000",
		"-":                    "'-",
		"\tplain":              "'\tplain",
		"\rplain":              "'\rplain",
		"\nplain":              "'\nplain",
		" plain":               " plain",
		"Room 4 = late":        "Room 4 = late",
		"":                     "",
		"   ":                  "   ",
		"Zoë":                  "Zoë",
	} {
		require.Equal(t, want, spreadsheetSafe(cell), "%q", cell)
	}
}
