-- Drop a family's cells before its new ones go in (same transaction). Parameter: family.
DELETE FROM publish.cells WHERE family = ?
