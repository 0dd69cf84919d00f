-- +goose Up
-- An owner chosen by routing for an action whose create has not answered yet: the action is not in
-- the read model, so its owner's open work does not show it. Every API process counts these
-- claims, so routed creates arriving at different processes together do not all go to the same
-- least loaded person. A claim counts until its action is in the read model, or for two minutes
-- (a create that failed without taking its claim back); older ones are deleted by the next claim.
CREATE TABLE routing_claims (
    action_id  TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL,
    claimed_at DATETIME NOT NULL
);
CREATE INDEX routing_claims_staff ON routing_claims (staff_id, claimed_at);

-- +goose Down
DROP TABLE routing_claims;
