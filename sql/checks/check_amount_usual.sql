-- Each producer's usual sale before one staged day: its median over the 4 weeks before that day, from the
-- candidate (a range is checked in one go) and from the staged history before the range, with the number of
-- sales it rests on. One day's window at a time: a producer's median over one window is cheap, a join of
-- every day with every earlier sale is not. Parameters: day, day, day, start of the range, day.
WITH sales AS (
    SELECT producer_id, amount_idr FROM candidate WHERE date >= ?::DATE - 28 AND date < ?
    UNION ALL
    SELECT producer_id, amount_idr FROM stg.transactions WHERE date >= ?::DATE - 28 AND date < ?
)
SELECT ?::DATE AS date, producer_id, median(amount_idr)::DOUBLE AS usual_idr, count(*) AS n
FROM sales
GROUP BY producer_id
