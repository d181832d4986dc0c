-- Valued export items (temp table `valued`) ready to stage, with the flags two checks test:
-- rate_ok (a rate for every non-IDR item, a USD rate for all) and weight_ok (kg per unit within the
-- commodity's bounds, registered as `weight_bounds`; items without weight or bounds pass).
SELECT v.* EXCLUDE (missing_rate), v.month AS _partition,
       (v.currency = 'IDR' OR v.rate_date IS NOT NULL) AND v.usd_rate_idr IS NOT NULL AS rate_ok,
       coalesce(v.net_weight_kg / nullif(v.quantity, 0) BETWEEN b.lo AND b.hi, true) AS weight_ok
FROM valued v
LEFT JOIN weight_bounds b USING (commodity)
WHERE v.missing_rate IS NULL
