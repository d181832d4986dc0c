-- Runs with check outcomes, newest first, with their failures and warnings.
SELECT run_id, max(checked_at) AS last_checked,
       count(*) FILTER (NOT passed AND severity = 'ERROR') AS failed,
       count(*) FILTER (NOT passed AND severity = 'WARN') AS warnings,
       string_agg(DISTINCT asset, ', ' ORDER BY asset) AS assets
FROM quality.check_results
GROUP BY run_id
ORDER BY last_checked DESC
LIMIT 200
