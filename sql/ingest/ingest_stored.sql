-- The current stored versions of the batch's keys (`batch_keys`), found through the key index $keys: only
-- its narrow hash column is scanned whatever the history, and only the rows it points to are read from
-- $raw (none at all for a batch of new keys). The exact key is compared too: two keys may share a hash.
WITH hits AS MATERIALIZED (
    SELECT k._file_id, k._line FROM $keys k SEMI JOIN batch_keys b USING (_key_hash)
)
SELECT r._key, r._row_hash, r._file_id, r._line
FROM $raw r
SEMI JOIN hits h ON r._file_id = h._file_id AND r._line = h._line
WHERE r._is_current AND r._key IN (SELECT _key FROM batch_keys)
