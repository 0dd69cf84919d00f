package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
)

// auditParams are the query parameters GET /audit takes.
var auditParams = []string{"subject_type", "subject", "kind", "actor_id", "limit", "before"}

// auditPage is how many entries a page of the audit trail holds unless limit asks otherwise.
const auditPage = 50

// auditCursor is the last entry of a page of the audit trail, given out as its next_before.
type auditCursor struct {
	ID int64 `json:"i"`
}

// auditEntryJSON is one entry of the audit trail.
type auditEntryJSON struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	ActorID     string          `json:"actor_id"`
	Kind        string          `json:"kind"`
	SubjectType string          `json:"subject_type"`
	Subject     string          `json:"subject"`
	Detail      json.RawMessage `json:"detail"`
}

// listAudit lists a page of the audit trail, newest first, for administrators: who changed the
// directory, the opening hours and the policies, and who erased a customer's data.
func (s *server) listAudit(c *gin.Context) (int, any, error) {
	if err := onlyAdmins(c, "only administrators read the audit trail"); err != nil {
		return 0, nil, err
	}
	fields := queryFields(c, "is not a filter of this list", auditParams)
	limit, bad := pageLimit(c, auditPage, maxPage)
	fields = append(fields, bad...)
	f := models.AuditFilter{SubjectType: c.Query("subject_type"), Subject: c.Query("subject"), Kind: c.Query("kind"),
		ActorID: c.Query("actor_id"), Limit: limit}
	if f.SubjectType != "" && !slices.Contains(models.SubjectTypes, f.SubjectType) {
		fields = append(fields, FieldError{Field: "subject_type", Message: "must be one of " + strings.Join(models.SubjectTypes, ", ")})
	}
	if f.Kind != "" && !slices.Contains(models.AuditKinds, f.Kind) {
		fields = append(fields, FieldError{Field: "kind", Message: "must be one of " + strings.Join(models.AuditKinds, ", ")})
	}
	if v := c.Query("before"); v != "" {
		var cur auditCursor
		if !decodeCursor(v, &cur) || cur.ID < 1 {
			fields = append(fields, FieldError{Field: "before", Message: "is not a next_before this API gave out"})
		}
		f.Before = cur.ID
	}
	if len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	rows, more, err := s.Store.AuditTrail(c.Request.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	items := make([]auditEntryJSON, len(rows))
	for i, r := range rows {
		items[i] = auditEntryJSON{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Kind: r.Kind, SubjectType: r.SubjectType,
			Subject: r.Subject, Detail: json.RawMessage(r.Detail)}
	}
	var next *string
	if more && len(rows) > 0 {
		cur := encodeCursor(auditCursor{ID: rows[len(rows)-1].ID})
		next = &cur
	}
	return http.StatusOK, gin.H{"items": items, "next_before": next}, nil
}
