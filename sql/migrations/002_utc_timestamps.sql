-- 002: one convention for the times the pipeline stores: naive TIMESTAMP in UTC. People are shown WIB
-- (Asia/Jakarta, UTC+7) where the times are displayed, never in the warehouse.
--
-- Until now three conventions were mixed:
--   * published_at, revised_at: written by Python as Jakarta wall-clock time (WIB). WIB has had no
--     daylight saving since 1964, so UTC is exactly 7 hours earlier.
--   * ingested_at, rejected_at, checked_at: `now()::TIMESTAMP`, the wall-clock time of the DuckDB session's
--     TimeZone, which DuckDB takes from the host (the TZ variable, else the system zone). Converted here
--     from the zone of the session applying this migration: the host that upgrades a warehouse is taken
--     to be the one that wrote it. (On a UTC host nothing changes. A warehouse moved from a host in
--     another zone: upgrade it once with TZ set to that zone, e.g. `TZ=Asia/Jakarta sentra run ...`.)
--   * modified_at, built_at, applied_at: already UTC.

UPDATE publish.published_cells SET published_at = published_at - INTERVAL 7 HOUR;
UPDATE publish.revisions SET revised_at = revised_at - INTERVAL 7 HOUR;

UPDATE raw.files SET ingested_at = timezone('UTC', ingested_at::TIMESTAMPTZ);
UPDATE raw.rejected_files SET rejected_at = timezone('UTC', rejected_at::TIMESTAMPTZ);
UPDATE quality.check_results SET checked_at = timezone('UTC', checked_at::TIMESTAMPTZ);

-- The convention, in the catalogue itself (duckdb_columns().comment) for whoever queries the warehouse.
COMMENT ON COLUMN raw.files.modified_at IS 'UTC: the landing file''s modification time';
COMMENT ON COLUMN raw.files.ingested_at IS 'UTC';
COMMENT ON COLUMN raw.rejected_files.rejected_at IS 'UTC';
COMMENT ON COLUMN quality.check_results.checked_at IS 'UTC';
COMMENT ON COLUMN publish.published_cells.published_at IS 'UTC';
COMMENT ON COLUMN publish.revisions.revised_at IS 'UTC';
COMMENT ON COLUMN publish.cells.built_at IS 'UTC';
COMMENT ON COLUMN publish.builds.built_at IS 'UTC';
-- Times of sales are data, not the pipeline's: the contract reads them as Jakarta time and keeps both.
COMMENT ON COLUMN raw.transactions.occurred_at IS 'local time, Asia/Jakarta (WIB)';
COMMENT ON COLUMN raw.transactions.occurred_at_utc IS 'UTC';
COMMENT ON COLUMN stg.transactions.occurred_at_local IS 'local time, Asia/Jakarta (WIB)';
COMMENT ON COLUMN stg.transactions.occurred_at_utc IS 'UTC';
