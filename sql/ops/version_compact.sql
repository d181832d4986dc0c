-- Compaction: the rows of $versions that a later version of their partition superseded.
-- Parameter: the table's name in meta.partition_versions.
DELETE FROM $versions AS v
WHERE v._version < (
    SELECT max(p.version) FROM meta.partition_versions p WHERE p.table_name = ? AND p.period = v.$col
)
