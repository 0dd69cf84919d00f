-- +goose Up
-- Migration 34 let the projection replace a timeline row with one of the same time that said
-- something else. A discarded workflow task and the one given in its place can carry the same
-- workflow time, and either's write can come last, so the later write is not the workflow's
-- more often than it is: under concurrent commands the rule put discarded rows over the
-- workflow's own as often as the other way round. Back to a later time only, as migration 33 had.
-- (Discarded tasks under concurrent commands came of Temporal's limit of in-flight Updates per
-- workflow, which the embedded server no longer sets and the API now stays under.)
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
