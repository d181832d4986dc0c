-- The latest outcome of every check and partition in [first, last]; monthly assets (listed in the last
-- parameter) by the months that overlap it; unpartitioned checks by their latest run.
-- Parameters: first, last, monthly asset names, first, last, monthly asset names.
SELECT asset, check_name, partition, severity, passed, observed, expected, checked_at
FROM quality.check_results
WHERE partition IS NULL
   OR (partition BETWEEN ? AND ? AND NOT list_contains(?::VARCHAR[], asset))
   OR (partition BETWEEN date_trunc('month', ?::DATE) AND ? AND list_contains(?::VARCHAR[], asset))
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
ORDER BY asset, check_name, partition
