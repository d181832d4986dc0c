-- The current registry: each producer's category, for the rules that need more than the row.
SELECT producer_id, category FROM raw.producers WHERE _is_current
