-- The current registry: the latest version of every producer.
SELECT * EXCLUDE (_key, _is_current, _extra) FROM raw.producers WHERE _is_current
