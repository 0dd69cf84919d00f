-- +goose Up
-- The projection writes an action's timeline from inside the workflow task of the change. A task
-- the server throws away (Updates it aborts under load and redelivers, in another order) may have
-- written events at seqs the workflow then fills with others. The timeline stays append-only but
-- for one change: the workflow's own event put in place of such a row, which it can tell by its
-- later time (the discarded task ran first). The row replaced is kept, append-only, here.
CREATE TABLE action_event_corrections (
    action_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    cause        TEXT NOT NULL,
    at           DATETIME NOT NULL,
    data         TEXT NOT NULL,
    corrected_at DATETIME NOT NULL
);
CREATE INDEX action_event_corrections_action ON action_event_corrections (action_id, seq);

DROP TRIGGER action_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
WHEN NOT (NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND NEW.at > OLD.at)
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_events_corrected AFTER UPDATE ON action_events
BEGIN
    INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
    VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_event_corrections_no_update BEFORE UPDATE ON action_event_corrections
BEGIN
    SELECT RAISE(ABORT, 'action_event_corrections is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER action_event_corrections_no_delete BEFORE DELETE ON action_event_corrections
BEGIN
    SELECT RAISE(ABORT, 'action_event_corrections is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER action_event_corrections_no_delete;
DROP TRIGGER action_event_corrections_no_update;
DROP TRIGGER action_events_corrected;
DROP TRIGGER action_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER action_events_no_update BEFORE UPDATE ON action_events
BEGIN
    SELECT RAISE(ABORT, 'action_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
DROP TABLE action_event_corrections;
