-- +goose Up
CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    team_id    TEXT REFERENCES teams (id),
    authority  INTEGER NOT NULL DEFAULT 0,
    on_shift   BOOLEAN NOT NULL DEFAULT TRUE,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- Bearer tokens, stored as SHA-256 hashes: a leaked table does not leak tokens.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    label      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE actions (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    details             TEXT NOT NULL,
    category            TEXT NOT NULL,
    priority            TEXT NOT NULL,
    status              TEXT NOT NULL,
    owner_id            TEXT NOT NULL DEFAULT '',
    team_id             TEXT NOT NULL DEFAULT '',
    customer_ref        TEXT NOT NULL DEFAULT '',
    customer_name       TEXT NOT NULL DEFAULT '',
    customer_contact    TEXT NOT NULL DEFAULT '',
    required_authority  INTEGER NOT NULL DEFAULT 0,
    due_at              TIMESTAMPTZ NOT NULL,
    escalation_level    INTEGER NOT NULL DEFAULT 0,
    pending_handover_id TEXT NOT NULL DEFAULT '',
    outcome             TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    request_hash        TEXT NOT NULL DEFAULT '',
    version             BIGINT NOT NULL
);
CREATE INDEX actions_team_created ON actions (team_id, created_at, id);
CREATE INDEX actions_owner_status ON actions (owner_id, status);
CREATE INDEX actions_status_due ON actions (status, due_at);
CREATE INDEX actions_customer_ref ON actions (customer_ref);
CREATE INDEX actions_created ON actions (created_at, id);

CREATE TABLE handovers (
    action_id        TEXT NOT NULL REFERENCES actions (id),
    id               TEXT NOT NULL,
    from_id          TEXT NOT NULL,
    to_id            TEXT NOT NULL,
    reason           TEXT NOT NULL,
    method           TEXT NOT NULL,
    situation        TEXT NOT NULL,
    summary          TEXT NOT NULL,
    customer_context TEXT NOT NULL,
    done_so_far      TEXT NOT NULL,
    next_steps       TEXT NOT NULL,
    risks            TEXT NOT NULL,
    customer_message TEXT NOT NULL,
    follow_up_at     TIMESTAMPTZ,
    status           TEXT NOT NULL,
    requested_at     TIMESTAMPTZ NOT NULL,
    responded_at     TIMESTAMPTZ,
    accept_summary   TEXT NOT NULL,
    decline_reason   TEXT NOT NULL,
    PRIMARY KEY (action_id, id)
);
CREATE INDEX handovers_to_status ON handovers (to_id, status);

-- The timeline is append-only: rows are inserted once, keyed by the action's sequence number.
CREATE TABLE action_events (
    action_id TEXT NOT NULL REFERENCES actions (id),
    seq       BIGINT NOT NULL,
    type      TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    cause     TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (action_id, seq)
);

-- +goose Down
DROP TABLE action_events;
DROP TABLE handovers;
DROP TABLE actions;
DROP TABLE api_tokens;
DROP TABLE staff;
DROP TABLE teams;
