-- Files of one source whose ingest committed batches but stopped before the file was recorded (a killed
-- process): ids above every recorded file's, found in any table a batch writes. A warehouse file has one
-- writer, so no such file is still being ingested; the scans read only the newest row groups (ids ascend).
-- Parameters: the source.
WITH recorded AS (
    SELECT coalesce(max(file_id), -1) AS last FROM raw.files
)
SELECT DISTINCT file_id FROM (
    SELECT _file_id AS file_id FROM $raw WHERE _file_id > (SELECT last FROM recorded)
    UNION ALL
    SELECT _file_id FROM $quarantine WHERE _file_id > (SELECT last FROM recorded)
    UNION ALL
    SELECT _file_id FROM $duplicates WHERE _file_id > (SELECT last FROM recorded)
    UNION ALL
    SELECT new_file_id FROM raw.corrections WHERE source = ? AND new_file_id > (SELECT last FROM recorded)
)
ORDER BY file_id
