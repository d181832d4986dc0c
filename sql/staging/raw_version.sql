-- What a whole-table staging step reads from raw, in brief: its current rows and the newest file among them.
-- Equal between two runs, the staged table (and its checks' outcomes) would be the same: the step is skipped.
SELECT count(*) AS rows, max(_file_id) AS newest_file FROM $raw WHERE _is_current
