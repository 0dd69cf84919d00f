-- +goose Up
-- A projection that writes over seqs another write reached (a workflow task the server threw
-- away wrote them first) replaces that action's inbox records: found by action, not by recipient.
CREATE INDEX notifications_action ON notifications (action_id, seq);

-- +goose Down
DROP INDEX notifications_action;
