-- +goose Up
-- Why a paused action waits on the customer (the pause's reason), '' while it runs. Actions paused
-- now take it from their latest paused entry; a later write keeps it from the workflow's state.
ALTER TABLE actions ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';
UPDATE actions SET pause_reason = COALESCE((
    SELECT json_extract(e.data, '$.reason') FROM action_events e
    WHERE e.action_id = actions.id AND e.type = 'paused'
    ORDER BY e.seq DESC LIMIT 1), '')
WHERE paused;

-- +goose Down
ALTER TABLE actions DROP COLUMN pause_reason;
