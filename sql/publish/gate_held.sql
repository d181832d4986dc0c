-- The publication gate: the periods whose latest outcome of a blocking check of one of the given assets
-- failed. Such a period keeps its previous rows in staging and marts (or none): it is held, not published.
-- Parameter: the asset names (a family's, or all).
SELECT partition, asset, check_name, observed, value, threshold, numerator, denominator
FROM quality.check_results
WHERE list_contains(?::VARCHAR[], asset)
QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
    AND blocking AND NOT passed
ORDER BY partition NULLS FIRST, asset, check_name
