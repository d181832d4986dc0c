-- Days whose by-category and by-kecamatan figures change when these producers' attributes change.
-- Parameter: file_id.
SELECT DISTINCT ?::BIGINT AS file_id, 'day' AS grain, t.local_date AS period
FROM raw.transactions t
WHERE t._is_current AND t.producer_id IN (SELECT producer_id FROM incoming WHERE _line NOT IN (
    SELECT _line FROM classified WHERE is_duplicate
))
