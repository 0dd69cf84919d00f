-- +goose Up
-- An internal action: the team's own work, with no customer to tell. FALSE for every action
-- written before this column, which all had (or could have had) a customer.
ALTER TABLE actions ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE actions DROP COLUMN internal;
