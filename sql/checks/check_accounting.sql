-- Every record of a run's files of one source, from the reader's own count (raw.files.rows_read), against what
-- is stored for each file, counted here table by table: accepted versions in raw (current or superseded since),
-- rows quarantined at ingest, exact duplicates and records set aside as not sales. Parameters: source, run_id,
-- source.
WITH files AS (
    SELECT file_id, name, rows_read FROM raw.files WHERE source = ? AND run_id = ?
),
landed AS (
    SELECT _file_id AS file_id, count(*) AS n FROM $raw WHERE _file_id IN (SELECT file_id FROM files) GROUP BY ALL
),
held AS (
    SELECT _file_id AS file_id, count(*) AS n FROM $quarantine
    WHERE stage = 'ingest' AND _file_id IN (SELECT file_id FROM files) GROUP BY ALL
),
dups AS (
    SELECT _file_id AS file_id, count(*) AS n FROM $duplicates WHERE _file_id IN (SELECT file_id FROM files) GROUP BY ALL
),
set_aside AS (
    SELECT _file_id AS file_id, count(*) AS n FROM raw.excluded
    WHERE source = ? AND _file_id IN (SELECT file_id FROM files) GROUP BY ALL
)
SELECT f.name, f.rows_read, coalesce(l.n, 0) AS accepted, coalesce(h.n, 0) AS quarantined,
       coalesce(d.n, 0) AS duplicates, coalesce(x.n, 0) AS excluded
FROM files f
LEFT JOIN landed l USING (file_id)
LEFT JOIN held h USING (file_id)
LEFT JOIN dups d USING (file_id)
LEFT JOIN set_aside x USING (file_id)
ORDER BY f.file_id
