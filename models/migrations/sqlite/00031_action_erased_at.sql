-- +goose Up
-- When the customer's personal data was erased, set by the erasure: a customer who gave neither
-- name nor contact, whose row shows no [erased], is known erased by it too. An action erased
-- before takes the time of the first erasure of its customer after it was created (an erasure
-- takes every action of the customer there is then): by the audit trail, else (an erasure before
-- the trail was kept) by the customer's key destroyed, else, where the row shows [erased], the
-- time it was last written.
ALTER TABLE actions ADD COLUMN erased_at DATETIME;
UPDATE actions SET erased_at = COALESCE(
    (SELECT MIN(e.at) FROM audit_entries e
     WHERE e.kind = 'customer_erased' AND e.subject_type = 'customer' AND e.at >= actions.created_at
       AND e.subject = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END),
    (SELECT MIN(k.destroyed_at) FROM customer_keys k
     WHERE k.destroyed_at IS NOT NULL AND k.destroyed_at >= actions.created_at
       AND k.customer_ref = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END),
    CASE WHEN customer_name = '[erased]' OR customer_contact = '[erased]' THEN written_at END
);

-- +goose Down
ALTER TABLE actions DROP COLUMN erased_at;
