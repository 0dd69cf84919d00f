package pii_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/pii"
)

// found says whether a customer indexed with tokens is found by a search of parts: each part
// has one of its tokens among them, as the read model's filter asks.
func found(tokens []string, parts [][]string) bool {
	if len(parts) == 0 {
		return false
	}
	for _, part := range parts {
		if !slices.ContainsFunc(part, func(t string) bool { return slices.Contains(tokens, t) }) {
			return false
		}
	}
	return true
}

// A customer is found by words of their name, whole or their beginnings of three letters or more,
// in any case and order, by their email address, and by their phone number however it is written;
// not by two letters, the middle or end of a word, another number, nor once erased. No token holds
// what it stands for.
func TestCustomerSearchTokens(t *testing.T) {
	t.Parallel()
	first := codec.NewKey()
	keys, err := codec.NewKeyring(first)
	require.NoError(t, err)
	s := &pii.Sealer{Keys: keys}
	patel := s.SearchTokens("Ms Anna-Maria Patel", "+44 (0)7700 900123")
	ann := s.SearchTokens("Ann Smith", "Ann.Smith@Example.com")
	for _, tok := range append(slices.Clone(patel), ann...) {
		// The number's nine digits: a shorter run of digits may come up in a hex token by chance
		// ("7700" in one token of 300 or so).
		require.NotContains(t, tok, "patel")
		require.NotContains(t, tok, "700900123")
	}
	cases := []struct {
		query string
		want  []string // who is found
	}{
		{"Patel", []string{"patel"}},
		{"patel anna", []string{"patel"}},
		{"Anna-Maria", []string{"patel"}},
		{"07700 900123", []string{"patel"}},
		{"+447700900123", []string{"patel"}},
		{"(07700) 900-123", []string{"patel"}},
		{"ann.smith@example.com", []string{"ann"}},
		{"ANN", []string{"patel", "ann"}},
		{"Pat", []string{"patel"}},
		{"pate ann", []string{"patel"}},
		{"Pa", nil},
		{"atel", nil},
		{"smi", []string{"ann"}},
		{"Patel Smith", nil},
		{"07700 900124", nil},
		{"900123", []string{"patel"}},
		{"0 900 123", []string{"patel"}},
		{"7700900123", []string{"patel"}},
		{"900124", nil},
		{"Patel 07700900123", []string{"patel"}},
		{"Smith 07700900123", nil},
		{"00123", nil},
		{"smith@example.com", nil},
	}
	for _, tc := range cases {
		var got []string
		if found(patel, s.QueryTokens(tc.query)) {
			got = append(got, "patel")
		}
		if found(ann, s.QueryTokens(tc.query)) {
			got = append(got, "ann")
		}
		require.Equal(t, tc.want, got, tc.query)
	}
	// A long word's beginnings are indexed up to twelve letters: a longer beginning finds it by its
	// first twelve.
	long := s.SearchTokens("Maria Kowalczykowska", "")
	for q, want := range map[string]bool{"Kowal": true, "kowalczykows": true, "Kowalczykowska": true, "kowalczykowsk": true, "kowalczykowa": false} {
		require.Equal(t, want, found(long, s.QueryTokens(q)), q)
	}
	// Accents are left out, as a name heard on the phone is typed: with them or without, it is
	// found; one indexed with them, before, by a search that has them.
	garcia := s.SearchTokens("Mr José García", "")
	lukasz := s.SearchTokens("Łukasz Straße", "")
	for q, who := range map[string][]string{
		"Jose": garcia, "garcia": garcia, "GARCÍA": garcia, "García José": garcia, "garc": garcia,
		"Lukasz": lukasz, "łukasz": lukasz, "strasse": lukasz, "Straße": lukasz,
	} {
		require.True(t, found(who, s.QueryTokens(q)), q)
	}
	require.False(t, found(garcia, s.QueryTokens("garcio")))
	indexedBefore := []string{keys.BlindIndex("n:garcía"), keys.BlindIndex("np:garc")}
	require.True(t, found(indexedBefore, s.QueryTokens("García")), "as indexed before accents were left out")
	require.Empty(t, s.SearchTokens(pii.Erased, pii.Erased), "an erased customer is found by nothing")
	require.Empty(t, s.QueryTokens("  - "), "nothing to look for")
	for q, problem := range map[string]string{
		"12": `"12" is too short for a phone number`, "Patel 900": `"900" is too short`, "@@": `"@@" is not an email address`,
		"ann@": `"ann@" is not an email address`, "@example.com": "not an email address", "a@b@c": "not an email address",
		"Patel": "", "900123": "", "ann@example.com": "", "07700 900123": "", "Kowal 3rd": "", "": "", "Patel 07700900123": "",
	} {
		if problem == "" {
			require.Empty(t, pii.QueryProblem(q), q)
		} else {
			require.Contains(t, pii.QueryProblem(q), problem, q)
		}
	}

	// After a rotation, a customer indexed under the earlier key is still found.
	rotated, err := codec.NewKeyring(codec.NewKey(), first)
	require.NoError(t, err)
	after := &pii.Sealer{Keys: rotated}
	require.True(t, found(patel, after.QueryTokens("patel")))
	require.False(t, slices.Equal(patel, after.SearchTokens("Ms Anna-Maria Patel", "+44 (0)7700 900123")), "new tokens are under the new key")
}
