-- +goose Up
-- The people page lists the oldest failing webhook deliveries (models/webhooks.go,
-- OldestUndeliveredWebhooks): by when each first failed, whatever its action.
CREATE INDEX webhook_deliveries_oldest ON webhook_deliveries (failed_at, id) WHERE delivered_at IS NULL;

-- +goose Down
DROP INDEX webhook_deliveries_oldest;
