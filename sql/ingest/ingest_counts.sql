-- What a file's rows came to: rows typed, rows quarantined, exact duplicates, corrections.
SELECT (SELECT count(*) FROM typed),
       (SELECT count(*) FROM typed WHERE _reason IS NOT NULL),
       count(*) FILTER (is_duplicate),
       count(*) FILTER (NOT is_duplicate AND prev_row_hash IS NOT NULL)
FROM classified
