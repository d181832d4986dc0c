-- Store a file's new versions; only the last version of each key is current. Rows not classified are new
-- single versions (the join's small side is the classified rows). Parameters: file_id, run_id.
INSERT INTO $raw BY NAME
SELECT i.*, coalesce(c.is_last, true) AS _is_current, ?::BIGINT AS _file_id, ?::VARCHAR AS _run_id
FROM incoming i
LEFT JOIN classified c USING (_line)
WHERE NOT coalesce(c.is_duplicate, false)
