-- Every turnover figure a release can print, from the marts: days (by category and kecamatan too), ISO
-- weeks (by category too), months, and the charts' window (by kecamatan too). Sums of mart rows only.
-- Parameters: $1, $2 the window's first and last day.
SELECT 'day' AS grid, date AS period, date AS period_end, NULL AS member,
       turnover_idr::DECIMAL(38,2) AS value, NULL::DECIMAL(38,2) AS usd, transactions AS count,
       active_producers AS producers
FROM marts.daily_turnover
UNION ALL
SELECT 'day_category', date, date, category, turnover_idr, NULL, transactions, active_producers
FROM marts.daily_turnover_by_category
UNION ALL
SELECT 'day_kecamatan', date, date, kecamatan, turnover_idr, NULL, transactions, active_producers
FROM marts.daily_turnover_by_kecamatan
UNION ALL
SELECT 'week', date_trunc('week', date)::DATE, date_trunc('week', date)::DATE + 6, NULL,
       sum(turnover_idr), NULL, sum(transactions), NULL
FROM marts.daily_turnover GROUP BY ALL
UNION ALL
SELECT 'week_category', date_trunc('week', date)::DATE, date_trunc('week', date)::DATE + 6, category,
       sum(turnover_idr), NULL, sum(transactions), NULL
FROM marts.daily_turnover_by_category GROUP BY ALL
UNION ALL
SELECT 'month', date_trunc('month', date)::DATE, last_day(date), NULL, sum(turnover_idr), NULL, sum(transactions), NULL
FROM marts.daily_turnover GROUP BY ALL
UNION ALL
SELECT 'window', $1::DATE, $2::DATE, NULL, sum(turnover_idr), NULL, sum(transactions), NULL
FROM marts.daily_turnover WHERE date BETWEEN $1 AND $2 HAVING count(*) > 0
UNION ALL
SELECT 'window_kecamatan', $1::DATE, $2::DATE, kecamatan, sum(turnover_idr), NULL, sum(transactions), NULL
FROM marts.daily_turnover_by_kecamatan WHERE date BETWEEN $1 AND $2 GROUP BY kecamatan
ORDER BY ALL  -- a fixed order: disclosure control must choose the same cells however DuckDB scanned
