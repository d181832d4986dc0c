-- A partition replace's delete: rows of $target in [start, end) on $col, except the held periods.
-- Parameters: start, end, held dates.
DELETE FROM $target WHERE $col >= ? AND $col < ? AND NOT list_contains(?::DATE[], $col)
