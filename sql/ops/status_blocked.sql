-- Blocking checks whose latest outcome failed, outside the given assets (the publication gate's, which
-- `pipelines.publish.gate` reports as held periods). Parameter: the gate's asset names.
SELECT asset, check_name, partition, observed
FROM quality.check_results
WHERE NOT list_contains(?::VARCHAR[], asset)
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
    AND blocking AND NOT passed
ORDER BY asset, check_name, partition
