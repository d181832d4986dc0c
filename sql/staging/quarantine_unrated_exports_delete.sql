-- Before re-valuing [start, end), release the items held there for a missing rate (they are re-evaluated).
DELETE FROM quarantine.exports WHERE stage = 'rate' AND partition_date >= ? AND partition_date < ?
