-- Each producer's share of every turnover cell, read only to judge disclosure (never printed): the cells of
-- cells_turnover_values.sql (by their last day), from the accepted rows. Parameters: $1, $2 the window.
WITH atoms AS (
    SELECT date, category, kecamatan, producer_id, sum(amount_idr) AS value
    FROM stg.transactions GROUP BY ALL
)
SELECT 'day' AS grid, date AS period_end, NULL AS member, producer_id, sum(value) AS value FROM atoms GROUP BY ALL
UNION ALL SELECT 'day_category', date, category, producer_id, sum(value) FROM atoms GROUP BY ALL
UNION ALL SELECT 'day_kecamatan', date, kecamatan, producer_id, sum(value) FROM atoms GROUP BY ALL
UNION ALL SELECT 'week', date_trunc('week', date)::DATE + 6, NULL, producer_id, sum(value) FROM atoms GROUP BY ALL
UNION ALL SELECT 'week_category', date_trunc('week', date)::DATE + 6, category, producer_id, sum(value)
    FROM atoms GROUP BY ALL
UNION ALL SELECT 'month', last_day(date), NULL, producer_id, sum(value) FROM atoms GROUP BY ALL
UNION ALL SELECT 'window', $2::DATE, NULL, producer_id, sum(value) FROM atoms WHERE date BETWEEN $1 AND $2
    GROUP BY ALL
UNION ALL SELECT 'window_kecamatan', $2::DATE, kecamatan, producer_id, sum(value) FROM atoms
    WHERE date BETWEEN $1 AND $2 GROUP BY ALL
ORDER BY ALL  -- a fixed order: disclosure control must choose the same cells however DuckDB scanned
