package models

import "context"

// MigrateDownTo undoes the migrations after version, by their own Down sections: the read model
// as a release that knew no later one left it, for the tests of what a later migration does to
// the rows such a release wrote.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// SearchedText is the SQL expression of the text the word search reads.
func (s *Store) SearchedText() string { return s.searchedText() }

// BareRefSQL is the SQL expression of the text expr without the separators of a reference.
func (s *Store) BareRefSQL(expr string) string { return s.bareRefSQL(expr) }

// DuplicateOf is the SQL expression of the duplicate_of of an event's data.
func (s *Store) DuplicateOf(data string) string { return s.duplicateOf(data) }
