-- +goose Up
-- The in-app inbox: one row per person and notification, written once.
CREATE TABLE notifications (
    recipient_id TEXT NOT NULL,
    action_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    cause        TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    read_at      DATETIME,
    PRIMARY KEY (recipient_id, action_id, seq, kind)
);
CREATE INDEX notifications_recipient_created ON notifications (recipient_id, created_at);

-- Category policies: each change is a new version; an action keeps the version it started with.
-- Durations are in seconds; NULL takes the global default.
CREATE TABLE policies (
    category        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    accept_within   INTEGER,
    check_within    INTEGER,
    escalate_within INTEGER,
    assign_within   INTEGER,
    follow_up_every INTEGER,
    created_by      TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (category, version)
);

-- +goose Down
DROP TABLE policies;
DROP TABLE notifications;
