-- The concurrent-writers benchmark's "in place" mode, for comparison: a day's rows deleted before its new
-- version is written, as partition replaces did before versions (migration 006). Parameter: the day.
DELETE FROM stg.transactions_versions WHERE date = ?
