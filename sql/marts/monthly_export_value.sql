-- Monthly export value of [start, end) per $keys, over accepted items valued with a reference rate.
SELECT $keys,
       sum(value_idr)::DECIMAL(38,2) AS export_value_idr,
       sum(value_usd)::DECIMAL(38,2) AS export_value_usd,
       count(*) AS items,
       count(DISTINCT producer_id) AS exporters
FROM stg.exports
WHERE month >= ? AND month < ?
GROUP BY ALL
