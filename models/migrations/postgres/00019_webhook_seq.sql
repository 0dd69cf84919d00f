-- +goose Up
-- Each waiting delivery's place in its action's timeline: they are sent again in that order, as
-- the first failures' times (concurrent deliveries of one change set) do not keep it.
ALTER TABLE webhook_deliveries ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE webhook_deliveries SET seq = COALESCE((event::json->>'seq')::BIGINT, 0);
DROP INDEX webhook_deliveries_waiting;
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (action_id, seq, id) WHERE delivered_at IS NULL;

-- +goose Down
DROP INDEX webhook_deliveries_waiting;
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (failed_at, id) WHERE delivered_at IS NULL;
ALTER TABLE webhook_deliveries DROP COLUMN seq;
