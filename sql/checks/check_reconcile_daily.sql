-- A daily mart (staged as `candidate`) against the current accepted rows in raw of [start, end), per day,
-- counted here apart from staging: a mart built from a stale or partial stg.transactions differs.
WITH mart AS (
    SELECT date, sum(turnover_idr) AS value, sum(transactions) AS n FROM candidate GROUP BY date
),
rows AS (
    SELECT local_date AS date, sum(amount_idr) AS value, count(*) AS n
    FROM raw.transactions
    WHERE _is_current AND local_date >= ? AND local_date < ?
    GROUP BY date
)
SELECT date AS period, m.value AS mart_value, r.value AS rows_value, m.n AS mart_n, r.n AS rows_n
FROM mart m FULL JOIN rows r USING (date)
ORDER BY period
