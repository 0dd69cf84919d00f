-- +goose Up
-- When a pending handover lapses unless its recipient answers (moved by pause and resume), so the
-- recipient sees it. Rows written before have none until their action's next projection.
ALTER TABLE handovers ADD COLUMN expires_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE handovers DROP COLUMN expires_at;
