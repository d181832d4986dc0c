-- Each producer's turnover (and number of sales) per day, category and kecamatan in [first, last]: what
-- daily charts and reports are built from, so that disclosure control sees who makes up each cell.
SELECT date, category, kecamatan, producer_id, sum(amount_idr) AS value, count(*) AS transactions
FROM stg.transactions
WHERE date BETWEEN ? AND ?
GROUP BY ALL
