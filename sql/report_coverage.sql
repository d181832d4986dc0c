-- Coverage and quality notes for a report period: the latest outcome of each check of the totals marts
-- and of staging in [first, last]. Parameters: first, last.
SELECT partition AS period, check_name, passed, observed
FROM quality.check_results
WHERE asset IN ('daily_turnover', 'monthly_export_value', 'stg_transactions', 'stg_exports')
  AND partition BETWEEN ? AND ?
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
ORDER BY period, check_name
