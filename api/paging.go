package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"
)

// encodeCursor is the opaque form of a position in a list, given out as its next_cursor or
// next_before: the client passes it back and reads nothing into it.
func encodeCursor(position any) string {
	raw, _ := json.Marshal(position) // a struct of times, numbers and strings always encodes
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeCursor reads a position encodeCursor gave out into position, and reports whether it was one.
// A NUL in it is refused here, for every list: no position holds one, and PostgreSQL refuses a
// query that carries one (a made-up cursor would have been a 500).
func decodeCursor(cursor string, position any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	return err == nil && !bytes.Contains(raw, []byte(`\u0000`)) && json.Unmarshal(raw, position) == nil
}

// pageLimit reads a list's limit parameter: def when it is not given; a field error when it is not
// a whole number from 1 to most.
func pageLimit(c *gin.Context, def, most int) (int, []FieldError) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > most {
		return def, []FieldError{{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", most)}}
	}
	return n, nil
}
