-- 006: partitions written as versions, never deleted in place, so writers of one table never wait for each
-- other (a DuckLake delete conflicts with any concurrent write of its table; appends do not). Each staging and
-- mart table becomes `<table>_versions`, holding every version written with its `_version`, and a view of the
-- old name shows each partition's latest version (meta.partition_versions says which it is; a partition whose
-- latest version has no rows shows none). A check that blocks writes no version, so the previous one stays
-- visible. Superseded versions are deleted by `sentra compact` (pipelines/warehouse/versions.py).
-- The rows already stored become version 0 of their partitions.
CREATE SEQUENCE IF NOT EXISTS meta.partition_version_seq START 1;
CREATE TABLE IF NOT EXISTS meta.partition_versions (
    table_name VARCHAR NOT NULL,  -- the view readers use, e.g. 'marts.daily_turnover'
    period     DATE,              -- the partition (a day or a month's first day); NULL for a whole table
    version    BIGINT NOT NULL,   -- from meta.partition_version_seq (a lake: PostgreSQL's sentra_version_seq)
    rows       BIGINT NOT NULL,   -- rows the version holds for this period
    run_id     VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL -- UTC
);
ALTER TABLE stg.producers RENAME TO producers_versions;
ALTER TABLE stg.producers_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE stg.producers_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE stg.fx_rates RENAME TO fx_rates_versions;
ALTER TABLE stg.fx_rates_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE stg.fx_rates_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE stg.transactions RENAME TO transactions_versions;
ALTER TABLE stg.transactions_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE stg.transactions_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE stg.exports RENAME TO exports_versions;
ALTER TABLE stg.exports_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE stg.exports_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.daily_turnover RENAME TO daily_turnover_versions;
ALTER TABLE marts.daily_turnover_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.daily_turnover_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.daily_turnover_by_category RENAME TO daily_turnover_by_category_versions;
ALTER TABLE marts.daily_turnover_by_category_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.daily_turnover_by_category_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.daily_turnover_by_kecamatan RENAME TO daily_turnover_by_kecamatan_versions;
ALTER TABLE marts.daily_turnover_by_kecamatan_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.daily_turnover_by_kecamatan_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.monthly_export_value RENAME TO monthly_export_value_versions;
ALTER TABLE marts.monthly_export_value_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.monthly_export_value_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.monthly_export_value_by_commodity RENAME TO monthly_export_value_by_commodity_versions;
ALTER TABLE marts.monthly_export_value_by_commodity_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.monthly_export_value_by_commodity_versions ALTER COLUMN _version SET NOT NULL;
ALTER TABLE marts.monthly_export_value_by_destination RENAME TO monthly_export_value_by_destination_versions;
ALTER TABLE marts.monthly_export_value_by_destination_versions ADD COLUMN _version BIGINT DEFAULT 0;
ALTER TABLE marts.monthly_export_value_by_destination_versions ALTER COLUMN _version SET NOT NULL;
INSERT INTO meta.partition_versions
SELECT 'stg.producers', NULL, 0, count(*), 'migration-006', timezone('UTC', now()) FROM stg.producers_versions;
INSERT INTO meta.partition_versions
SELECT 'stg.fx_rates', NULL, 0, count(*), 'migration-006', timezone('UTC', now()) FROM stg.fx_rates_versions;
INSERT INTO meta.partition_versions
SELECT 'stg.transactions', date, 0, count(*), 'migration-006', timezone('UTC', now()) FROM stg.transactions_versions GROUP BY date;
INSERT INTO meta.partition_versions
SELECT 'stg.exports', month, 0, count(*), 'migration-006', timezone('UTC', now()) FROM stg.exports_versions GROUP BY month;
INSERT INTO meta.partition_versions
SELECT 'marts.daily_turnover', date, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.daily_turnover_versions GROUP BY date;
INSERT INTO meta.partition_versions
SELECT 'marts.daily_turnover_by_category', date, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.daily_turnover_by_category_versions GROUP BY date;
INSERT INTO meta.partition_versions
SELECT 'marts.daily_turnover_by_kecamatan', date, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.daily_turnover_by_kecamatan_versions GROUP BY date;
INSERT INTO meta.partition_versions
SELECT 'marts.monthly_export_value', month, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.monthly_export_value_versions GROUP BY month;
INSERT INTO meta.partition_versions
SELECT 'marts.monthly_export_value_by_commodity', month, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.monthly_export_value_by_commodity_versions GROUP BY month;
INSERT INTO meta.partition_versions
SELECT 'marts.monthly_export_value_by_destination', month, 0, count(*), 'migration-006', timezone('UTC', now()) FROM marts.monthly_export_value_by_destination_versions GROUP BY month;
CREATE VIEW stg.producers AS
SELECT * EXCLUDE (_version) FROM stg.producers_versions
WHERE _version = (SELECT max(version) FROM meta.partition_versions WHERE table_name = 'stg.producers');
CREATE VIEW stg.fx_rates AS
SELECT * EXCLUDE (_version) FROM stg.fx_rates_versions
WHERE _version = (SELECT max(version) FROM meta.partition_versions WHERE table_name = 'stg.fx_rates');
CREATE VIEW stg.transactions AS
SELECT v.* EXCLUDE (_version) FROM stg.transactions_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'stg.transactions' GROUP BY period) l
  ON v.date = l.period AND v._version = l.version;
CREATE VIEW stg.exports AS
SELECT v.* EXCLUDE (_version) FROM stg.exports_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'stg.exports' GROUP BY period) l
  ON v.month = l.period AND v._version = l.version;
CREATE VIEW marts.daily_turnover AS
SELECT v.* EXCLUDE (_version) FROM marts.daily_turnover_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.daily_turnover' GROUP BY period) l
  ON v.date = l.period AND v._version = l.version;
CREATE VIEW marts.daily_turnover_by_category AS
SELECT v.* EXCLUDE (_version) FROM marts.daily_turnover_by_category_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.daily_turnover_by_category' GROUP BY period) l
  ON v.date = l.period AND v._version = l.version;
CREATE VIEW marts.daily_turnover_by_kecamatan AS
SELECT v.* EXCLUDE (_version) FROM marts.daily_turnover_by_kecamatan_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.daily_turnover_by_kecamatan' GROUP BY period) l
  ON v.date = l.period AND v._version = l.version;
CREATE VIEW marts.monthly_export_value AS
SELECT v.* EXCLUDE (_version) FROM marts.monthly_export_value_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.monthly_export_value' GROUP BY period) l
  ON v.month = l.period AND v._version = l.version;
CREATE VIEW marts.monthly_export_value_by_commodity AS
SELECT v.* EXCLUDE (_version) FROM marts.monthly_export_value_by_commodity_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.monthly_export_value_by_commodity' GROUP BY period) l
  ON v.month = l.period AND v._version = l.version;
CREATE VIEW marts.monthly_export_value_by_destination AS
SELECT v.* EXCLUDE (_version) FROM marts.monthly_export_value_by_destination_versions v
JOIN (SELECT period, max(version) AS version FROM meta.partition_versions WHERE table_name = 'marts.monthly_export_value_by_destination' GROUP BY period) l
  ON v.month = l.period AND v._version = l.version;
