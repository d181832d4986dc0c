-- Record every correction: the replaced version and the replacing row. Parameters: source, file_id, run_id.
INSERT INTO raw.corrections
SELECT ?::VARCHAR, _key, prev_file_id, prev_line, prev_row_hash, ?::BIGINT, _line, _row_hash, ?::VARCHAR
FROM classified
WHERE prev_row_hash IS NOT NULL AND NOT is_duplicate
