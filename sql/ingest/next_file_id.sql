-- The next file id of a warehouse file (a lake takes it from PostgreSQL: pipelines/lake.py).
SELECT nextval('raw.file_id_seq')
