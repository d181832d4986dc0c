-- Provenance and row accounting of one ingested file. ingested_at: UTC, whatever the host's time zone.
INSERT INTO raw.files (file_id, source, name, path, sha256, size_bytes, modified_at, ingested_at, run_id, rows_read,
                       accepted, quarantined, duplicates, corrections, excluded, format, notes)
VALUES (?, ?, ?, ?, ?, ?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?, ?, ?, ?, ?)
