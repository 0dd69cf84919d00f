-- +goose Up
-- Blind indexes of the words of each action's customer's name and contact (sealed in actions):
-- keyed hashes a search for a customer matches, from which the words cannot be read back without
-- the process key. The projection of a create or of a correction of the customer marks the action
-- in customer_search_pending, at its version, in its own transaction; a worker's indexer opens
-- the customer's data, writes the indexes and unmarks it. An erasure deletes both. The actions
-- already written whose customer is not erased are marked here, for the indexer to index them.
CREATE TABLE customer_search (
    token TEXT NOT NULL,
    action_id TEXT NOT NULL,
    PRIMARY KEY (token, action_id)
);
CREATE INDEX customer_search_action ON customer_search (action_id);
CREATE TABLE customer_search_pending (
    action_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO customer_search_pending (action_id, version)
    SELECT id, version FROM actions
    WHERE erased_at IS NULL AND (customer_name <> '' OR customer_contact <> '');

-- +goose Down
DROP TABLE customer_search_pending;
DROP TABLE customer_search;
