-- Older versions of keys this file changes stop being current (they stay, for lineage and revisions).
UPDATE $raw SET _is_current = false
WHERE _is_current AND _key IN (SELECT _key FROM classified WHERE NOT is_duplicate)
