-- +goose Up
-- The handover review of each week, kept so trends can be compared week to week. team_id '' is
-- every team together.
CREATE TABLE weekly_reports (
    until      DATETIME NOT NULL,
    team_id    TEXT NOT NULL,
    since      DATETIME NOT NULL,
    body       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (until, team_id)
);

-- +goose Down
DROP TABLE weekly_reports;
