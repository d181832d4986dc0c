-- The largest $column of each partition of the staged rows (temp table `candidate`), for Great Expectations
-- to hold to a ceiling.
SELECT _partition, max($column) AS largest
FROM candidate
GROUP BY ALL
