-- Every check outcome of one run. Parameter: run_id.
SELECT asset, check_name, partition, severity, blocking, passed, observed, expected, samples,
       value, threshold, numerator, denominator
FROM quality.check_results
WHERE run_id = ?
ORDER BY asset, check_name, partition
