package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// exportPath is the CSV export of a list of actions: it streams every action the filters keep,
// however many, so it is not held to the command timeout as a whole (each read of the read model
// is).
const exportPath = "/api/v1/actions.csv"

// exportParams are the filters the export takes: those of GET /actions but its page's.
var exportParams = slices.DeleteFunc(slices.Clone(listParams), func(p string) bool { return p == "limit" || p == "cursor" })

// exportBatch is how many actions the export reads from the read model at a time.
const exportBatch = 500

// exportColumns are the export's columns, in order.
var exportColumns = []string{
	"id", "title", "status", "priority", "category", "team_id", "owner_id", "owner_name",
	"customer_ref", "customer_name", "customer_contact", "required_authority", "due_at", "overdue",
	"escalation_level", "paused", "handovers", "created_by", "created_at", "updated_at", "ended_at", "outcome", "details",
	"cancel_reason", "duplicate_of",
}

// exportActions answers GET /actions.csv: the actions in the caller's scope that the filters of
// GET /actions keep, newest first, as CSV (RFC 4180) with a header row, for a spreadsheet. A cell
// a spreadsheet would take for a formula (spreadsheetSafe) is written with a ' before it.
func (s *server) exportActions(c *gin.Context) {
	f, err := s.actionFilter(c, exportParams)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	f.Limit = exportBatch
	ctx := c.Request.Context()
	names := s.who(c) // the directory the pages name people from
	// The first batch is read before anything is written, so that a read model that is down is
	// answered with its problem, not an empty file.
	rows, next, err := s.exportBatch(ctx, f)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="actions-`+s.Now().UTC().Format("2006-01-02")+`.csv"`)
	c.Status(http.StatusOK)
	if headOnly(ctx) {
		// The first batch has told the status; the rest would be read and thrown away.
		return
	}
	w := newCRLFWriter(c.Writer)
	w.Write(exportColumns)
	now := s.Now()
	for {
		for _, a := range rows {
			w.Write(exportRow(a, names, now))
		}
		c.Writer.Flush()
		if next == nil {
			return
		}
		f.After = next
		if rows, next, err = s.exportBatch(ctx, f); err != nil {
			// The answer has begun: cutting the connection tells the client the file is not
			// whole, where ending it normally would pass a part for the whole.
			s.Log.ErrorContext(ctx, "export cut short", "error", err, "request_id", c.GetString(requestIDKey))
			panic(http.ErrAbortHandler)
		}
	}
}

// crlfWriter writes CSV records each ended with CRLF, as RFC 4180 has them, and each field as it
// is: encoding/csv's UseCRLF would write a line feed inside a field as CRLF too, and drop a
// carriage return.
type crlfWriter struct {
	out io.Writer
	buf bytes.Buffer
	csv *csv.Writer
}

func newCRLFWriter(out io.Writer) *crlfWriter {
	w := &crlfWriter{out: out}
	w.csv = csv.NewWriter(&w.buf)
	return w
}

// Write writes one record (a failed write of the answer is the client gone: nothing to tell).
func (w *crlfWriter) Write(record []string) {
	w.buf.Reset()
	_ = w.csv.Write(record)
	w.csv.Flush()
	line := bytes.TrimSuffix(w.buf.Bytes(), []byte("\n"))
	_, _ = w.out.Write(append(line, '\r', '\n'))
}

// exportedAction is an action as the export reads it: with how it ended.
type exportedAction struct {
	actionJSON
	models.Ending
}

// exportBatch reads the next batch of the export, its customers' data opened.
func (s *server) exportBatch(ctx context.Context, f models.ActionFilter) ([]exportedAction, *models.Position, error) {
	ctx, cancel := context.WithTimeout(ctx, s.commandTimeout()) // each read bounded, not the whole answer
	defer cancel()
	rows, next, err := s.Store.ListActions(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	var ended []string
	for _, r := range rows {
		if workflows.Status(r.Status).Final() {
			ended = append(ended, r.ID)
		}
	}
	endings, err := s.Store.Endings(ctx, ended)
	if err != nil {
		return nil, nil, err
	}
	items, err := s.renderOpenRows(ctx, rows)
	out := make([]exportedAction, len(items))
	for i, a := range items {
		out[i] = exportedAction{actionJSON: a, Ending: endings[a.ID]}
	}
	return out, next, err
}

// exportRow is one action as the export's columns; name gives a member of staff's name.
func exportRow(a exportedAction, name func(id string) string, now time.Time) []string {
	due, ended := "", ""
	if !a.DueAt.IsZero() {
		due = a.DueAt.UTC().Format(time.RFC3339)
	}
	if !a.At.IsZero() {
		ended = a.At.UTC().Format(time.RFC3339)
	}
	overdue := !workflows.Status(a.Status).Final() && !a.Paused && !a.DueAt.IsZero() && a.DueAt.Before(now)
	row := []string{
		a.ID, a.Title, a.Status, a.Priority, a.Category, a.TeamID, a.OwnerID, name(a.OwnerID),
		a.Customer.Ref, a.Customer.Name, a.Customer.Contact, strconv.Itoa(a.RequiredAuthority), due,
		strconv.FormatBool(overdue), strconv.Itoa(a.EscalationLevel), strconv.FormatBool(a.Paused),
		strconv.Itoa(len(a.Handovers)), a.CreatedBy, a.CreatedAt.UTC().Format(time.RFC3339),
		a.UpdatedAt.UTC().Format(time.RFC3339), ended, a.Outcome, a.Details, a.CancelReason, a.DuplicateOf,
	}
	for i, cell := range row {
		row[i] = spreadsheetSafe(cell)
	}
	return row
}

// spreadsheetSafe keeps a spreadsheet from taking a cell for a formula (CSV injection): a cell
// whose first character other than white space and invisible format characters (a zero-width
// space, a byte order mark) is =, +, -, @ or their full-width forms (which spreadsheets in East
// Asian locales take for them), or that begins with a tab, a carriage return or a line feed, is
// written with a ' before it.
func spreadsheetSafe(cell string) string {
	rest := strings.TrimLeftFunc(cell, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
	if rest != cell && strings.ContainsRune("\t\r\n", rune(cell[0])) {
		return "'" + cell
	}
	if first, _ := utf8.DecodeRuneInString(rest); strings.ContainsRune("=+-@\uFF1D\uFF0B\uFF0D\uFF20", first) {
		return "'" + cell
	}
	return cell
}
