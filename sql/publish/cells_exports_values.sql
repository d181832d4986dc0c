-- Every export figure a release can print, from the marts: months (by commodity and destination too), the
-- year to date of every month (by commodity too), and the charts' window (by destination too).
-- Parameters: $1, $2 the window's first and last month.
WITH ytd AS (
    SELECT a.month AS upto, b.* FROM marts.monthly_export_value a
    JOIN marts.monthly_export_value b ON year(b.month) = year(a.month) AND b.month <= a.month
), ytd_commodity AS (
    SELECT a.month AS upto, b.* FROM marts.monthly_export_value a
    JOIN marts.monthly_export_value_by_commodity b ON year(b.month) = year(a.month) AND b.month <= a.month
)
SELECT 'month' AS grid, month AS period, last_day(month) AS period_end, NULL AS member,
       export_value_idr AS value, export_value_usd AS usd, items AS count, exporters AS producers
FROM marts.monthly_export_value
UNION ALL
SELECT 'month_commodity', month, last_day(month), commodity, export_value_idr, export_value_usd, items, exporters
FROM marts.monthly_export_value_by_commodity
UNION ALL
SELECT 'month_destination', month, last_day(month), destination_country, export_value_idr, export_value_usd, items,
       exporters
FROM marts.monthly_export_value_by_destination
UNION ALL
SELECT 'ytd', date_trunc('year', upto)::DATE, last_day(upto), NULL, sum(export_value_idr), sum(export_value_usd),
       sum(items), NULL
FROM ytd GROUP BY ALL
UNION ALL
SELECT 'ytd_commodity', date_trunc('year', upto)::DATE, last_day(upto), commodity, sum(export_value_idr),
       sum(export_value_usd), sum(items), NULL
FROM ytd_commodity GROUP BY ALL
UNION ALL
SELECT 'window', $1::DATE, last_day($2::DATE), NULL, sum(export_value_idr), sum(export_value_usd), sum(items), NULL
FROM marts.monthly_export_value WHERE month BETWEEN $1 AND $2 HAVING count(*) > 0
UNION ALL
SELECT 'window_destination', $1::DATE, last_day($2::DATE), destination_country, sum(export_value_idr),
       sum(export_value_usd), sum(items), NULL
FROM marts.monthly_export_value_by_destination WHERE month BETWEEN $1 AND $2 GROUP BY ALL
ORDER BY ALL  -- a fixed order: disclosure control must choose the same cells however DuckDB scanned
