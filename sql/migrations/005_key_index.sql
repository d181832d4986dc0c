-- 005: a key index per source (raw.<source>_keys): each stored version's (file, line) under a stable 64-bit
-- hash of its key (the top half of md5_number), so a new file's keys are looked up in a narrow table
-- instead of in raw's full history. Filled here with the current versions already stored.
CREATE TABLE IF NOT EXISTS raw."producers_keys" (
  "_key_hash" UBIGINT NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."fx_rates_keys" (
  "_key_hash" UBIGINT NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."transactions_keys" (
  "_key_hash" UBIGINT NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw."exports_keys" (
  "_key_hash" UBIGINT NOT NULL,
  "_file_id" BIGINT NOT NULL,
  "_line" BIGINT NOT NULL
);
INSERT INTO raw."producers_keys"
SELECT (md5_number(_key) >> 64)::UBIGINT, _file_id, _line FROM raw."producers" WHERE _is_current ORDER BY _file_id, _line;
INSERT INTO raw."fx_rates_keys"
SELECT (md5_number(_key) >> 64)::UBIGINT, _file_id, _line FROM raw."fx_rates" WHERE _is_current ORDER BY _file_id, _line;
INSERT INTO raw."transactions_keys"
SELECT (md5_number(_key) >> 64)::UBIGINT, _file_id, _line FROM raw."transactions" WHERE _is_current ORDER BY _file_id, _line;
INSERT INTO raw."exports_keys"
SELECT (md5_number(_key) >> 64)::UBIGINT, _file_id, _line FROM raw."exports" WHERE _is_current ORDER BY _file_id, _line;
