-- Record a family's build decision. Parameters: family, run_id, time (UTC), outcome, reason, cells, fingerprint.
INSERT INTO publish.builds (family, run_id, built_at, outcome, reason, cells, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)
