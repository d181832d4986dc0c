-- The files of a source already ingested: where each was, its size and modification time when it was read,
-- and its content's sha256. Parameter: source.
SELECT path, size_bytes, modified_at, sha256 FROM raw.files WHERE source = ?
