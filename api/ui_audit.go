package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// uiAudit draws the changes page: the audit trail, newest first, a page at a time, of one subject
// when the address names it (a person's "History" on the people page).
func (s *server) uiAudit(c *gin.Context) {
	q := url.Values{}
	for _, k := range []string{"subject_type", "subject", "before"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	var page struct {
		Items      []auditEntryJSON `json:"items"`
		NextBefore *string          `json:"next_before"`
	}
	if !s.read(c, "/api/v1/audit?"+q.Encode(), &page, "The changes") {
		return
	}
	var older string
	if page.NextBefore != nil {
		q.Set("before", *page.NextBefore)
		older = "/admin/audit?" + q.Encode()
	}
	// People and teams by name, from the directory the pages name them from (a team removed
	// since by its ID): their IDs are for the API.
	names := auditNames{staff: s.who(c), team: s.ui.names.team}
	lines := make([]auditLine, len(page.Items))
	for i, e := range page.Items {
		lines[i] = auditLine{auditEntryJSON: e, Text: auditText(e, names)}
	}
	data := gin.H{"Entries": lines, "Older": older, "Earlier": c.Query("before") != ""}
	if subject := c.Query("subject"); subject != "" {
		data["Subject"] = subjectText(c.Query("subject_type"), subject, names)
	}
	s.render(c, 200, "audit", data)
}

// auditLine is an entry of the changes page with its sentence.
type auditLine struct {
	auditEntryJSON
	Text string
}

// auditNames names people and teams for the changes page: by name, an ID it does not know as it
// is.
type auditNames struct {
	staff, team func(id string) string
}

// teamText names a team by its name and, when it has one, its ID.
func (n auditNames) teamText(id string) string {
	if name := n.team(id); name != id {
		return fmt.Sprintf("%s (%s)", name, id)
	}
	return "team " + id
}

// auditActor names who made a change: a person by name, or the admin command.
func auditActor(id string, name func(string) string) string {
	if id == models.AdminCommand {
		return "handover admin (on the server)"
	}
	return name(id)
}

// subjectText names what an entry is about.
func subjectText(kind, subject string, names auditNames) string {
	switch kind {
	case models.SubjectStaff:
		if n := names.staff(subject); n != subject {
			return fmt.Sprintf("%s (%s)", n, subject)
		}
		return subject
	case models.SubjectTeam:
		return names.teamText(subject)
	case models.SubjectPolicy:
		return "policy " + subject
	case models.SubjectCustomer:
		if id, ok := strings.CutPrefix(subject, pii.ActionKeyPrefix); ok {
			return "the customer of action " + id // one without a reference
		}
		return "customer " + subject
	}
	return subject
}

// auditText says in a sentence what an entry of the audit trail records.
func auditText(e auditEntryJSON, names auditNames) string {
	var d map[string]any
	_ = json.Unmarshal(e.Detail, &d) // a detail that is not an object leaves the sentence short
	str := func(k string) string {
		if v, ok := d[k].(string); ok {
			return v
		}
		return ""
	}
	num := func(k string) int {
		v, _ := d[k].(float64)
		return int(v)
	}
	who := subjectText(e.SubjectType, e.Subject, names)
	switch e.Kind {
	case models.AuditTeamCreated:
		return fmt.Sprintf("created team %s, “%s”", e.Subject, str("name"))
	case models.AuditTeamRenamed:
		from, to := changeOf(d["name"])
		return fmt.Sprintf("renamed team %s from %s to %s", e.Subject, from, to)
	case models.AuditCalendarSaved:
		hours, _ := d["hours"].([]any)
		holidays, _ := d["holidays"].([]any)
		if len(hours) == 0 {
			return fmt.Sprintf("set %s open around the clock", who)
		}
		// Each period and holiday, so that two saves of the same team read apart.
		periods := make([]string, 0, len(hours))
		for _, h := range hours {
			if m, ok := h.(map[string]any); ok {
				periods = append(periods, fmt.Sprintf("%v %v–%v", m["day"], m["open"], m["close"]))
			}
		}
		dates := "no holidays"
		if len(holidays) > 0 {
			dates = plural(len(holidays), "holiday") + " (" + listText(holidays) + ")"
		}
		return fmt.Sprintf("saved the opening hours of %s: %s, %s: %s; %s", who, str("time_zone"),
			plural(len(hours), "opening period"), strings.Join(periods, ", "), dates)
	case models.AuditPolicyRemoved:
		return fmt.Sprintf("removed the policy %s (at version %v): no action had the category", e.Subject, d["version"])
	case models.AuditCalendarRemoved:
		hours, _ := d["hours"].([]any)
		return fmt.Sprintf("removed the opening hours of %s, %s with %s: open around the clock", who, str("time_zone"), plural(len(hours), "opening period"))
	case models.AuditStaffCreated:
		team := "no team"
		if t := str("team_id"); t != "" {
			team = names.teamText(t)
		}
		return fmt.Sprintf("added %s as %s of %s, authority %d", who, str("role"), team, num("authority"))
	case models.AuditStaffChanged:
		changes, _ := d["changes"].(map[string]any)
		cols := make([]string, 0, len(changes))
		for k := range changes {
			cols = append(cols, k)
		}
		slices.SortFunc(cols, func(a, b string) int {
			return slices.Index(models.StaffColumns, a) - slices.Index(models.StaffColumns, b)
		})
		parts := make([]string, len(cols))
		for i, k := range cols {
			change := changes[k]
			field := label(k)
			if k == "team_id" {
				// By name: "team “Front desk” → “New York”".
				field = "team"
				if m, ok := change.(map[string]any); ok {
					m = maps.Clone(m)
					for _, end := range []string{"from", "to"} {
						if id, ok := m[end].(string); ok {
							m[end] = names.team(id)
						}
					}
					change = m
				}
			}
			from, to := changeOf(change)
			parts[i] = fmt.Sprintf("%s %s → %s", field, from, to)
		}
		text := fmt.Sprintf("changed %s: %s", who, strings.Join(parts, ", "))
		if n := num("tokens_revoked"); n > 0 {
			text += fmt.Sprintf("; %s revoked", plural(n, "token"))
		}
		return text
	case models.AuditTokenIssued:
		if l := str("label"); l != "" {
			return fmt.Sprintf("issued a token to %s, “%s”", who, l)
		}
		return "issued a token to " + who
	case models.AuditTokensRevoked:
		return fmt.Sprintf("revoked %s of %s", plural(num("revoked"), "token"), who)
	case models.AuditPolicySaved:
		if changes, ok := d["changes"].(map[string]any); ok {
			return fmt.Sprintf("saved version %d of %s: %s", num("version"), who, policyChangesText(changes, num("version")))
		}
		var set []string
		for _, k := range models.PolicyDurations {
			if v, ok := d[k+"_seconds"].(float64); ok {
				set = append(set, fmt.Sprintf("%s %s", policyDurationWords(k), secondsText(v)))
			}
		}
		if c := str("clock"); c != "" {
			set = append(set, "clock "+c)
		}
		if fields, _ := d["required_fields"].([]any); len(fields) > 0 {
			set = append(set, "required notes "+listText(fields))
		}
		return fmt.Sprintf("saved version %d of %s: %s", num("version"), who, strings.Join(set, ", "))
	case models.AuditCustomerErased:
		return fmt.Sprintf("erased the personal data of %s (%s, %s)", who, plural(num("keys_destroyed"), "key"), plural(num("actions"), "action"))
	}
	return e.Kind + " " + who
}

// listText says a list of the audit detail's ("room_number, amount"; holidays' dates).
func listText(list []any) string {
	words := make([]string, len(list))
	for i, v := range list {
		words[i] = fmt.Sprint(v)
	}
	return strings.Join(words, ", ")
}

// secondsText says a duration the audit detail keeps in seconds as the policies page does ("20m").
func secondsText(secs float64) string {
	return shortDuration((time.Duration(secs) * time.Second).String())
}

// policyChangesText says what a policy's version changed from the one before (the audit detail's
// changes): each duration, the clock and the required notes, from → to, in the policies page's
// words; a duration left to the default says so.
func policyChangesText(changes map[string]any, version int) string {
	duration := func(v any) string {
		if secs, ok := v.(float64); ok {
			return secondsText(secs)
		}
		return "the default"
	}
	notes := func(v any) string {
		list, _ := v.([]any)
		if len(list) == 0 {
			return "none"
		}
		return listText(list)
	}
	var parts []string
	for _, k := range models.PolicyDurations {
		if c, ok := changes[k+"_seconds"].(map[string]any); ok {
			parts = append(parts, fmt.Sprintf("%s %s → %s", policyDurationWords(k), duration(c["from"]), duration(c["to"])))
		}
	}
	if c, ok := changes["clock"].(map[string]any); ok {
		parts = append(parts, fmt.Sprintf("clock %v → %v", c["from"], c["to"]))
	}
	if c, ok := changes["required_fields"].(map[string]any); ok {
		parts = append(parts, fmt.Sprintf("required notes %s → %s", notes(c["from"]), notes(c["to"])))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("the same as version %d", version-1)
	}
	return strings.Join(parts, ", ")
}

// changeOf reads a {from, to} of the audit trail as text: strings quoted, none as "none".
func changeOf(v any) (from, to string) {
	m, _ := v.(map[string]any)
	text := func(x any) string {
		switch x := x.(type) {
		case nil:
			return "none"
		case string:
			return "“" + x + "”"
		case bool:
			return map[bool]string{true: "yes", false: "no"}[x]
		case float64:
			return fmt.Sprint(int(x))
		}
		return fmt.Sprint(x)
	}
	return text(m["from"]), text(m["to"])
}
