-- A monthly mart (staged as `candidate`) against the valued items of [start, end), per month.
WITH mart AS (
    SELECT month, sum(export_value_idr) AS value, sum(items) AS n, min(least(export_value_idr, export_value_usd)) AS lowest,
           sum(export_value_usd) AS value_usd
    FROM candidate GROUP BY month
),
rows AS (
    SELECT month, sum(value_idr) AS value, count(*) AS n, sum(value_usd) AS value_usd
    FROM stg.exports WHERE month >= ? AND month < ? GROUP BY month
)
SELECT month AS period, m.value AS mart_value, r.value AS rows_value, m.n AS mart_n, r.n AS rows_n, m.lowest,
       m.value_usd AS mart_usd, r.value_usd AS rows_usd
FROM mart m FULL JOIN rows r USING (month)
ORDER BY period
