-- Snapshots of the lake older than the retention (days) expired: the files only they refer to are scheduled for
-- deletion. The current snapshot is never expired.
CALL ducklake_expire_snapshots(?, older_than => now() - to_days(?))
