-- Undoing a file: quarantined rows it resolved are open again. Parameter: file_id.
UPDATE $quarantine SET resolved_file_id = NULL WHERE resolved_file_id = ?
