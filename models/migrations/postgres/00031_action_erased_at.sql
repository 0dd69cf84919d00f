-- +goose Up
-- When the customer's personal data was erased, set by the erasure: a customer who gave neither
-- name nor contact, whose row shows no [erased], is known erased by it too. An action erased
-- before takes the time of the first erasure of its customer after it was created (an erasure
-- takes every action of the customer there is then): by the audit trail, else (an erasure before
-- the trail was kept) by the customer's key destroyed, else, where the row shows [erased], the
-- time it was last written. Only those rows are written; the destroyed keys get an index of their
-- own for it (the one on customer_ref holds live keys alone; audit_entries_subject serves the trail).
ALTER TABLE actions ADD COLUMN erased_at TIMESTAMPTZ;
CREATE INDEX customer_keys_destroyed ON customer_keys (customer_ref, destroyed_at) WHERE destroyed_at IS NOT NULL;
UPDATE actions SET erased_at = COALESCE(
    (SELECT MIN(e.at) FROM audit_entries e
     WHERE e.kind = 'customer_erased' AND e.subject_type = 'customer' AND e.at >= actions.created_at
       AND e.subject = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END),
    (SELECT MIN(k.destroyed_at) FROM customer_keys k
     WHERE k.destroyed_at IS NOT NULL AND k.destroyed_at >= actions.created_at
       AND k.customer_ref = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END),
    CASE WHEN customer_name = '[erased]' OR customer_contact = '[erased]' THEN written_at END
)
WHERE customer_name = '[erased]' OR customer_contact = '[erased]'
   OR EXISTS (SELECT 1 FROM audit_entries e
              WHERE e.kind = 'customer_erased' AND e.subject_type = 'customer' AND e.at >= actions.created_at
                AND e.subject = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END)
   OR EXISTS (SELECT 1 FROM customer_keys k
              WHERE k.destroyed_at IS NOT NULL AND k.destroyed_at >= actions.created_at
                AND k.customer_ref = CASE WHEN actions.customer_ref = '' THEN 'action:' || actions.id ELSE actions.customer_ref END);

-- +goose Down
DROP INDEX customer_keys_destroyed;
ALTER TABLE actions DROP COLUMN erased_at;
