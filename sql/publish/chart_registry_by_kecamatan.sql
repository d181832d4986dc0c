-- Registered producers and exporters per kecamatan (counts reveal no producer's figures), in a fixed order.
SELECT kecamatan, count(*) AS producers, count(*) FILTER (WHERE exporter) AS exporters
FROM stg.producers
GROUP BY ALL
ORDER BY kecamatan
