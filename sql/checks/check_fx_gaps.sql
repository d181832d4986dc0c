-- The longest gap in calendar days between consecutive reference rates, per currency.
SELECT currency, max(gap) AS longest_gap, arg_max(date, gap) AS gap_ends
FROM (SELECT currency, date, date - lag(date) OVER (PARTITION BY currency ORDER BY date) AS gap FROM stg.fx_rates)
WHERE gap IS NOT NULL
GROUP BY currency
ORDER BY currency
