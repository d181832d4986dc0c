-- The marts of a warehouse as readers see them: the views showing each partition's latest version (a
-- warehouse from before migration 006 has plain tables instead; their `_versions` stores are not marts).
-- Of the one attached under the given name, or (NULL) the one in use (a file, or the lake attached as the
-- current database). Parameters: the attached name or NULL, twice.
SELECT table_name AS name FROM duckdb_tables()
WHERE database_name = coalesce(?, current_database()) AND schema_name = 'marts' AND NOT ends_with(table_name, '_versions')
UNION ALL
SELECT view_name FROM duckdb_views()
WHERE database_name = coalesce(?, current_database()) AND schema_name = 'marts' AND NOT internal
ORDER BY 1
