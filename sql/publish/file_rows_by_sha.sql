-- Each ingested landing file's accepted rows, by its sha256 (public provenance counts rows per source).
SELECT sha256, max(accepted) AS accepted FROM raw.files GROUP BY sha256
