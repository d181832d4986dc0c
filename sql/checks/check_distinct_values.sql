-- The distinct values of $column in each partition of the staged rows (temp table `candidate`), with the
-- number of rows holding each (`rows`): Great Expectations judges the values, weighted by their counts.
SELECT _partition, $column, count(*) AS rows
FROM candidate
GROUP BY ALL
