-- Registered producers and exporters (for coverage shares in reports).
SELECT count(*) AS producers, count(*) FILTER (WHERE exporter) AS exporters FROM stg.producers
