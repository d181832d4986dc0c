-- Partitions whose latest check outcome is a blocking failure: their published figures are held back.
SELECT asset, partition, string_agg(check_name, ', ' ORDER BY check_name) AS checks
FROM (
    SELECT asset, check_name, partition, passed, blocking
    FROM quality.check_results
    QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
)
WHERE blocking AND NOT passed
GROUP BY ALL
ORDER BY partition, asset
