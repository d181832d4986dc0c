-- Per month of [start, end): exporters with an accepted item, out of the registered exporters by then.
WITH months AS (
    SELECT unnest(generate_series(?::DATE, ?::DATE - INTERVAL 1 MONTH, INTERVAL 1 MONTH))::DATE AS month
)
SELECT m.month AS period, coalesce(c.exporters, 0) AS reporting,
       (SELECT count(*) FROM stg.producers p
        WHERE p.exporter AND (p.registered_on IS NULL OR p.registered_on < m.month + INTERVAL 1 MONTH)) AS registered
FROM months m LEFT JOIN candidate c USING (month)
ORDER BY period
