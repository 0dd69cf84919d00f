package models

import "strings"

// The word search (ActionFilter.Text) reads letters without their accents, so that "jose" and
// "Jose" find "José": foldFrom's letters, capitals too, each read as the letter of foldTo at its
// place, after lower case. PostgreSQL reads the stored texts so with translate() (as the search's
// trigram index holds them, migration 00049), SQLite with sqliteFold, and the words looked for
// are folded alike (foldWord). One letter for one: ß, æ and œ stay as they are.
const (
	foldFrom = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
	foldTo   = "aaaaaaceeeeiiiinoooooouuuuyaaaaaaceeeeiiiinoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllllnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz"
)

// foldMarks are the combining accents, U+0300 to U+036F, which fold reads as nothing: a text typed
// with its accents apart ("e" then U+0301) reads as one without.
func foldMarks() string {
	var b strings.Builder
	for r := rune(0x300); r <= 0x36f; r++ {
		b.WriteRune(r)
	}
	return b.String()
}

// newFolder folds foldFrom's letters to foldTo's.
func newFolder() *strings.Replacer {
	from, to := []rune(foldFrom), []rune(foldTo)
	marks := foldMarks()
	pairs := make([]string, 0, 2*(len(from)+len(marks)))
	for i := range from {
		pairs = append(pairs, string(from[i]), string(to[i]))
	}
	for _, mark := range marks {
		pairs = append(pairs, string(mark), "")
	}
	return strings.NewReplacer(pairs...)
}

// folder is newFolder's, made once (a Replacer is safe for concurrent use, and never changed): the
// search folds each word it looks for, and SQLite each text it reads.
var folder = newFolder()

// foldWord is a word looked for, in lower case without the accents the search ignores.
func foldWord(s string) string { return folder.Replace(strings.ToLower(s)) }

// foldedSQL is PostgreSQL's expression of foldWord of the SQL expression expr, as the search's
// index is built on it.
func foldedSQL(expr string) string {
	// translate() deletes the characters of its second text past the length of its third: the marks.
	return "translate(lower(" + expr + "), '" + foldFromMarks + "', '" + foldTo + "')"
}

// foldFromMarks is translate()'s second text: foldFrom's letters, then the marks it deletes.
var foldFromMarks = foldFrom + foldMarks()
