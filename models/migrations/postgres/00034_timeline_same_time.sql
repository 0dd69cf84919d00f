-- +goose Up
-- A workflow task the server throws away and the task that takes its place can run at the same
-- workflow time (an Update's task dropped and given again), so the workflow's own event at a seq
-- a discarded task filled may come with the same time as the row it replaces, not a later one.
-- Such a row, different from the workflow's, is replaced too (the projection replaces only a row
-- that differs), while it is of the action's last change (the projection has just written the
-- action at that time): an earlier row stays as it is. It is kept in action_event_corrections, as
-- every row replaced is.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION handover_event_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND (NEW.at > OLD.at OR (NEW.at = OLD.at AND
            (NEW.type, NEW.actor_id, NEW.cause, NEW.data) IS DISTINCT FROM (OLD.type, OLD.actor_id, OLD.cause, OLD.data) AND
            EXISTS (SELECT 1 FROM actions WHERE id = NEW.action_id AND updated_at = NEW.at))) THEN
        INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
        VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, now());
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM actions WHERE id = OLD.action_id AND version < OLD.seq) THEN
        INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
        VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, now());
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION handover_event_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.action_id = OLD.action_id AND NEW.seq = OLD.seq AND NEW.at > OLD.at THEN
        INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
        VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, now());
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM actions WHERE id = OLD.action_id AND version < OLD.seq) THEN
        INSERT INTO action_event_corrections (action_id, seq, type, actor_id, cause, at, data, corrected_at)
        VALUES (OLD.action_id, OLD.seq, OLD.type, OLD.actor_id, OLD.cause, OLD.at, OLD.data, now());
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
-- +goose StatementEnd
