-- +goose Up
-- When a member of staff last changed (their shift, team, role, authority, whether active): the
-- live stream tells the pages that show them, as it tells them of actions.
ALTER TABLE staff ADD COLUMN changed_at DATETIME;

-- +goose Down
ALTER TABLE staff DROP COLUMN changed_at;
