-- +goose Up
-- When new data was last sealed with a live key (at most once an hour), so that an erasure by
-- retention does not take the key of a customer who has come back and whose new action is being
-- made. A key without one was last used when it was made.
ALTER TABLE customer_keys ADD COLUMN last_used_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE customer_keys DROP COLUMN last_used_at;
