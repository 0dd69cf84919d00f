-- +goose Up
-- A claim may also be the recipient routing chose for a handover of an action already in the read
-- model (`route: true`, a shift handover without `to_id`): it counts until the read model shows
-- the handover waiting for that person (or the action theirs), so handovers routed together do
-- not all go to the same least loaded colleague. Each is the claim of one request (request_id:
-- the shift handover, or the handover's own request), so two requests for one action, each
-- releasing its own, never take back the other's.
CREATE TABLE routing_claims_new (
    action_id  TEXT NOT NULL,
    staff_id   TEXT NOT NULL,
    request_id TEXT NOT NULL DEFAULT '',
    claimed_at DATETIME NOT NULL,
    handover   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (action_id, staff_id, request_id)
);
INSERT INTO routing_claims_new (action_id, staff_id, claimed_at) SELECT action_id, staff_id, claimed_at FROM routing_claims;
DROP TABLE routing_claims;
ALTER TABLE routing_claims_new RENAME TO routing_claims;
CREATE INDEX routing_claims_staff ON routing_claims (staff_id, claimed_at);

-- +goose Down
CREATE TABLE routing_claims_old (
    action_id  TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL,
    claimed_at DATETIME NOT NULL
);
INSERT INTO routing_claims_old (action_id, staff_id, claimed_at)
    SELECT action_id, MIN(staff_id), MAX(claimed_at) FROM routing_claims WHERE NOT handover GROUP BY action_id;
DROP TABLE routing_claims;
ALTER TABLE routing_claims_old RENAME TO routing_claims;
CREATE INDEX routing_claims_staff ON routing_claims (staff_id, claimed_at);
