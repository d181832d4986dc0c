-- The run that last ingested or rejected a landing file, and when (UTC).
SELECT run_id, stamp FROM (
    SELECT run_id, ingested_at AS stamp FROM raw.files UNION ALL SELECT run_id, rejected_at FROM raw.rejected_files
) ORDER BY stamp DESC LIMIT 1
