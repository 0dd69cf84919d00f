-- +goose Up
-- Team calendars: opening hours (a JSON list of {day, open, close}) in an IANA time zone, and
-- holidays (a JSON list of YYYY-MM-DD dates). A team without a row is open around the clock.
CREATE TABLE team_calendars (
    team_id    TEXT PRIMARY KEY REFERENCES teams (id),
    time_zone  TEXT NOT NULL,
    hours      TEXT NOT NULL,
    holidays   TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- A policy counts business time on the team's calendar, or says 24/7; it names the handover note
-- fields (a JSON list) a handover of its category must fill.
ALTER TABLE policies ADD COLUMN clock TEXT NOT NULL DEFAULT 'business';
ALTER TABLE policies ADD COLUMN required_fields TEXT NOT NULL DEFAULT '[]';
-- Actions show the policy version they run under and whether they wait on the customer.
ALTER TABLE actions ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE actions ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
-- The policy's required note fields as the handover filled them (a JSON object).
ALTER TABLE handovers ADD COLUMN note_fields TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE handovers DROP COLUMN note_fields;
ALTER TABLE actions DROP COLUMN paused;
ALTER TABLE actions DROP COLUMN policy_version;
ALTER TABLE policies DROP COLUMN required_fields;
ALTER TABLE policies DROP COLUMN clock;
DROP TABLE team_calendars;
