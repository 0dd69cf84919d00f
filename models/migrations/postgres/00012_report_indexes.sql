-- +goose Up
-- The handovers made in a window, for the handover review (the manager view, the weekly report):
-- without it every review read every handover ever made, whatever its window.
CREATE INDEX handovers_requested_at ON handovers (requested_at);

-- +goose Down
DROP INDEX handovers_requested_at;
