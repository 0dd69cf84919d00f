-- +goose Up
-- The projection writes an action's timeline from inside the workflow task of the change, before
-- Temporal records the task. A process that dies in between (kill -9, a power cut) leaves events
-- past the version the workflow reached, for a change that never took effect. Once the action's
-- row is put back to its workflow's version, such an event may be withdrawn: the one change the
-- timeline takes besides a correction, kept in action_event_corrections as that is. An event at or
-- before the action's version stays append-only.
DROP TRIGGER action_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_delete BEFORE DELETE ON action_events
WHEN NOT EXISTS (SELECT 1 FROM actions WHERE id = OLD.action_id AND version < OLD.seq)
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: DELETE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_events_withdrawn AFTER DELETE ON action_events
BEGIN
    INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
    VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER action_events_withdrawn;
DROP TRIGGER action_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_delete BEFORE DELETE ON action_events
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: DELETE refused');
END;
-- +goose StatementEnd
