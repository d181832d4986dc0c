-- The views of the in-memory reference warehouse, as the statements that create them.
SELECT sql FROM duckdb_views() WHERE database_name = 'memory' AND NOT internal ORDER BY view_name
