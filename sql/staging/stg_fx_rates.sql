-- Current reference rates, one per (date, currency).
SELECT * EXCLUDE (_key, _is_current, _extra) FROM raw.fx_rates WHERE _is_current
