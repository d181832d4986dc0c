-- Share of a partition's rows that are in quarantine (open), per period of [start, end).
-- Parameters: grain ('day' or 'month'), start, end, grain, start, end.
WITH accepted AS (
    SELECT date_trunc(?, $date_col)::DATE AS period, count(*) AS n
    FROM $raw WHERE _is_current AND $date_col >= ? AND $date_col < ? GROUP BY ALL
),
held AS (
    SELECT date_trunc(?, partition_date)::DATE AS period, count(*) AS n
    FROM $quarantine WHERE resolved_file_id IS NULL AND partition_date >= ? AND partition_date < ? GROUP BY ALL
)
SELECT period, coalesce(a.n, 0) AS accepted, coalesce(h.n, 0) AS quarantined
FROM accepted a FULL JOIN held h USING (period)
ORDER BY period
