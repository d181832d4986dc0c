-- Files a run rejected, with the reason. Parameter: run_id.
SELECT source, name, path, reason FROM raw.rejected_files WHERE run_id = ? ORDER BY source, name
