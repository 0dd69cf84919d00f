-- +goose Up
-- Migration 34 let the projection replace a timeline row with one of the same time that said
-- something else. A discarded workflow task and the one given in its place can carry the same
-- workflow time, and either's write can come last, so the later write is not the workflow's
-- more often than it is: under concurrent commands the rule put discarded rows over the
-- workflow's own as often as the other way round. Back to a later time only, as migration 22 had.
-- (Discarded tasks under concurrent commands came of Temporal's limit of in-flight Updates per
-- workflow, which the embedded server no longer sets and the API now stays under.)
DROP TRIGGER action_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
WHEN NOT (NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND NEW.at > OLD.at)
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose Down
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
