-- Append a step's check outcomes (registered as `outcomes`). Parameters: run_id, asset. checked_at: UTC.
INSERT INTO quality.check_results BY NAME
SELECT ?::VARCHAR AS run_id, timezone('UTC', now()) AS checked_at, ?::VARCHAR AS asset,
       check_name, partition, severity, blocking, passed, observed, expected, samples,
       value::DOUBLE AS value, threshold::DOUBLE AS threshold,
       numerator::BIGINT AS numerator, denominator::BIGINT AS denominator
FROM outcomes
