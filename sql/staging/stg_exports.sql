-- Export items of [start, end) valued in IDR and USD with the reference rate of peb_date, or the latest
-- earlier one. `missing_rate` names what is missing; such items are quarantined instead of valued.
WITH items AS (
    SELECT * FROM raw.exports WHERE _is_current AND peb_date >= ? AND peb_date < ?
),
rated AS (
    SELECT i.*, r.rate_idr AS fx_rate, r.date AS fx_date
    FROM items i ASOF LEFT JOIN stg.fx_rates r ON i.currency = r.currency AND i.peb_date >= r.date
),
usd AS (
    SELECT * FROM stg.fx_rates WHERE currency = 'USD'
),
valued AS (
    SELECT x.*, u.rate_idr AS usd_rate_idr, u.date AS usd_rate_date,
           CASE WHEN x.currency = 'IDR' THEN 1 ELSE x.fx_rate END AS rate_idr,
           CASE WHEN x.currency = 'IDR' THEN NULL ELSE x.fx_date END AS rate_date
    FROM rated x ASOF LEFT JOIN usd u ON x.peb_date >= u.date
)
SELECT date_trunc('month', peb_date)::DATE AS month,
       peb_number, peb_date, producer_id, hs_code, hs_chapter, hs_heading, commodity, description,
       quantity, unit, net_weight_kg, fob_value, currency, destination_country, port_of_loading,
       rate_idr, rate_date, usd_rate_idr, usd_rate_date,
       round(fob_value::DECIMAL(38,4) * rate_idr, 2)::DECIMAL(38,2) AS value_idr,
       -- the USD value is the IDR value divided by the USD rate used for that date
       CASE WHEN currency = 'USD' THEN fob_value
            ELSE round(round(fob_value::DECIMAL(38,4) * rate_idr, 2) / usd_rate_idr, 2) END::DECIMAL(38,2) AS value_usd,
       CASE WHEN rate_idr IS NULL
                THEN 'no usable ' || currency || ' reference rate on or before ' || peb_date::VARCHAR
            WHEN usd_rate_idr IS NULL
                THEN 'no USD reference rate on or before ' || peb_date::VARCHAR || ' to value it in USD'
       END AS missing_rate,
       _file_id, _line, _row_hash, _run_id
FROM valued
