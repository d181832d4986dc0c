-- Undoing a file: the versions it superseded are current again (each has its correction record, `ingest_corrections`).
-- Parameters: source, file_id, file_id.
UPDATE $raw AS r SET _is_current = true
FROM (
    SELECT old_file_id, old_line FROM raw.corrections
    WHERE source = ? AND new_file_id = ? AND old_file_id <> ?
) c
WHERE r._file_id = c.old_file_id AND r._line = c.old_line
