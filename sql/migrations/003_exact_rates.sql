-- 003: exchange rates keep six decimal places. Bank Indonesia's middle rate, (jual + beli) / 2 / Nilai,
-- of a currency quoted per 100 units (the yen) has up to five; four would round it. Widening loses nothing.
ALTER TABLE raw.fx_rates ALTER COLUMN rate_idr SET DATA TYPE DECIMAL(18,6);
ALTER TABLE stg.fx_rates ALTER COLUMN rate_idr SET DATA TYPE DECIMAL(18,6);
ALTER TABLE stg.exports ALTER COLUMN rate_idr SET DATA TYPE DECIMAL(18,6);
ALTER TABLE stg.exports ALTER COLUMN usd_rate_idr SET DATA TYPE DECIMAL(18,6);
