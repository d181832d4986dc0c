-- Append a step's check outcomes (registered as `outcomes`). Parameters: run_id, asset.
INSERT INTO quality.check_results BY NAME
SELECT ?::VARCHAR AS run_id, now()::TIMESTAMP AS checked_at, ?::VARCHAR AS asset, * FROM outcomes
