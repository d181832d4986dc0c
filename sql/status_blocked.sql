-- Partitions whose latest outcome of a blocking check failed: what `sentra status` lists as blocked.
SELECT asset, check_name, partition, observed
FROM quality.check_results
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
    AND blocking AND NOT passed
ORDER BY asset, check_name, partition
