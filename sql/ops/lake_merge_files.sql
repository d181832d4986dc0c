-- The lake's small data files (a day's version each) merged into larger ones, table by table.
CALL ducklake_merge_adjacent_files(?)
