-- Provenance: the landing files whose rows a chart's window is built from, and the registry and rates, with
-- their rows accepted (the file list stays internal; in public only counts per source and a combined hash).
-- Parameters: first day, last day, first month, last month.
WITH used AS (
    SELECT DISTINCT _file_id FROM stg.transactions WHERE date BETWEEN ? AND ?
    UNION SELECT DISTINCT _file_id FROM stg.exports WHERE month BETWEEN ? AND ?
    UNION SELECT DISTINCT _file_id FROM stg.producers
    UNION SELECT DISTINCT _file_id FROM stg.fx_rates
)
SELECT f.source, f.name, f.path, f.sha256, f.accepted
FROM raw.files f JOIN used u ON u._file_id = f.file_id
ORDER BY f.source, f.name
