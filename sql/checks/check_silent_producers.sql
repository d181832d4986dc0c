-- Registered producers who have sold before but not in the last N days up to a day (from the staged
-- history): a shop that stopped sending files, or closed. Parameters: end (exclusive), last day, N.
WITH last_sale AS (
    SELECT producer_id, max(date) AS last_sale FROM stg.transactions WHERE date < ? GROUP BY ALL
)
SELECT l.producer_id, p.name, l.last_sale::VARCHAR AS last_sale, date_diff('day', l.last_sale, ?::DATE) AS days_silent
FROM last_sale l
JOIN stg.producers p USING (producer_id)
WHERE date_diff('day', l.last_sale, ?::DATE) > ?
ORDER BY days_silent DESC, producer_id
