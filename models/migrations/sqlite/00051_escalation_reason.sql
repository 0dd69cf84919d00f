-- +goose Up
-- Why an escalated action is escalated, and since when it is at its level ('' and NULL while it is
-- not): the lists of escalated actions say it. Actions escalated now take them from their latest
-- escalated entry; a later write keeps them from the workflow's state.
ALTER TABLE actions ADD COLUMN escalation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN escalated_at DATETIME;
UPDATE actions SET escalation_reason = COALESCE((
    SELECT json_extract(e.data, '$.reason') FROM action_events e
    WHERE e.action_id = actions.id AND e.type = 'escalated'
    ORDER BY e.seq DESC LIMIT 1), ''),
  escalated_at = (
    SELECT e.at FROM action_events e
    WHERE e.action_id = actions.id AND e.type = 'escalated'
    ORDER BY e.seq DESC LIMIT 1)
WHERE status = 'escalated';

-- +goose Down
ALTER TABLE actions DROP COLUMN escalated_at;
ALTER TABLE actions DROP COLUMN escalation_reason;
