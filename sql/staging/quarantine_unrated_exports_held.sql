-- Items of [start, end) held in the quarantine for a missing rate. Parameters: start, end.
SELECT count(*) FROM quarantine.exports WHERE stage = 'rate' AND partition_date >= ? AND partition_date < ?
