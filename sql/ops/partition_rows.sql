-- Rows of $target in [start, end) on $col. Parameters: start, end.
SELECT count(*) FROM $target WHERE $col >= ? AND $col < ?
