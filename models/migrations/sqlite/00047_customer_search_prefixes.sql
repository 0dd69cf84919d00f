-- +goose Up
-- Customers are found by the beginnings of the words of their name too ("Pat" finds Patel): the
-- blind indexes of every action whose customer is not erased are made again, by the workers'
-- indexer, which writes each action's anew. Those already marked stay as they were.
INSERT INTO customer_search_pending (action_id, version)
    SELECT id, version FROM actions
    WHERE erased_at IS NULL AND (customer_name <> '' OR customer_contact <> '')
ON CONFLICT (action_id) DO NOTHING;

-- +goose Down
-- Nothing to undo: the indexes made meanwhile hold the beginnings too, which an earlier release
-- never looks for.
SELECT 1;
