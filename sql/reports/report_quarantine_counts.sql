-- Open quarantined rows dated within a report's period, per source (counts only: no producer's row).
-- Parameters: first day, last day.
SELECT 'transactions' AS source, count(*) AS n
FROM quarantine.transactions
WHERE resolved_file_id IS NULL AND partition_date BETWEEN $1 AND $2
UNION ALL
SELECT 'exports' AS source, count(*) AS n
FROM quarantine.exports
WHERE resolved_file_id IS NULL AND partition_date BETWEEN $1 AND $2
