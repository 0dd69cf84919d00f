-- +goose Up
-- The Temporal namespace whose actions the read model holds, by its ID (unique to the cluster,
-- unlike its name), recorded by the first api, worker or dev to start on it: a process given
-- another namespace's read model, or a new read model beside a namespace that already has
-- actions, refuses to start rather than write and read actions apart from the rest. One row.
CREATE TABLE served_namespaces (
    one          INTEGER PRIMARY KEY CHECK (one = 1),
    namespace_id TEXT NOT NULL,
    namespace    TEXT NOT NULL,
    bound_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE served_namespaces;
