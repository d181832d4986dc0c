-- How many rows of $versions a later version of their partition superseded (what compaction would delete).
-- Parameter: the table's name in meta.partition_versions.
SELECT count(*) FROM $versions AS v
WHERE v._version < (
    SELECT max(p.version) FROM meta.partition_versions p WHERE p.table_name = ? AND p.period = v.$col
)
