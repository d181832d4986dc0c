-- The days the candidate (a staged range, before it is written) has rows for, in order.
SELECT DISTINCT date FROM candidate ORDER BY date
