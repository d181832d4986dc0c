-- Data files of the lake at least the given share deleted (by compaction) rewritten without their deleted rows.
CALL ducklake_rewrite_data_files(?, delete_threshold => ?)
