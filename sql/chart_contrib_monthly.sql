-- Each producer's export value (IDR) per month, commodity and destination in [first, last].
SELECT month, commodity, destination_country, producer_id, sum(value_idr) AS value
FROM stg.exports
WHERE month BETWEEN ? AND ?
GROUP BY ALL
