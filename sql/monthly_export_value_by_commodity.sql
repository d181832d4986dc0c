-- Monthly export value by commodity of [start, end), over accepted items valued with a reference rate.
SELECT month, commodity,
       sum(value_idr)::DECIMAL(38,2) AS export_value_idr,
       sum(value_usd)::DECIMAL(38,2) AS export_value_usd,
       count(*) AS items,
       count(DISTINCT producer_id) AS exporters
FROM stg.exports
WHERE month >= ? AND month < ?
GROUP BY ALL
