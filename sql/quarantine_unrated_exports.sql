-- Export items with no usable reference rate, as quarantine rows (text) naming the missing rate.
-- Only these rows carry a partition_date, so re-running a month replaces exactly them.
SELECT peb_number, peb_date::VARCHAR AS peb_date, producer_id, hs_code, description,
       quantity::VARCHAR AS quantity, unit, net_weight_kg::VARCHAR AS net_weight_kg,
       fob_value::VARCHAR AS fob_value, currency, destination_country, port_of_loading,
       missing_rate AS reason, 'rate' AS stage, month AS partition_date,
       _file_id, _line, _row_hash, _run_id
FROM valued
WHERE missing_rate IS NOT NULL
