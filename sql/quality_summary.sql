-- The latest outcome of every check and partition in [first, last] (unpartitioned checks: their latest).
SELECT asset, check_name, partition, severity, passed, observed, expected, checked_at
FROM quality.check_results
WHERE partition IS NULL OR partition BETWEEN ? AND ?
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
ORDER BY asset, check_name, partition
