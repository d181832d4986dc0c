-- 001 baseline: the warehouse as the release 9be5b8f (2026-11-30) left it, written out in full.
--
-- Applies to an empty file, to a warehouse of 9be5b8f (every statement is then a no-op), and to one of the
-- release before (a931e35), which lacks the columns added below with ADD COLUMN IF NOT EXISTS. Such an
-- upgraded table has the added columns at its end rather than in the contract's order: every insert is
-- BY NAME (or names its columns), so the order does not matter.
--
-- Per-source tables mirror models/ddl.py (generated from the contracts in models/contracts.py);
-- tests/test_migrations.py fails if the migrated schema and the contracts disagree. Never edit this file
-- once released: add a migration (see README, "Upgrading").

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS publish;

-- Per source (producers, fx_rates, transactions, exports): raw.<source> holds accepted rows, typed, every
-- version; quarantine.<source> rejected rows as received (text), with the reason; raw.<source>_duplicates
-- exact duplicates (lineage only). _extra: columns a file had beyond its contract, as one JSON object.

-- producers
CREATE TABLE IF NOT EXISTS raw."producers" (
  "producer_id" VARCHAR,
  "name" VARCHAR,
  "nib" VARCHAR,
  "kecamatan" VARCHAR,
  "kelurahan" VARCHAR,
  "category" VARCHAR,
  "kbli" VARCHAR,
  "registered_on" DATE,
  "exporter" BOOLEAN,
  "_key" VARCHAR NOT NULL,
  "_is_current" BOOLEAN NOT NULL,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine."producers" (
  "producer_id" VARCHAR,
  "name" VARCHAR,
  "nib" VARCHAR,
  "kecamatan" VARCHAR,
  "kelurahan" VARCHAR,
  "category" VARCHAR,
  "kbli" VARCHAR,
  "registered_on" VARCHAR,
  "exporter" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "stage" VARCHAR NOT NULL,
  "partition_date" DATE,
  "_key" VARCHAR,
  "resolved_file_id" BIGINT,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."producers_duplicates" (
  "_key" VARCHAR NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);

-- fx_rates
CREATE TABLE IF NOT EXISTS raw."fx_rates" (
  "date" DATE,
  "currency" VARCHAR,
  "rate_idr" DECIMAL(18,4),
  "_key" VARCHAR NOT NULL,
  "_is_current" BOOLEAN NOT NULL,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine."fx_rates" (
  "date" VARCHAR,
  "currency" VARCHAR,
  "rate_idr" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "stage" VARCHAR NOT NULL,
  "partition_date" DATE,
  "_key" VARCHAR,
  "resolved_file_id" BIGINT,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."fx_rates_duplicates" (
  "_key" VARCHAR NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);

-- transactions
CREATE TABLE IF NOT EXISTS raw."transactions" (
  "transaction_id" VARCHAR,
  "producer_id" VARCHAR,
  "occurred_at" TIMESTAMP,
  "amount_idr" BIGINT,
  "quantity" BIGINT,
  "category" VARCHAR,
  "channel" VARCHAR,
  "occurred_at_utc" TIMESTAMP,
  "local_date" DATE,
  "_key" VARCHAR NOT NULL,
  "_is_current" BOOLEAN NOT NULL,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine."transactions" (
  "transaction_id" VARCHAR,
  "producer_id" VARCHAR,
  "occurred_at" VARCHAR,
  "amount_idr" VARCHAR,
  "quantity" VARCHAR,
  "category" VARCHAR,
  "channel" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "stage" VARCHAR NOT NULL,
  "partition_date" DATE,
  "_key" VARCHAR,
  "resolved_file_id" BIGINT,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."transactions_duplicates" (
  "_key" VARCHAR NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);

-- exports
CREATE TABLE IF NOT EXISTS raw."exports" (
  "peb_number" VARCHAR,
  "peb_date" DATE,
  "producer_id" VARCHAR,
  "hs_code" VARCHAR,
  "description" VARCHAR,
  "quantity" DECIMAL(18,4),
  "unit" VARCHAR,
  "net_weight_kg" DECIMAL(18,4),
  "fob_value" DECIMAL(18,4),
  "currency" VARCHAR,
  "destination_country" VARCHAR,
  "port_of_loading" VARCHAR,
  "hs_chapter" VARCHAR,
  "hs_heading" VARCHAR,
  "commodity" VARCHAR,
  "_key" VARCHAR NOT NULL,
  "_is_current" BOOLEAN NOT NULL,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine."exports" (
  "peb_number" VARCHAR,
  "peb_date" VARCHAR,
  "producer_id" VARCHAR,
  "hs_code" VARCHAR,
  "description" VARCHAR,
  "quantity" VARCHAR,
  "unit" VARCHAR,
  "net_weight_kg" VARCHAR,
  "fob_value" VARCHAR,
  "currency" VARCHAR,
  "destination_country" VARCHAR,
  "port_of_loading" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "stage" VARCHAR NOT NULL,
  "partition_date" DATE,
  "_key" VARCHAR,
  "resolved_file_id" BIGINT,
  "_extra" VARCHAR,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."exports_duplicates" (
  "_key" VARCHAR NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL,
  "_row_hash" VARCHAR NOT NULL,
  "_run_id" VARCHAR NOT NULL
);

-- Static tables.
CREATE SEQUENCE IF NOT EXISTS raw.file_id_seq START 1;

-- One row per ingested landing file: provenance and the row accounting of that file.
CREATE TABLE IF NOT EXISTS raw.files (
    file_id      BIGINT PRIMARY KEY,
    source       VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    size_bytes   BIGINT NOT NULL,
    modified_at  TIMESTAMP NOT NULL,
    ingested_at  TIMESTAMP NOT NULL,
    run_id       VARCHAR NOT NULL,
    rows_read    BIGINT NOT NULL,
    accepted     BIGINT NOT NULL,
    quarantined  BIGINT NOT NULL,
    duplicates   BIGINT NOT NULL,
    corrections  BIGINT NOT NULL,
    excluded     BIGINT NOT NULL DEFAULT 0,  -- records that are not sales (cancelled marketplace orders)
    format       VARCHAR,                    -- csv, xlsx, parquet or jsonl
    notes        VARCHAR                     -- said once per file: extra columns, encoding, rows below the data
);

-- Files that could not be read at all, with the reason; they are moved to `moved_to` (landing/rejected/)
-- beside a <name>.error.txt. A fixed file put back in landing under any name is ingested normally.
CREATE TABLE IF NOT EXISTS raw.rejected_files (
    source      VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    rejected_at TIMESTAMP NOT NULL,
    moved_to    VARCHAR
);

-- Records read but not sales, kept whole with the reason (e.g. cancelled or returned marketplace orders).
CREATE TABLE IF NOT EXISTS raw.excluded (
    source   VARCHAR NOT NULL,
    _file_id BIGINT NOT NULL,
    _line    BIGINT NOT NULL,
    reason   VARCHAR NOT NULL,
    record   VARCHAR NOT NULL,  -- JSON of the record as mapped to the contract
    _run_id  VARCHAR NOT NULL
);

-- Partitions each file changed (its rows' own dates and those of the rows it superseded).
CREATE TABLE IF NOT EXISTS raw.file_partitions (
    file_id BIGINT NOT NULL,
    grain   VARCHAR NOT NULL,  -- 'day' or 'month'
    period  DATE NOT NULL
);

-- Every correction: a key whose content changed, with the replaced and the replacing row.
CREATE TABLE IF NOT EXISTS raw.corrections (
    source       VARCHAR NOT NULL,
    _key         VARCHAR NOT NULL,
    old_file_id  BIGINT NOT NULL,
    old_line     BIGINT NOT NULL,
    old_row_hash VARCHAR NOT NULL,
    new_file_id  BIGINT NOT NULL,
    new_line     BIGINT NOT NULL,
    new_row_hash VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS stg.producers (
    producer_id VARCHAR NOT NULL, name VARCHAR, nib VARCHAR, kecamatan VARCHAR, kelurahan VARCHAR,
    category VARCHAR, kbli VARCHAR, registered_on DATE, exporter BOOLEAN,
    _file_id BIGINT, _line BIGINT, _row_hash VARCHAR, _run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS stg.fx_rates (
    date DATE, currency VARCHAR, rate_idr DECIMAL(18,4),
    _file_id BIGINT, _line BIGINT, _row_hash VARCHAR, _run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS stg.transactions (
    date DATE NOT NULL, transaction_id VARCHAR NOT NULL, producer_id VARCHAR NOT NULL,
    occurred_at_local TIMESTAMP NOT NULL, occurred_at_utc TIMESTAMP NOT NULL,
    amount_idr BIGINT NOT NULL, quantity BIGINT NOT NULL, category VARCHAR NOT NULL, channel VARCHAR NOT NULL,
    kecamatan VARCHAR NOT NULL,
    _file_id BIGINT NOT NULL, _line BIGINT NOT NULL, _row_hash VARCHAR NOT NULL, _run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS stg.exports (
    month DATE NOT NULL, peb_number VARCHAR NOT NULL, peb_date DATE NOT NULL, producer_id VARCHAR NOT NULL,
    hs_code VARCHAR NOT NULL, hs_chapter VARCHAR NOT NULL, hs_heading VARCHAR NOT NULL, commodity VARCHAR NOT NULL,
    description VARCHAR, quantity DECIMAL(18,4), unit VARCHAR, net_weight_kg DECIMAL(18,4),
    fob_value DECIMAL(18,4) NOT NULL, currency VARCHAR NOT NULL, destination_country VARCHAR NOT NULL,
    port_of_loading VARCHAR, rate_idr DECIMAL(18,4) NOT NULL, rate_date DATE, usd_rate_idr DECIMAL(18,4) NOT NULL,
    usd_rate_date DATE, value_idr DECIMAL(38,2) NOT NULL, value_usd DECIMAL(38,2) NOT NULL,
    _file_id BIGINT NOT NULL, _line BIGINT NOT NULL, _row_hash VARCHAR NOT NULL, _run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS marts.daily_turnover (
    date DATE NOT NULL, turnover_idr BIGINT NOT NULL, transactions BIGINT NOT NULL, active_producers BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.daily_turnover_by_category (
    date DATE NOT NULL, category VARCHAR NOT NULL,
    turnover_idr BIGINT NOT NULL, transactions BIGINT NOT NULL, active_producers BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.daily_turnover_by_kecamatan (
    date DATE NOT NULL, kecamatan VARCHAR NOT NULL,
    turnover_idr BIGINT NOT NULL, transactions BIGINT NOT NULL, active_producers BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.monthly_export_value (
    month DATE NOT NULL, export_value_idr DECIMAL(38,2) NOT NULL, export_value_usd DECIMAL(38,2) NOT NULL,
    items BIGINT NOT NULL, exporters BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.monthly_export_value_by_commodity (
    month DATE NOT NULL, commodity VARCHAR NOT NULL,
    export_value_idr DECIMAL(38,2) NOT NULL, export_value_usd DECIMAL(38,2) NOT NULL,
    items BIGINT NOT NULL, exporters BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS marts.monthly_export_value_by_destination (
    month DATE NOT NULL, destination_country VARCHAR NOT NULL,
    export_value_idr DECIMAL(38,2) NOT NULL, export_value_usd DECIMAL(38,2) NOT NULL,
    items BIGINT NOT NULL, exporters BIGINT NOT NULL
);

-- Added in the release 9be5b8f (a warehouse of a931e35 lacks them; one of 9be5b8f already has them).
ALTER TABLE raw.files ADD COLUMN IF NOT EXISTS excluded BIGINT DEFAULT 0;  -- DuckDB: no NOT NULL with IF NOT EXISTS
ALTER TABLE raw.files ALTER COLUMN excluded SET NOT NULL;
ALTER TABLE raw.files ADD COLUMN IF NOT EXISTS format VARCHAR;
ALTER TABLE raw.files ADD COLUMN IF NOT EXISTS notes VARCHAR;
ALTER TABLE raw.rejected_files ADD COLUMN IF NOT EXISTS moved_to VARCHAR;
ALTER TABLE raw."producers" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE raw."fx_rates" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE raw."transactions" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE raw."exports" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE quarantine."producers" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE quarantine."fx_rates" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE quarantine."transactions" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;
ALTER TABLE quarantine."exports" ADD COLUMN IF NOT EXISTS "_extra" VARCHAR;

-- Per-file accounting, live: every row read is accepted, quarantined, an exact duplicate or excluded. Export items
-- accepted at ingest but held for a missing exchange rate count as quarantined until a rate arrives.
CREATE OR REPLACE VIEW raw.file_accounting AS
WITH held AS (
    SELECT _file_id AS file_id, count(*) AS n FROM quarantine.exports WHERE stage = 'rate' GROUP BY ALL
)
SELECT f.file_id, f.source, f.name, f.rows_read,
       f.accepted - coalesce(h.n, 0) AS accepted,
       f.quarantined + coalesce(h.n, 0) AS quarantined,
       f.duplicates, f.corrections, f.excluded,
       f.rows_read = f.accepted + f.quarantined + f.duplicates + f.excluded AS balanced
FROM raw.files f LEFT JOIN held h USING (file_id);

-- Every check outcome, per run, asset, check and partition (NULL for unpartitioned assets).
CREATE TABLE IF NOT EXISTS quality.check_results (
    run_id     VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    asset      VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    partition  DATE,
    severity   VARCHAR NOT NULL,
    blocking   BOOLEAN NOT NULL,
    passed     BOOLEAN NOT NULL,
    observed   VARCHAR NOT NULL,  -- English, for Dagster and the logs; reports read the columns below
    expected   VARCHAR NOT NULL,
    samples    VARCHAR NOT NULL,  -- JSON: up to 20 failing rows
    value      DOUBLE,            -- the measured figure: a share as a fraction (0.61) or a count (gap days)
    threshold  DOUBLE,            -- the limit it was held to
    numerator  BIGINT,            -- the counts behind a share: producers reporting, rows quarantined, …
    denominator BIGINT            -- … of registered producers, of rows
);
-- A warehouse created before the structured columns gains them (NULL for the outcomes already recorded).
ALTER TABLE quality.check_results ADD COLUMN IF NOT EXISTS value DOUBLE;
ALTER TABLE quality.check_results ADD COLUMN IF NOT EXISTS threshold DOUBLE;
ALTER TABLE quality.check_results ADD COLUMN IF NOT EXISTS numerator BIGINT;
ALTER TABLE quality.check_results ADD COLUMN IF NOT EXISTS denominator BIGINT;

-- What has been published, cell by cell, so that a later correction shows as a revision (old -> new).
CREATE TABLE IF NOT EXISTS publish.published_cells (
    chart_id     VARCHAR NOT NULL,
    cell         VARCHAR NOT NULL,  -- the cell's keys as JSON
    value        DOUBLE,
    published_at TIMESTAMP NOT NULL,
    run_id       VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS publish.revisions (
    chart_id   VARCHAR NOT NULL,
    cell       VARCHAR NOT NULL,
    old_value  DOUBLE,
    new_value  DOUBLE,
    revised_at TIMESTAMP NOT NULL,
    run_id     VARCHAR NOT NULL
);

-- The published figures: every cell a chart, table, report, brief or the portal prints, built once per publish
-- run from the marts (pipelines/publish/cells.py) with its disclosure verdict. Renderers read only this.
-- A family's cells are replaced whole, in one transaction, and only when its marts' blocking checks pass.
CREATE TABLE IF NOT EXISTS publish.cells (
    family     VARCHAR NOT NULL,  -- turnover | exports
    grid       VARCHAR NOT NULL,  -- day, day_category, week, month, ytd, window_destination, … (cells.py)
    period     DATE NOT NULL,     -- the first day the cell covers
    period_end DATE NOT NULL,     -- the last day it covers
    dimension  VARCHAR,           -- category, kecamatan, commodity or destination_country; NULL for a total
    member     VARCHAR,           -- the dimension's value ('lainnya' for a merged cell)
    value      DECIMAL(38,2),     -- Rupiah; NULL unless published
    usd        DECIMAL(38,2),     -- exports: US dollars; NULL unless published
    count      BIGINT,            -- transactions or export items (counts reveal no producer's figures)
    producers  BIGINT,            -- active producers or exporters
    status     VARCHAR NOT NULL,  -- published | merged | confidential
    reason     VARCHAR,           -- few_producers | dominance | secondary | merged_unsafe | merged_to_protect | merged_not_top
    holds      VARCHAR[],         -- a merged cell: the members it holds
    run_id     VARCHAR NOT NULL,
    built_at   TIMESTAMP NOT NULL -- UTC
);

-- Each publish run's decision per family: 'built' (cells replaced) or 'held' (previous cells kept), and why.
CREATE TABLE IF NOT EXISTS publish.builds (
    family   VARCHAR NOT NULL,
    run_id   VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL,  -- UTC
    outcome  VARCHAR NOT NULL,
    reason   VARCHAR,
    cells    BIGINT NOT NULL
);
