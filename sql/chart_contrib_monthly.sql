-- Each producer's export value (IDR, USD) and items per month, commodity and destination in [first, last].
SELECT month, commodity, destination_country, producer_id, sum(value_idr) AS value, sum(value_usd) AS usd,
       count(*) AS items
FROM stg.exports
WHERE month BETWEEN ? AND ?
GROUP BY ALL
