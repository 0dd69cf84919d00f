package workflows

import (
	"regexp"
	"time"
)

// MessageTime finds the times a message carries: the workflow writes them in RFC 3339, in UTC.
var MessageTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)

// TimesIn gives message with each time it carries in loc: the same instant in RFC 3339 still,
// with loc's offset, so that a reader in the team's time zone need not convert it.
func TimesIn(message string, loc *time.Location) string {
	return MessageTime.ReplaceAllStringFunc(message, func(s string) string {
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return at.In(loc).Format(time.RFC3339Nano)
	})
}
