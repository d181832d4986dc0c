-- Rows from any landing file dated within a run's range. Parameters: first day, last day.
SELECT
    (SELECT count(*) FROM raw.transactions WHERE local_date BETWEEN $1 AND $2)
    + (SELECT count(*) FROM raw.exports WHERE peb_date BETWEEN $1 AND $2)
