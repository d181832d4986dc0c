-- Account for exact duplicates by lineage; their content is already stored. Parameters: file_id, run_id.
INSERT INTO $duplicates BY NAME
SELECT _key, ?::BIGINT AS _file_id, _line, _row_hash, ?::VARCHAR AS _run_id
FROM classified
WHERE is_duplicate
