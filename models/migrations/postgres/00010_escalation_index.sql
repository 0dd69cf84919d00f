-- +goose Up
-- The escalations among every timeline event, for the metrics' counts by reason at each scrape
-- (a partial index: a few rows beside the whole timeline).
CREATE INDEX action_events_escalated ON action_events (type) WHERE type = 'escalated';

-- +goose Down
DROP INDEX action_events_escalated;
