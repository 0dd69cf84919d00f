package pii

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// A customer's name and contact are sealed, so the read model cannot search them as text. It
// keeps blind indexes of their words instead (codec.Keyring.BlindIndex): keyed hashes that a
// search made with the same key finds, and from which the words cannot be read back without it.
// An erasure deletes them with the rest of the customer's data.

// phoneDigits is how many digits of a phone number, its last, are indexed and looked for: enough to
// tell customers apart, few enough that "+44 7700 900123" and "07700 900123" are the same number.
const phoneDigits = 9

// minPhoneDigits is how few digits a contact or a search needs to be read as a phone number. A
// number is found by its last minPhoneDigits to phoneDigits digits too ("900123", the end of a
// number a customer reads out).
const minPhoneDigits = 6

// minPrefix and maxPrefix bound the beginnings of a name's words a customer is found by too: "Pat"
// and "Kowal" find Patel and Kowalczyk, two letters are too few to tell anyone apart, and the
// beginnings of a long word stop at twelve letters.
const (
	minPrefix = 3
	maxPrefix = 12
)

// searchTerms are what a customer is found by: each word of their name, and its beginnings of
// minPrefix letters or more, their contact whole (an email address, as written in any case), and a
// phone number's last phoneDigits digits and each shorter end of them, down to minPhoneDigits.
func searchTerms(name, contact string) []string {
	var terms []string
	add := func(t string) {
		for _, have := range terms {
			if have == t {
				return
			}
		}
		terms = append(terms, t)
	}
	for _, w := range words(name) {
		add("n:" + w)
		letters := []rune(w)
		for n := minPrefix; n < len(letters) && n <= maxPrefix; n++ {
			add("np:" + string(letters[:n]))
		}
	}
	if c := strings.ToLower(strings.TrimSpace(contact)); c != "" && c != strings.ToLower(Erased) {
		add("c:" + c)
		if d, ok := phone(c); ok {
			for n := minPhoneDigits; n <= len(d); n++ {
				add("p:" + d[len(d)-n:])
			}
		}
	}
	return terms
}

// words are the words of a name in lower case and without accents (fold), split at anything but a
// letter or a digit: "Mary-Jane O'Neill" is mary, jane, o, neill, and "José García" jose, garcia.
// One letter alone is a word too (an initial).
func words(name string) []string {
	if strings.TrimSpace(name) == Erased {
		return nil
	}
	return rawWords(fold(name))
}

// rawWords are the words of a text in lower case, accents kept.
func rawWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fold is a text in lower case without its accents, as a name is typed by someone who heard it:
// "García" is garcia, "Łukasz" lukasz, "Straße" strasse.
func fold(text string) string {
	bare, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), strings.ToLower(text))
	if err != nil {
		return strings.ToLower(text)
	}
	return unaccented.Replace(bare)
}

// unaccented spells the letters that carry no separate accent mark (norm.NFD leaves them whole) as
// they are typed without them.
var unaccented = strings.NewReplacer("ł", "l", "đ", "d", "ð", "d", "ø", "o", "ħ", "h", "ı", "i", "ß", "ss", "æ", "ae", "œ", "oe", "þ", "th")

// phone reads v as a phone number when it is one: at least minPhoneDigits digits, and nothing but
// digits, spaces and + ( ) - . / between them. It answers the last phoneDigits digits.
func phone(v string) (string, bool) {
	var digits []rune
	for _, r := range v {
		switch {
		case unicode.IsDigit(r):
			digits = append(digits, r)
		case strings.ContainsRune(" +()-./", r):
		default:
			return "", false
		}
	}
	if len(digits) < minPhoneDigits {
		return "", false
	}
	return string(digits[max(0, len(digits)-phoneDigits):]), true
}

// SearchTokens are the blind indexes a customer of this name and contact (both open) is found by.
func (s *Sealer) SearchTokens(name, contact string) []string {
	terms := searchTerms(name, contact)
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = s.Keys.BlindIndex(t)
	}
	return out
}

// QueryProblem says what in a search for a customer can find nobody, or "" when nothing does: a
// number too short to be a phone number's end ("12"), or an email address without text on
// either side of its @. Such a part, looked for, would find nothing, or beside others make the
// whole search find nothing, with no word of why.
func QueryProblem(query string) string {
	query = strings.TrimSpace(query)
	if _, ok := phone(strings.ToLower(query)); ok {
		return ""
	}
	for _, field := range strings.Fields(query) {
		if at := strings.LastIndex(field, "@"); at >= 0 {
			if at == 0 || at == len(field)-1 || strings.Count(field, "@") > 1 {
				return fmt.Sprintf("%q is not an email address: give it whole (name@example.com)", field)
			}
			continue
		}
		if _, long := phone(field); !long && strings.ContainsFunc(field, unicode.IsDigit) && onlyDigitsOrMarks(field) {
			return fmt.Sprintf("%q is too short for a phone number: give at least %d digits, the end of the number or all of it", field, minPhoneDigits)
		}
	}
	return ""
}

// onlyDigitsOrMarks reports whether v holds nothing but digits and a phone number's marks.
func onlyDigitsOrMarks(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsDigit(r) && !strings.ContainsRune(" +()-./", r) })
}

// QueryTokens reads a search for a customer: the blind indexes each part of it may match, every
// part to be found. A phone number is one part however it is spaced, an email address another;
// anything else is a part per word of the name, a whole word or, from minPrefix letters, the
// beginning of one (as far as its first maxPrefix letters).
func (s *Sealer) QueryTokens(query string) [][]string {
	query = strings.ToLower(strings.TrimSpace(query))
	var parts [][]string
	indexes := func(terms ...string) []string {
		var out []string
		for _, t := range terms {
			out = append(out, s.Keys.BlindIndexes(t)...)
		}
		return out
	}
	if d, ok := phone(query); ok {
		return [][]string{indexes("p:"+d, "c:"+query)}
	}
	for _, field := range strings.Fields(query) {
		if strings.Contains(field, "@") {
			parts = append(parts, indexes("c:"+field))
			continue
		}
		if d, ok := phone(field); ok {
			// A phone number beside a name ("Patel 07700900123"): the number, as one alone is.
			parts = append(parts, indexes("p:"+d))
			continue
		}
		// Each word without its accents, as names are indexed; with them too, as they were
		// indexed before (until the indexer has made a customer's again).
		bare, raw := words(field), rawWords(field)
		for i, w := range bare {
			terms := nameTerms(w)
			if len(raw) == len(bare) && raw[i] != w {
				terms = append(terms, nameTerms(raw[i])...)
			}
			parts = append(parts, indexes(terms...))
		}
	}
	return parts
}

// nameTerms are the terms a word of a search matches in a name: the word, or the beginning of one.
func nameTerms(w string) []string {
	switch letters := []rune(w); {
	case len(letters) < minPrefix:
		return []string{"n:" + w}
	case len(letters) <= maxPrefix:
		return []string{"n:" + w, "np:" + w}
	default:
		// Longer than any beginning indexed: the word, or one beginning as it does.
		return []string{"n:" + w, "np:" + string(letters[:maxPrefix])}
	}
}
