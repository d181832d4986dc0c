-- Open quarantined rows of one source by file and reason (quoted values folded, so reasons group).
-- Parameters: first, last (rows without a readable date are always shown).
SELECT f.name AS file, regexp_replace(q.reason, '''[^'']*''', '…', 'g') AS reason, count(*) AS rows
FROM $quarantine q
LEFT JOIN raw.files f ON f.file_id = q._file_id
WHERE q.resolved_file_id IS NULL AND (q.partition_date IS NULL OR q.partition_date BETWEEN ? AND ?)
GROUP BY ALL
ORDER BY rows DESC, file, reason
