-- Classify the accepted rows (`incoming`) of keys with history, stored already or repeated in this file,
-- against their current stored versions (`stored`, found through the key index). A row equal to the version
-- before it (stored, or an earlier line of this file) is an exact duplicate; any other row is a new version
-- of its key, and a correction when an older version exists. Every other row, nearly every row of a new day, is a new single version and is
-- not listed. Parameter: the file_id of the incoming file.
WITH incoming_rows AS (
    SELECT _key, _row_hash, _line FROM incoming
),
repeated AS (
    SELECT _key FROM incoming_rows GROUP BY _key HAVING count(*) > 1
    UNION
    SELECT _key FROM stored
),
all_rows AS (
    SELECT _key, _row_hash, _file_id, _line, 0 AS _ord FROM stored
    UNION ALL
    SELECT _key, _row_hash, ?::BIGINT AS _file_id, _line, 1 AS _ord
    FROM incoming_rows WHERE _key IN (SELECT _key FROM repeated)
),
flagged AS (
    SELECT *, coalesce(_row_hash = lag(_row_hash) OVER w, false) AS is_duplicate
    FROM all_rows
    WINDOW w AS (PARTITION BY _key ORDER BY _ord, _line)
),
versions AS (
    SELECT _key, _ord, _line,
           lag(_file_id) OVER w AS prev_file_id,
           lag(_line) OVER w AS prev_line,
           lag(_row_hash) OVER w AS prev_row_hash,
           lead(_line) OVER w IS NULL AS is_last
    FROM flagged
    WHERE NOT is_duplicate
    WINDOW w AS (PARTITION BY _key ORDER BY _ord, _line)
)
SELECT f._key, f._line, f._row_hash, f.is_duplicate, v.prev_file_id, v.prev_line, v.prev_row_hash,
       coalesce(v.is_last, false) AS is_last
FROM flagged f
LEFT JOIN versions v USING (_key, _ord, _line)
WHERE f._ord = 1
