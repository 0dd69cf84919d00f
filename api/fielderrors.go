package api

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// fieldErrorTag is how the fielderr template opens a field's error.
var fieldErrorTag = []byte(`<span class="field-error">`)

// tieFieldErrors ties each field's error on a page drawn again after a refusal to its field, as a
// screen reader needs, without JavaScript: the error gets an id, and the field before it (the
// nearest earlier element of the same parent that a person fills in, not a hidden input)
// aria-invalid and the error's id in its aria-describedby. A page without errors is left as it is.
func tieFieldErrors(page []byte) []byte {
	if !bytes.Contains(page, fieldErrorTag) {
		return page
	}
	type control struct{ start, end int } // a field's start tag, by its bytes in the page
	type tie struct {
		field control
		err   int // where the error's start tag begins
	}
	var ties []tie
	var open []string       // the elements open at this point, outermost first
	last := []*control{nil} // the last field among the children of each open element (and the page)
	z := html.NewTokenizer(bytes.NewReader(page))
	at := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return page // not a page this can read: left to the script
			}
			break
		}
		raw := len(z.Raw())
		start := at
		at += raw
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case isField(z, tag):
				last[len(last)-1] = &control{start, at}
			case tag == "span" && bytes.Equal(page[start:at], fieldErrorTag) && last[len(last)-1] != nil:
				ties = append(ties, tie{*last[len(last)-1], start})
			}
			if tt == html.StartTagToken && !voidElements[tag] {
				open, last = append(open, tag), append(last, nil)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			// Closing the innermost element of that name closes whatever was left open in it.
			for j := len(open) - 1; j >= 0; j-- {
				if open[j] == string(name) {
					open, last = open[:j], last[:j+1]
					break
				}
			}
		}
	}
	if len(ties) == 0 {
		return page
	}
	var edits []pageEdit
	fields := map[int][]string{} // each field's errors, by where its tag begins
	var order []control
	for i, t := range ties {
		id := fmt.Sprintf("field-error-s%d", i+1)
		if _, seen := fields[t.field.start]; !seen {
			order = append(order, t.field)
		}
		fields[t.field.start] = append(fields[t.field.start], id)
		edits = append(edits, pageEdit{at: t.err, drop: len(fieldErrorTag), text: fmt.Sprintf(`<span class="field-error" id="%s">`, id)})
	}
	for _, f := range order {
		edits = append(edits, fieldEdits(page[f.start:f.end], f.start, fields[f.start])...)
	}
	slices.SortFunc(edits, func(a, b pageEdit) int { return a.at - b.at })
	var out bytes.Buffer
	out.Grow(len(page) + 64*len(edits))
	from := 0
	for _, e := range edits {
		out.Write(page[from:e.at])
		out.WriteString(e.text)
		from = e.at + e.drop
	}
	out.Write(page[from:])
	return out.Bytes()
}

// pageEdit puts text in a page at a place, in place of drop bytes of it.
type pageEdit struct {
	at, drop int
	text     string
}

// fieldEdits mark a field's start tag (tag, at offset in the page) invalid and described by its
// errors: their ids go after those of its help, if it has any.
func fieldEdits(tag []byte, offset int, ids []string) []pageEdit {
	var edits []pageEdit
	described := []byte(` aria-describedby="`)
	if i := bytes.Index(tag, described); i >= 0 {
		end := i + len(described) + bytes.IndexByte(tag[i+len(described):], '"')
		edits = append(edits, pageEdit{at: offset + end, text: " " + strings.Join(ids, " ")})
	}
	extra := ""
	// Found with the quote that opens their values: a value typed into the field (kept after the
	// refusal) cannot hold one, so cannot be taken for the attribute.
	if !bytes.Contains(tag, []byte(` aria-invalid="`)) {
		extra += ` aria-invalid="true"`
	}
	if len(edits) == 0 {
		extra += ` aria-describedby="` + strings.Join(ids, " ") + `"`
	}
	if extra != "" {
		end := len(tag) - 1 // the tag's ">", or "/>"
		if bytes.HasSuffix(tag, []byte("/>")) {
			end--
		}
		edits = append(edits, pageEdit{at: offset + end, text: extra})
	}
	return edits
}

// isField says whether the tag the tokenizer is at is one a person fills in: a select, a text
// area, or an input that is not hidden.
func isField(z *html.Tokenizer, tag string) bool {
	switch tag {
	case "select", "textarea":
		return true
	case "input":
	default:
		return false
	}
	for {
		k, v, more := z.TagAttr()
		if string(k) == "type" && string(v) == "hidden" {
			return false
		}
		if !more {
			return true
		}
	}
}

// voidElements have no end tag, and so no children.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}
