-- The publication gate's coverage: per period with staged rows, the producers (exporters, for months) that
-- reported, of those registered by the period's end. A period with no row at all is not judged here (it has
-- nothing to publish; `no_missing_period` says so). Parameters: exporters only (boolean), the period's length.
WITH periods AS (
    SELECT _partition AS period, count(DISTINCT producer_id) AS reporting
    FROM candidate
    GROUP BY ALL
)
SELECT period, reporting,
       (SELECT count(*) FROM stg.producers p
        WHERE (p.exporter OR NOT ?::BOOLEAN)
          AND (p.registered_on IS NULL OR p.registered_on < period + ?::INTERVAL)) AS registered
FROM periods
ORDER BY period
