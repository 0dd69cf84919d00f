-- +goose Up
-- A claim may also be the recipient routing chose for a handover of an action already in the read
-- model (`route: true`, a shift handover without `to_id`): it counts until the read model shows
-- the handover waiting for that person (or the action theirs), so handovers routed together do
-- not all go to the same least loaded colleague.
ALTER TABLE routing_claims ADD COLUMN handover BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE routing_claims DROP COLUMN handover;
