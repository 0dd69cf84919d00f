-- +goose Up
-- Browser sessions of the web UI. The cookie holds a random id; only its hash is kept. A session
-- lives on the API token it was opened with: revoking the token ends the session too.
CREATE TABLE ui_sessions (
    id_hash    TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX ui_sessions_expires_at ON ui_sessions (expires_at);
-- The live updates of the UI follow actions by the time they last changed.
CREATE INDEX actions_updated_at ON actions (updated_at);

-- +goose Down
DROP INDEX actions_updated_at;
DROP TABLE ui_sessions;
