-- Staged rows (temp table `candidate`) whose producer fails a registry flag ($flag: `_registered`, found in
-- stg.producers; `_exporter`, registered as an exporter), per partition, naming the producers. The candidate
-- keeps such rows through a LEFT JOIN, so a stale registry shows here instead of dropping sales.
SELECT _partition AS period, count(*) AS rows,
       count(*) FILTER (WHERE NOT $flag) AS flagged,
       coalesce(list(DISTINCT producer_id ORDER BY producer_id) FILTER (WHERE NOT $flag), []) AS producers
FROM candidate
GROUP BY ALL
ORDER BY period
