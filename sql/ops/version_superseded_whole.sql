-- How many rows of a whole table's $versions are older than its latest version (what compaction would delete).
-- Parameter: the table's name in meta.partition_versions.
SELECT count(*) FROM $versions WHERE _version < (SELECT max(version) FROM meta.partition_versions WHERE table_name = ?)
