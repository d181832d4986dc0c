-- Per day of [start, end): producers that reported, out of those registered by then.
WITH days AS (
    SELECT unnest(generate_series(?::DATE, ?::DATE - INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS date
)
SELECT d.date AS period, coalesce(c.active_producers, 0) AS reporting,
       (SELECT count(*) FROM stg.producers p WHERE p.registered_on IS NULL OR p.registered_on <= d.date) AS registered
FROM days d LEFT JOIN candidate c USING (date)
ORDER BY period
