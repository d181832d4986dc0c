-- A daily mart (staged as `candidate`) against the accepted rows of [start, end), per day.
WITH mart AS (
    SELECT date, sum(turnover_idr) AS value, sum(transactions) AS n, min(turnover_idr) AS lowest
    FROM candidate GROUP BY date
),
rows AS (
    SELECT date, sum(amount_idr) AS value, count(*) AS n FROM stg.transactions WHERE date >= ? AND date < ? GROUP BY date
)
SELECT date AS period, m.value AS mart_value, r.value AS rows_value, m.n AS mart_n, r.n AS rows_n, m.lowest
FROM mart m FULL JOIN rows r USING (date)
ORDER BY period
