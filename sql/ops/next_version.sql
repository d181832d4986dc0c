-- The next partition version of a warehouse file (a lake takes it from PostgreSQL: lake_next_version).
SELECT nextval('meta.partition_version_seq')
