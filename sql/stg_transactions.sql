-- Accepted, current transactions of [start, end) with the producer's category (when empty) and kecamatan.
SELECT t.local_date AS date, t.transaction_id, t.producer_id,
       t.occurred_at AS occurred_at_local, t.occurred_at_utc,
       t.amount_idr, t.quantity, coalesce(t.category, p.category) AS category, t.channel, p.kecamatan,
       t._file_id, t._line, t._row_hash, t._run_id
FROM raw.transactions t
JOIN stg.producers p USING (producer_id)
WHERE t._is_current AND t.local_date >= ? AND t.local_date < ?
