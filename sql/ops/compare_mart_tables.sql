-- The mart tables of the warehouse in use (a file, or the lake attached as the current database).
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'marts' ORDER BY 1
