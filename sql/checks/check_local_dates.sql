-- Each staged sale's Asia/Jakarta time and date against its UTC instant converted here by DuckDB's ICU,
-- independently of the parser that derived both. Per partition: rows, wrong rows and up to 20 of them.
WITH judged AS (
    SELECT *, coalesce(timezone('Asia/Jakarta', timezone('UTC', occurred_at_utc)) = occurred_at_local
                       AND occurred_at_local::DATE = date, false) AS ok
    FROM candidate
)
SELECT _partition AS period, count(*) AS rows, count(*) FILTER (WHERE NOT ok) AS wrong,
       coalesce(list({'producer_id': producer_id, 'transaction_id': transaction_id, 'date': date::VARCHAR,
                      'occurred_at_local': occurred_at_local::VARCHAR, 'occurred_at_utc': occurred_at_utc::VARCHAR})
                FILTER (WHERE NOT ok), [])[1:20] AS samples
FROM judged
GROUP BY ALL
ORDER BY period
