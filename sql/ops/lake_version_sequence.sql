-- The lake's partition versions: a PostgreSQL sequence in the catalog's database (DuckLake has no sequences).
CALL postgres_execute('lake_catalog', 'CREATE SEQUENCE IF NOT EXISTS sentra_version_seq START 1')
