-- Rows per partition of the staged rows (temp table `candidate`): what a bulk check's unexpected rows are
-- counted against (pipelines/quality/bulk.py).
SELECT _partition, count(*) AS rows
FROM candidate
GROUP BY ALL
ORDER BY _partition
