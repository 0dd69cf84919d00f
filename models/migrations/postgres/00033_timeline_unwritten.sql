-- +goose Up
-- The projection writes an action's timeline from inside the workflow task of the change, before
-- Temporal records the task. A process that dies in between (kill -9, a power cut) leaves events
-- past the version the workflow reached, for a change that never took effect. Once the action's
-- row is put back to its workflow's version, such an event may be withdrawn: the one change the
-- timeline takes besides a correction, kept in action_event_corrections as that is. An event at or
-- before the action's version stays append-only.
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION handover_event_corrected() RETURNS trigger LANGUAGE plpgsql AS $$
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
