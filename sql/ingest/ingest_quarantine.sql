-- Keep a file's rejected rows (registered as `rejected_rows`) as received, with their reasons.
-- Parameters: file_id, run_id.
INSERT INTO $quarantine BY NAME
SELECT * EXCLUDE (_reason, _row_hash, _line, _partition_date),
       _reason AS reason, 'ingest' AS stage, _partition_date AS partition_date,
       ?::BIGINT AS _file_id, _line, _row_hash, ?::VARCHAR AS _run_id
FROM rejected_rows
