-- Export items with no usable reference rate, as quarantine rows (text) naming the missing rate.
SELECT peb_number, peb_date::VARCHAR AS peb_date, producer_id, hs_code, description,
       quantity::VARCHAR AS quantity, unit, net_weight_kg::VARCHAR AS net_weight_kg,
       fob_value::VARCHAR AS fob_value, currency, destination_country, port_of_loading,
       missing_rate AS reason, 'rate' AS stage, peb_date AS partition_date,
       NULL::VARCHAR AS _key, NULL::BIGINT AS resolved_file_id,
       _file_id, _line, _row_hash, _run_id
FROM valued
WHERE missing_rate IS NOT NULL
