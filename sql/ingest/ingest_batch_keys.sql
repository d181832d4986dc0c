-- The batch's accepted rows' keys with the key index's hash, computed once per row: the top 64 bits of the
-- key's md5 (stable across DuckDB versions, which `hash()` is not promised to be).
SELECT _line, _key, (md5_number(_key) >> 64)::UBIGINT AS _key_hash FROM incoming
