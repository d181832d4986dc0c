-- A re-sent row that is now accepted takes its key out of quarantine (the old row stays, marked resolved).
-- Parameter: file_id of the file that brought the accepted rows.
UPDATE $quarantine SET resolved_file_id = ?
WHERE resolved_file_id IS NULL AND stage = 'ingest' AND _key IN (SELECT _key FROM incoming)
