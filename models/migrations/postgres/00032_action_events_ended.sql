-- +goose Up
-- The entry that ended each action (completed or cancelled; an action ends once): the inbox reads
-- it for each customer to tell, to say when the action's records close, and which actions still
-- take records, without reading the rest of each timeline.
CREATE INDEX action_events_ended ON action_events (action_id, at) WHERE type IN ('completed', 'cancelled');

-- +goose Down
DROP INDEX action_events_ended;
