-- Each producer's turnover per day, category and kecamatan in [first, last]: what daily charts are built
-- from, so that disclosure control can see who makes up each published cell.
SELECT date, category, kecamatan, producer_id, sum(amount_idr) AS value
FROM stg.transactions
WHERE date BETWEEN ? AND ?
GROUP BY ALL
