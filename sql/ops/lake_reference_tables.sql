-- The tables of the in-memory reference warehouse (every migration applied): what a new lake gets.
SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'memory' ORDER BY ALL
