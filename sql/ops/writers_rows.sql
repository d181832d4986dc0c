-- The concurrent-writers benchmark's rows for one day of stg.transactions: `rows` sales of writer `w`, round
-- `r`, each amount telling which writer and round wrote it. Parameters: day, rows, writer, round.
SELECT d AS date, 'TRX-' || i AS transaction_id, 'BKS-' || lpad((i % 300)::VARCHAR, 4, '0') AS producer_id,
       d::TIMESTAMP + INTERVAL 10 HOUR AS occurred_at_local, d::TIMESTAMP + INTERVAL 3 HOUR AS occurred_at_utc,
       w * 1000000 + r * 1000 + 1 AS amount_idr, 1 AS quantity, 'boneka' AS category, 'tunai' AS channel,
       'Bekasi Barat' AS kecamatan, 0 AS _file_id, i AS _line, md5(i::VARCHAR) AS _row_hash, 'writers' AS _run_id
FROM (SELECT ?::DATE AS d, ?::BIGINT AS w, ?::BIGINT AS r) p, range(?) t(i)
