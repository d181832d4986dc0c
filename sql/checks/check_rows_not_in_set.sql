-- Staged rows (temp table `candidate`) whose $column is not among the values (parameter: a list), per
-- partition: how many (`unexpected`) and up to 20 of them, shown with $shown. Nulls are not judged. Run only
-- when a partition's distinct values held an unexpected one.
SELECT _partition, count(*) OVER (PARTITION BY _partition) AS unexpected, $column, $shown
FROM candidate
WHERE NOT list_contains(?, $column)
QUALIFY row_number() OVER (PARTITION BY _partition ORDER BY $shown) <= 20
ORDER BY _partition, $shown
