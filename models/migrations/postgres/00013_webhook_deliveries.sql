-- +goose Up
-- Webhook deliveries that failed, kept until one gets through: the event as it was to be sent (its
-- personal data sealed), so that one the workflow gave up on (after a day of retries) can be sent
-- again by `handover admin webhooks redeliver` instead of being lost to the integration.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL,
    event TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
-- The undelivered ones, oldest failure first.
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (failed_at, id) WHERE delivered_at IS NULL;

-- +goose Down
DROP TABLE webhook_deliveries;
