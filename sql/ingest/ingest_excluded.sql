-- Keep a file's records that are not sales (registered as `excluded_rows`) whole, with their reasons.
-- Parameters: source, file_id, run_id.
INSERT INTO raw.excluded
SELECT ?::VARCHAR, ?::BIGINT, _line, reason, record, ?::VARCHAR FROM excluded_rows
