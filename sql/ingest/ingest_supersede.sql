-- Older versions of keys this file changes stop being current (they stay, for lineage and revisions): the
-- stored current versions (`stored`, found through the key index) of the keys with a new version.
UPDATE $raw AS r SET _is_current = false
FROM (
    SELECT _file_id, _line FROM stored
    WHERE _key IN (SELECT _key FROM classified WHERE NOT is_duplicate)
) s
WHERE r._file_id = s._file_id AND r._line = s._line
