-- The lake's file ids: a PostgreSQL sequence in the catalog's database (DuckLake has no sequences).
CALL postgres_execute('lake_catalog', 'CREATE SEQUENCE IF NOT EXISTS sentra_file_id_seq START 1')
