-- Compaction of a whole table: every version older than the latest.
-- Parameter: the table's name in meta.partition_versions.
DELETE FROM $versions WHERE _version < (SELECT max(version) FROM meta.partition_versions WHERE table_name = ?)
