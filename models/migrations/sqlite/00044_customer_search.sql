-- +goose Up
-- Blind indexes of the words of each action's customer's name and contact (sealed in actions):
-- keyed hashes a search for a customer matches, from which the words cannot be read back without
-- the process key. Written with the action by the projection of its create or of a correction of
-- the customer; deleted by an erasure. Actions written before this table have none until then.
CREATE TABLE customer_search (
    token TEXT NOT NULL,
    action_id TEXT NOT NULL,
    PRIMARY KEY (token, action_id)
);
CREATE INDEX customer_search_action ON customer_search (action_id);

-- +goose Down
DROP TABLE customer_search;
