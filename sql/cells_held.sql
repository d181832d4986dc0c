-- Why a family's cells may not be rebuilt: the latest outcome of a blocking check of one of its assets
-- failed (that partition kept its previous rows). Parameter: the family's asset names.
SELECT asset, partition, string_agg(check_name, ', ' ORDER BY check_name) AS checks
FROM (
    SELECT asset, check_name, partition, passed, blocking
    FROM quality.check_results
    WHERE list_contains(?::VARCHAR[], asset)
    QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
)
WHERE blocking AND NOT passed
GROUP BY ALL
ORDER BY partition, asset
