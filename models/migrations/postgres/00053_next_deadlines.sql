-- +goose Up
-- When an action at its check is escalated if nobody checks it (check_by), and when an escalated
-- one goes up a level or is raised again if nobody acts (escalate_by): NULL otherwise, and on a row
-- a release before this one wrote until its next change. Actions at their check now take their
-- check_by from their latest due entry, which says it.
ALTER TABLE actions ADD COLUMN check_by TIMESTAMPTZ;
ALTER TABLE actions ADD COLUMN escalate_by TIMESTAMPTZ;
UPDATE actions SET check_by = (
    SELECT (e.data::jsonb ->> 'check_by')::timestamptz FROM action_events e
    WHERE e.action_id = actions.id AND e.type = 'due'
    ORDER BY e.seq DESC LIMIT 1)
WHERE status = 'checking';

-- +goose Down
ALTER TABLE actions DROP COLUMN escalate_by;
ALTER TABLE actions DROP COLUMN check_by;
