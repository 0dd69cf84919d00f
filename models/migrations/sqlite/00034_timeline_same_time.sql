-- +goose Up
-- A workflow task the server throws away and the task that takes its place can run at the same
-- workflow time (an Update's task dropped and given again), so the workflow's own event at a seq
-- a discarded task filled may come with the same time as the row it replaces, not a later one.
-- Such a row, different from the workflow's, is replaced too (the projection replaces only a row
-- that differs), while it is of the action's last change (the projection has just written the
-- action at that time): an earlier row stays as it is. It is kept in action_event_corrections, as
-- every row replaced is.
DROP TRIGGER action_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
WHEN NOT (NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND (NEW.at > OLD.at OR (NEW.at = OLD.at AND
    (NEW.type IS NOT OLD.type OR NEW.actor_id IS NOT OLD.actor_id OR NEW.cause IS NOT OLD.cause OR NEW.data IS NOT OLD.data) AND
    EXISTS (SELECT 1 FROM actions WHERE id = NEW.action_id AND updated_at = NEW.at))))
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER action_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
WHEN NOT (NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND NEW.at > OLD.at)
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
