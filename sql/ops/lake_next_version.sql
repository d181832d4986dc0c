-- The next partition version of a lake, from the PostgreSQL sequence beside its catalog (pipelines/lake.py).
SELECT * FROM postgres_query('lake_catalog', 'SELECT nextval(''sentra_version_seq'')')
