-- Daily turnover of [start, end) per $keys: days with no accepted transaction have no row.
SELECT $keys,
       sum(amount_idr)::BIGINT AS turnover_idr,
       count(*) AS transactions,
       count(DISTINCT producer_id) AS active_producers
FROM stg.transactions
WHERE date >= ? AND date < ?
GROUP BY ALL
