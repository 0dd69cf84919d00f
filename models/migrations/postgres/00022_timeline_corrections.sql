-- +goose Up
-- The projection writes an action's timeline from inside the workflow task of the change. A task
-- the server throws away (Updates it aborts under load and redelivers, in another order) may have
-- written events at seqs the workflow then fills with others. The timeline stays append-only but
-- for one change: the workflow's own event put in place of such a row, which it can tell by its
-- later time (the discarded task ran first). The row replaced is kept, append-only, here.
CREATE TABLE action_event_corrections (
    action_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    type         TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    cause        TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    data         TEXT NOT NULL,
    corrected_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX action_event_corrections_action ON action_event_corrections (action_id, seq);

-- +goose StatementBegin
CREATE FUNCTION handover_event_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND NEW.at > OLD.at THEN
        INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
        VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, now());
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
-- +goose StatementEnd
DROP TRIGGER action_events_append_only ON action_events;
CREATE TRIGGER action_events_append_only BEFORE UPDATE OR DELETE ON action_events
    FOR EACH ROW EXECUTE FUNCTION handover_event_corrected();
CREATE TRIGGER action_event_corrections_append_only BEFORE UPDATE OR DELETE ON action_event_corrections
    FOR EACH ROW EXECUTE FUNCTION handover_append_only();
CREATE TRIGGER action_event_corrections_no_truncate BEFORE TRUNCATE ON action_event_corrections
    FOR EACH STATEMENT EXECUTE FUNCTION handover_append_only();

-- +goose Down
DROP TRIGGER action_event_corrections_no_truncate ON action_event_corrections;
DROP TRIGGER action_event_corrections_append_only ON action_event_corrections;
DROP TRIGGER action_events_append_only ON action_events;
CREATE TRIGGER action_events_append_only BEFORE UPDATE OR DELETE ON action_events
    FOR EACH ROW EXECUTE FUNCTION handover_append_only();
DROP FUNCTION handover_event_corrected();
DROP TABLE action_event_corrections;
