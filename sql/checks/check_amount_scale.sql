-- Each producer's median sale of each staged day (`candidate`) against its own median over the 4 weeks
-- before, from the staged history and the candidate itself: a ratio far from 1 is the signature of amounts
-- in another unit (thousands separators lost in a spreadsheet, a price list in thousands). NULL (not
-- judged) with fewer than 5 earlier sales. Parameters: start, start.
WITH sales AS (
    SELECT producer_id, date, amount_idr FROM candidate
    UNION ALL
    SELECT producer_id, date, amount_idr FROM stg.transactions WHERE date >= ?::DATE - 28 AND date < ?
),
days AS (
    SELECT producer_id, date, median(amount_idr)::DOUBLE AS median_idr FROM candidate GROUP BY ALL
)
SELECT d.date AS _partition, d.producer_id, d.median_idr, median(s.amount_idr)::DOUBLE AS usual_idr,
       CASE WHEN count(s.amount_idr) >= 5 THEN d.median_idr / median(s.amount_idr) END AS scale
FROM days d
LEFT JOIN sales s ON s.producer_id = d.producer_id AND s.date < d.date AND s.date >= d.date - 28
GROUP BY d.date, d.producer_id, d.median_idr
ORDER BY d.date, d.producer_id
