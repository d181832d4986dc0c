-- Months whose export values may change with new rates: every month with items on or after the first new date.
-- Parameter: file_id.
SELECT DISTINCT ?::BIGINT AS file_id, 'month' AS grain, date_trunc('month', e.peb_date)::DATE AS period
FROM raw.exports e
WHERE e._is_current AND e.peb_date >= (
    SELECT min(date) FROM incoming WHERE _line NOT IN (SELECT _line FROM classified WHERE is_duplicate)
)
