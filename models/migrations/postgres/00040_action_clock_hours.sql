-- +goose Up
-- The opening hours an action's clocks count, as it started with them (its team's calendar then:
-- time zone and hours, as JSON), or '' when they count around the clock; null on a row last
-- written by a release before this column.
ALTER TABLE actions ADD COLUMN clock_hours TEXT;

-- +goose Down
ALTER TABLE actions DROP COLUMN clock_hours;
