-- Partitions a file changes: the dates of its new versions and of the versions they replace.
-- Parameters: file_id, grain ('day' or 'month').
SELECT DISTINCT ?::BIGINT AS file_id, ?::VARCHAR AS grain, date_trunc(?, _partition_date)::DATE AS period
FROM (
    SELECT $date_col AS _partition_date FROM incoming
    WHERE _line NOT IN (SELECT _line FROM classified WHERE is_duplicate)
    UNION ALL
    SELECT r.$date_col FROM $raw r
    SEMI JOIN stored s ON r._file_id = s._file_id AND r._line = s._line
    WHERE r._key IN (SELECT _key FROM classified WHERE prev_row_hash IS NOT NULL)
)
WHERE _partition_date IS NOT NULL
