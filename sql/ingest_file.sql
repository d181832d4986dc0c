-- Provenance and row accounting of one ingested file.
INSERT INTO raw.files VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)
