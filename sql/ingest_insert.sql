-- Store a file's new versions; only the last version of each key is current. Parameters: file_id, run_id.
INSERT INTO $raw BY NAME
SELECT i.* EXCLUDE (_content), c._row_hash, c.is_last AS _is_current,
       ?::BIGINT AS _file_id, ?::VARCHAR AS _run_id
FROM incoming i
JOIN classified c USING (_line)
WHERE NOT c.is_duplicate
