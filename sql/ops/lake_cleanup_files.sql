-- Files of the lake scheduled for deletion more than the retention (days) ago deleted from storage.
CALL ducklake_cleanup_old_files(?, older_than => now() - to_days(?))
