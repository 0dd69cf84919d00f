package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// PendingCustomer is an action whose customer is to be indexed for search: their name and contact
// (sealed) as the action's row holds them at Version.
type PendingCustomer struct {
	ActionID string
	Version  int64
	Name     string
	Contact  string
}

// PendingCustomerSearch lists up to limit actions whose customer is to be indexed for search.
func (s *Store) PendingCustomerSearch(ctx context.Context, limit int) ([]PendingCustomer, error) {
	var out []PendingCustomer
	err := s.read.WithContext(ctx).Table("customer_search_pending AS p").
		Select("p.action_id, a.version, a.customer_name AS name, a.customer_contact AS contact").
		Joins("JOIN actions a ON a.id = p.action_id").Order("p.action_id").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the customers to index: %w", err)
	}
	return out, nil
}

// IndexedCustomer is the blind indexes an action's customer is found by, as its row stood at
// Version.
type IndexedCustomer struct {
	ActionID string
	Version  int64
	Tokens   []string
}

// WriteCustomerSearch makes each action's blind indexes those given, in one transaction, and
// unmarks it unless a later write marked it again (a correction made meanwhile is indexed next).
func (s *Store) WriteCustomerSearch(ctx context.Context, indexed []IndexedCustomer) error {
	if len(indexed) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		for _, c := range indexed {
			if err := tx.Where("action_id = ?", c.ActionID).Delete(&CustomerSearch{}).Error; err != nil {
				return fmt.Errorf("removing the customer search of action %s: %w", c.ActionID, err)
			}
			if len(c.Tokens) > 0 {
				rows := make([]CustomerSearch, len(c.Tokens))
				for i, t := range c.Tokens {
					rows[i] = CustomerSearch{Token: t, ActionID: c.ActionID}
				}
				if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
					return fmt.Errorf("writing the customer search of action %s: %w", c.ActionID, err)
				}
			}
			if err := tx.Where("action_id = ? AND version <= ?", c.ActionID, c.Version).Delete(&CustomerSearchPending{}).Error; err != nil {
				return fmt.Errorf("unmarking the customer of action %s: %w", c.ActionID, err)
			}
		}
		return nil
	})
}

// MarkCustomersForSearch marks every action whose customer is not erased to be indexed again (a
// rotation of the process key: the indexes are made again under the new one, before the old is
// retired), and answers how many.
func (s *Store) MarkCustomersForSearch(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec(`INSERT INTO customer_search_pending (action_id, version)
		SELECT id, version FROM actions WHERE erased_at IS NULL AND (customer_name <> '' OR customer_contact <> '')
		ON CONFLICT (action_id) DO UPDATE SET version = excluded.version`)
	if res.Error != nil {
		return 0, fmt.Errorf("marking the customers to index again: %w", res.Error)
	}
	return res.RowsAffected, nil
}
