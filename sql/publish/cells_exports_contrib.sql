-- Each exporter's share of every export cell, read only to judge disclosure (never printed). The same cells
-- as cells_exports_values.sql, from the accepted items. Parameters: $1, $2 the window's first and last month.
WITH atoms AS (
    SELECT month, commodity, destination_country, producer_id, sum(value_idr) AS value
    FROM stg.exports GROUP BY ALL
), upto AS (SELECT DISTINCT month AS upto FROM atoms)
SELECT 'month' AS grid, last_day(month) AS period_end, NULL AS member, producer_id, sum(value) AS value
FROM atoms GROUP BY ALL
UNION ALL SELECT 'month_commodity', last_day(month), commodity, producer_id, sum(value) FROM atoms GROUP BY ALL
UNION ALL SELECT 'month_destination', last_day(month), destination_country, producer_id, sum(value)
    FROM atoms GROUP BY ALL
UNION ALL SELECT 'ytd', last_day(upto), NULL, producer_id, sum(value)
    FROM upto JOIN atoms ON year(month) = year(upto) AND month <= upto GROUP BY ALL
UNION ALL SELECT 'ytd_commodity', last_day(upto), commodity, producer_id, sum(value)
    FROM upto JOIN atoms ON year(month) = year(upto) AND month <= upto GROUP BY ALL
UNION ALL SELECT 'window', last_day($2::DATE), NULL, producer_id, sum(value) FROM atoms
    WHERE month BETWEEN $1 AND $2 GROUP BY ALL
UNION ALL SELECT 'window_destination', last_day($2::DATE), destination_country, producer_id, sum(value) FROM atoms
    WHERE month BETWEEN $1 AND $2 GROUP BY ALL
ORDER BY ALL  -- a fixed order: disclosure control must choose the same cells however DuckDB scanned
