-- Coverage and quality notes for a report period: the latest outcome of each check of the totals marts
-- and of staging in [first, last], with its structured figures (value, threshold, numerator, denominator)
-- for the report to phrase; `observed` is the English log text. Parameters: first, last.
SELECT partition AS period, asset, check_name, passed, value, threshold, numerator, denominator, observed
FROM quality.check_results
WHERE asset IN ('daily_turnover', 'monthly_export_value', 'stg_transactions', 'stg_exports')
  AND partition BETWEEN ? AND ?
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
ORDER BY period, asset, check_name
