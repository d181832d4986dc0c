-- Each source's latest ingest (UTC).
SELECT source, max(ingested_at) FROM raw.files GROUP BY source
