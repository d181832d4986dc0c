-- Accepted, current transactions of [start, end) with the producer's category (when empty) and kecamatan.
-- A LEFT JOIN: a sale whose producer is missing from the staged registry stays, flagged `_registered` false,
-- so the producer_registered check stops the write and names it instead of the sale vanishing.
SELECT t.local_date AS date, t.transaction_id, t.producer_id,
       t.occurred_at AS occurred_at_local, t.occurred_at_utc,
       t.amount_idr, t.quantity, coalesce(t.category, p.category) AS category, t.channel, p.kecamatan,
       t._file_id, t._line, t._row_hash, t._run_id,
       p.producer_id IS NOT NULL AS _registered
FROM raw.transactions t
LEFT JOIN stg.producers p USING (producer_id)
WHERE t._is_current AND t.local_date >= ? AND t.local_date < ?
