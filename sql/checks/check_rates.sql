-- Each staged export item (temp table `candidate`) against the current reference rates in raw — not the
-- staged copy (stg.fx_rates) its valuation read: the rate of its currency and of USD on its date or the
-- latest before (looked up here by a correlated max, not the valuation's ASOF join), and its IDR value.
WITH rates AS (
    SELECT currency, date, rate_idr FROM raw.fx_rates WHERE _is_current
),
truth AS (
    SELECT c.*,
           CASE WHEN c.currency = 'IDR' THEN 1
                ELSE (SELECT arg_max(r.rate_idr, r.date) FROM rates r
                      WHERE r.currency = c.currency AND r.date <= c.peb_date) END AS true_rate,
           (SELECT arg_max(r.rate_idr, r.date) FROM rates r WHERE r.currency = 'USD' AND r.date <= c.peb_date) AS true_usd
    FROM candidate c
),
judged AS (
    SELECT *, coalesce(rate_idr = true_rate AND usd_rate_idr = true_usd
                       AND value_idr = round(fob_value::DECIMAL(38,4) * true_rate, 2), false) AS ok
    FROM truth
)
SELECT _partition AS period, count(*) AS rows, count(*) FILTER (WHERE NOT ok) AS wrong,
       coalesce(list({'peb_number': peb_number, 'hs_code': hs_code, 'peb_date': peb_date::VARCHAR,
                      'currency': currency, 'rate_used': rate_idr::VARCHAR, 'rate_in_raw': true_rate::VARCHAR,
                      'usd_rate_used': usd_rate_idr::VARCHAR, 'usd_rate_in_raw': true_usd::VARCHAR})
                FILTER (WHERE NOT ok), [])[1:20] AS samples
FROM judged
GROUP BY ALL
ORDER BY period
