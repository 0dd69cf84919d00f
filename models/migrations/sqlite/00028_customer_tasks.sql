-- +goose Up
-- A task to tell the customer a message (an inbox record of kind customer_message) is done once
-- someone records telling them: read_at is set then. The tasks given before it could be recorded
-- count as done, so that the inbox does not list them all at once; the inbox reads the open ones
-- by this index.
UPDATE notifications SET read_at = created_at WHERE kind = 'customer_message' AND read_at IS NULL;
CREATE INDEX notifications_to_tell ON notifications (recipient_id, created_at) WHERE kind = 'customer_message' AND read_at IS NULL;

-- +goose Down
DROP INDEX notifications_to_tell;
