-- +goose Up
-- Who handed the action to its owner (asked to check at the due time), and the next follow-up
-- reminder: the inbox shows both.
ALTER TABLE actions ADD COLUMN hander_id TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN follow_up_at DATETIME;
CREATE INDEX actions_hander_status ON actions (hander_id, status);
-- The recipient's feedback on a handover: was the information enough?
ALTER TABLE handovers ADD COLUMN feedback_rating INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handovers ADD COLUMN feedback_comment TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE handovers DROP COLUMN feedback_comment;
ALTER TABLE handovers DROP COLUMN feedback_rating;
DROP INDEX actions_hander_status;
ALTER TABLE actions DROP COLUMN follow_up_at;
ALTER TABLE actions DROP COLUMN hander_id;
