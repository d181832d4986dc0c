-- A new version of a whole table (the registry, the rates) in meta.partition_versions: no period.
-- Parameters: table name, version, run id, version.
INSERT INTO meta.partition_versions
SELECT ?, NULL, ?, count(*), ?, timezone('UTC', now()) FROM $versions WHERE _version = ?
