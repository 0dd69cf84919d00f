-- +goose Up
-- When each action's row was last written to the read model: the change it holds may be older (a
-- projection that waited out an outage keeps the time the change was made, in updated_at). A
-- catch-up sweep (updated_since) and the live updates follow this, so a late write is not missed.
ALTER TABLE actions ADD COLUMN written_at TIMESTAMPTZ;
UPDATE actions SET written_at = updated_at;
CREATE INDEX actions_written_at ON actions (written_at);
DROP INDEX actions_updated_at;

-- +goose Down
CREATE INDEX actions_updated_at ON actions (updated_at);
DROP INDEX actions_written_at;
ALTER TABLE actions DROP COLUMN written_at;
