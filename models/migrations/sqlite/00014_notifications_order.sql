-- +goose Up
-- A person's inbox in the order it is read, newest first, with its ties broken by the rest of the
-- key: a page of it reads only its own records, and the next page starts where the last ended
-- (the old index on (recipient_id, created_at) left every record of the person to be sorted).
CREATE INDEX notifications_recipient_order ON notifications (recipient_id, created_at, seq, action_id, kind);
DROP INDEX notifications_recipient_created;

-- +goose Down
CREATE INDEX notifications_recipient_created ON notifications (recipient_id, created_at);
DROP INDEX notifications_recipient_order;
