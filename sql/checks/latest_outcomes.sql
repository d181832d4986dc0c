-- The latest outcome of each check of an asset (whole-table checks: no partition), with the run that recorded it.
-- Parameter: the asset.
SELECT check_name, passed, observed, run_id
FROM quality.check_results
WHERE asset = ? AND partition IS NULL
QUALIFY row_number() OVER (PARTITION BY check_name ORDER BY checked_at DESC) = 1
ORDER BY check_name
