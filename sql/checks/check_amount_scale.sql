-- Each producer's median sale of each staged day (`candidate`) against its usual sale (`usual`: its median
-- over the 4 weeks before, `check_amount_usual`): a ratio far from 1 is the signature of amounts in another
-- unit (thousands separators lost in a spreadsheet, a price list in thousands). NULL (not judged) with fewer
-- than 5 earlier sales.
WITH days AS (
    SELECT producer_id, date, median(amount_idr)::DOUBLE AS median_idr FROM candidate GROUP BY ALL
)
SELECT d.date AS _partition, d.producer_id, d.median_idr, u.usual_idr,
       CASE WHEN u.n >= 5 THEN d.median_idr / u.usual_idr END AS scale
FROM days d
LEFT JOIN usual u USING (date, producer_id)
ORDER BY d.date, d.producer_id
