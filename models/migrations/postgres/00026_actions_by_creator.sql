-- +goose Up
-- An integration's own actions, newest first (GET /actions?created_by=crm): the one list an
-- integration that created thousands reads to follow them.
CREATE INDEX actions_creator_created ON actions (created_by, created_at, id);

-- +goose Down
DROP INDEX actions_creator_created;
