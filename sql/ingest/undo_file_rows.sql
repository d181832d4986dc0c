-- Undoing a file: its rows in one of the tables its batches write. Parameter: file_id.
DELETE FROM $table WHERE _file_id = ?
