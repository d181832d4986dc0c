-- Record a family's build decision. Parameters: family, run_id, time (UTC), outcome, reason, cells.
INSERT INTO publish.builds VALUES (?, ?, ?, ?, ?, ?)
