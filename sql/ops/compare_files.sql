-- What each landing file gave, in a fixed order (file ids and run ids differ between profiles: left out).
SELECT source, name, rows_read, accepted, quarantined, duplicates, corrections, excluded FROM $files ORDER BY ALL
