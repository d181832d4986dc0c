-- The checks behind a chart: the latest outcome per asset, check and partition in the window, summed up.
-- Parameters: asset names, first period, last period.
SELECT asset, check_name, count(*) AS partitions, bool_and(passed) AS passed
FROM (
    SELECT asset, check_name, partition, passed
    FROM quality.check_results
    WHERE list_contains(?::VARCHAR[], asset) AND (partition IS NULL OR partition BETWEEN ? AND ?)
    QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
)
GROUP BY ALL
ORDER BY asset, check_name
