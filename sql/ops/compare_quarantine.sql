-- A source's quarantine as two builds can share it: each rejected row as received, its reason and stage, the
-- file it came in by name and whether a later row resolved it (file and run ids are left out: they are
-- numbered by each build).
SELECT q.* EXCLUDE (_file_id, _run_id, resolved_file_id), f.name AS file_name,
       q.resolved_file_id IS NOT NULL AS resolved
FROM $quarantine q
LEFT JOIN $files f ON f.file_id = q._file_id
