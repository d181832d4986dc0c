-- Open quarantined rows of one source that a run ingested or that lie in its partitions, with their file.
-- Parameters: run_id, first partition, last partition.
SELECT q.* EXCLUDE (_key), f.name AS file
FROM $quarantine q
LEFT JOIN raw.files f ON f.file_id = q._file_id
WHERE q.resolved_file_id IS NULL AND (q._run_id = ? OR q.partition_date BETWEEN ? AND ?)
ORDER BY q._file_id, q._line
