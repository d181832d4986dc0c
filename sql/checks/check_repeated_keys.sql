-- Staged rows (temp table `candidate`) whose key ($keys) occurs more than once, in any partition (two current
-- versions of one sale): per partition, how many (`unexpected`) and up to 20 of them, shown with $shown and
-- the number of copies of their key. Nothing comes back when every key is unique. The keys are first
-- aggregated by a 64-bit hash (a third faster than by the text of 10M keys); only keys whose hash repeats
-- are then compared exactly, so a hash collision is never taken for a repeated key.
WITH shared AS (
    SELECT hash($keys) AS h
    FROM candidate
    GROUP BY h
    HAVING count(*) > 1
),
repeated AS (
    SELECT $keys, count(*) AS copies
    FROM candidate
    WHERE hash($keys) IN (SELECT h FROM shared)
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT _partition, count(*) OVER (PARTITION BY _partition) AS unexpected, $keys, $shown, copies
FROM candidate
JOIN repeated USING ($keys)
QUALIFY row_number() OVER (PARTITION BY _partition ORDER BY $keys, $shown) <= 20
ORDER BY _partition, $keys, $shown
