-- The key index follows the versions just stored as current (those `ingest_insert` marks current).
-- Parameter: file_id.
INSERT INTO $keys
SELECT b._key_hash, ?::BIGINT, b._line
FROM batch_keys b
LEFT JOIN classified c USING (_line)
WHERE NOT coalesce(c.is_duplicate, false) AND coalesce(c.is_last, true)
