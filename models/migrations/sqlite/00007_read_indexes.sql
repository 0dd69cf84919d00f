-- +goose Up
-- Measured at 100k actions (BENCHMARKS.md): a person's actions newest first (GET /actions?owner_id)
-- read the owner's rows in order instead of sorting them, and a supervisor's checks due read the
-- team's actions at that status in due order.
CREATE INDEX actions_owner_created ON actions (owner_id, created_at, id);
CREATE INDEX actions_team_status_due ON actions (team_id, status, due_at);

-- +goose Down
DROP INDEX actions_team_status_due;
DROP INDEX actions_owner_created;
