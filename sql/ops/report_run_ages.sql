-- Each run with check outcomes: when it was last checked, and whether it published something — built a
-- family's cells, recorded published or current cells, or holds the latest outcome of some check of some
-- partition (its checks vouch for data that is still what the marts, and so the publications, hold).
-- Its quality report's retention depends on both.
WITH vouching AS (
    SELECT DISTINCT run_id FROM quality.check_results
    QUALIFY row_number() OVER (PARTITION BY asset, check_name, partition ORDER BY checked_at DESC) = 1
)
SELECT run_id, max(checked_at) AS last_checked,
       run_id IN (SELECT run_id FROM publish.builds WHERE outcome = 'built'
                  UNION SELECT run_id FROM publish.published_cells
                  UNION SELECT run_id FROM publish.cells
                  UNION SELECT run_id FROM vouching) AS published
FROM quality.check_results
GROUP BY run_id
