-- Valued export items (temp table `valued`) ready to stage, with the flags three checks test: weight_ok (kg per
-- unit within the commodity's bounds, registered as `weight_bounds`; items without weight or bounds pass),
-- _registered (the producer is in stg.producers) and _exporter (registered as an exporter). Items with no
-- usable rate are left out here: they go to quarantine with that reason.
SELECT v.* EXCLUDE (missing_rate), v.month AS _partition,
       coalesce(v.net_weight_kg / nullif(v.quantity, 0) BETWEEN b.lo AND b.hi, true) AS weight_ok,
       p.producer_id IS NOT NULL AS _registered,
       coalesce(p.exporter, false) AS _exporter
FROM valued v
LEFT JOIN weight_bounds b USING (commodity)
LEFT JOIN stg.producers p USING (producer_id)
WHERE v.missing_rate IS NULL
