-- The mart tables of a warehouse: the one attached under the given name, or (NULL) the one in use (a file,
-- or the lake attached as the current database). Parameter: the attached name, or NULL.
SELECT table_name FROM duckdb_tables()
WHERE database_name = coalesce(?, current_database()) AND schema_name = 'marts'
ORDER BY 1
