-- +goose Up
-- A claim may also be the recipient routing chose for a handover of an action already in the read
-- model (`route: true`, a shift handover without `to_id`): it counts until the read model shows
-- the handover waiting for that person (or the action theirs), so handovers routed together do
-- not all go to the same least loaded colleague. Each is the claim of one request (request_id:
-- the shift handover, or the handover's own request), so two requests for one action, each
-- releasing its own, never take back the other's.
ALTER TABLE routing_claims ADD COLUMN handover BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE routing_claims ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE routing_claims DROP CONSTRAINT routing_claims_pkey;
ALTER TABLE routing_claims ADD PRIMARY KEY (action_id, staff_id, request_id);

-- +goose Down
DELETE FROM routing_claims WHERE handover;
DELETE FROM routing_claims a USING routing_claims b
    WHERE a.action_id = b.action_id AND (a.staff_id, a.request_id) > (b.staff_id, b.request_id);
ALTER TABLE routing_claims DROP CONSTRAINT routing_claims_pkey;
ALTER TABLE routing_claims ADD PRIMARY KEY (action_id);
ALTER TABLE routing_claims DROP COLUMN request_id;
ALTER TABLE routing_claims DROP COLUMN handover;
