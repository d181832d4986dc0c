-- Staged rows (temp table `candidate`) whose $column is above the limit (parameter), per partition: how many
-- (`unexpected`) and up to 20 of them, largest first, shown with $shown. Run only when a partition's largest
-- value was found above the limit.
SELECT _partition, count(*) OVER (PARTITION BY _partition) AS unexpected, $column, $shown
FROM candidate
WHERE $column > ?
QUALIFY row_number() OVER (PARTITION BY _partition ORDER BY $column DESC, $shown) <= 20
ORDER BY _partition, $column DESC, $shown
