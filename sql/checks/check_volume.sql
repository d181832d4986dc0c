-- Sales per day of [start, end) (staged `candidate`) against the mean of the same weekday in the 4 weeks
-- before, from the staged history and from the candidate itself (a range is checked in one go). The ratio
-- is NULL (not judged) with fewer than 2 earlier weekdays to compare with. Parameters: start, start.
WITH days AS (
    SELECT date, count(*) AS sales FROM candidate GROUP BY date
),
counts AS (
    SELECT * FROM days
    UNION ALL
    SELECT date, count(*) FROM stg.transactions WHERE date >= ?::DATE - 28 AND date < ? GROUP BY date
)
SELECT d.date AS _partition, d.sales, avg(c.sales) AS baseline,
       CASE WHEN count(c.sales) >= 2 THEN d.sales / avg(c.sales) END AS ratio
FROM days d
LEFT JOIN counts c ON c.date IN (d.date - 7, d.date - 14, d.date - 21, d.date - 28)
GROUP BY d.date, d.sales
ORDER BY d.date
