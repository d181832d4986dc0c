-- Undoing a file: its correction records. Parameters: source, file_id.
DELETE FROM raw.corrections WHERE source = ? AND new_file_id = ?
