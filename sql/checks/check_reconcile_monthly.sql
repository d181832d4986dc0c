-- A monthly mart (staged as `candidate`) against the current export items in raw of [start, end), valued
-- here afresh from the current rates in raw (not from staging). Items with no rate on or before their date
-- are held in quarantine, so they count on neither side.
WITH rates AS (
    SELECT currency, date, rate_idr FROM raw.fx_rates WHERE _is_current
),
items AS (
    SELECT date_trunc('month', i.peb_date)::DATE AS month, i.fob_value, i.currency,
           CASE WHEN i.currency = 'IDR' THEN 1
                ELSE (SELECT arg_max(r.rate_idr, r.date) FROM rates r
                      WHERE r.currency = i.currency AND r.date <= i.peb_date) END AS rate,
           (SELECT arg_max(r.rate_idr, r.date) FROM rates r WHERE r.currency = 'USD' AND r.date <= i.peb_date) AS usd
    FROM raw.exports i
    WHERE i._is_current AND i.peb_date >= ? AND i.peb_date < ?
),
rows AS (
    SELECT month, sum(round(fob_value::DECIMAL(38,4) * rate, 2)::DECIMAL(38,2)) AS value, count(*) AS n,
           sum(CASE WHEN currency = 'USD' THEN fob_value
                    ELSE round(round(fob_value::DECIMAL(38,4) * rate, 2) / usd, 2) END::DECIMAL(38,2)) AS value_usd
    FROM items
    WHERE rate IS NOT NULL AND usd IS NOT NULL
    GROUP BY month
),
mart AS (
    SELECT month, sum(export_value_idr) AS value, sum(items) AS n, sum(export_value_usd) AS value_usd
    FROM candidate GROUP BY month
)
SELECT month AS period, m.value AS mart_value, r.value AS rows_value, m.n AS mart_n, r.n AS rows_n,
       m.value_usd AS mart_usd, r.value_usd AS rows_usd
FROM mart m FULL JOIN rows r USING (month)
ORDER BY period
