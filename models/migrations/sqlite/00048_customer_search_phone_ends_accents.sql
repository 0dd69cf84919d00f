-- +goose Up
-- A phone number is found by its end too, six digits or more ("900123" finds +44 7700 900123),
-- and a name without its accents ("Garcia" finds García): the blind indexes of every action whose
-- customer is not erased are made again by the workers' indexer. Those already marked stay as
-- they were.
INSERT INTO customer_search_pending (action_id, version)
    SELECT id, version FROM actions
    WHERE erased_at IS NULL AND (customer_name <> '' OR customer_contact <> '')
ON CONFLICT (action_id) DO NOTHING;

-- +goose Down
-- Nothing to undo: the indexes made meanwhile hold the ends and the names without accents too,
-- which an earlier release never looks for.
SELECT 1;
