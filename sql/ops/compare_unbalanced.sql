-- Files whose rows do not add up (a file half in would show here).
SELECT * FROM raw.file_accounting WHERE NOT balanced ORDER BY ALL
