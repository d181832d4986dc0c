-- Published figures (registered as `claimed`: release, family, dimension, member, holds, period, period_end, value, usd) that do
-- not equal the marts. Each claim is recomputed from what it says it is — the marts' rows of its period and of
-- its member (or of every member a merged cell holds) — independently of how the cells were built.
WITH expected AS (
    SELECT c.*,
        CASE c.dimension
            WHEN 'category' THEN (SELECT sum(turnover_idr) FROM marts.daily_turnover_by_category m
                WHERE m.date BETWEEN c.period AND c.period_end AND list_contains(coalesce(c.holds, [c.member]), m.category))
            WHEN 'kecamatan' THEN (SELECT sum(turnover_idr) FROM marts.daily_turnover_by_kecamatan m
                WHERE m.date BETWEEN c.period AND c.period_end AND list_contains(coalesce(c.holds, [c.member]), m.kecamatan))
            WHEN 'commodity' THEN (SELECT sum(export_value_idr) FROM marts.monthly_export_value_by_commodity m
                WHERE m.month BETWEEN c.period AND c.period_end AND list_contains(coalesce(c.holds, [c.member]), m.commodity))
            WHEN 'destination_country' THEN (SELECT sum(export_value_idr) FROM marts.monthly_export_value_by_destination m
                WHERE m.month BETWEEN c.period AND c.period_end
                  AND list_contains(coalesce(c.holds, [c.member]), m.destination_country))
            ELSE CASE c.family
                WHEN 'turnover' THEN (SELECT sum(turnover_idr) FROM marts.daily_turnover m
                    WHERE m.date BETWEEN c.period AND c.period_end)
                ELSE (SELECT sum(export_value_idr) FROM marts.monthly_export_value m
                    WHERE m.month BETWEEN c.period AND c.period_end) END
        END AS mart_value,
        CASE WHEN c.family <> 'exports' THEN NULL
            WHEN c.dimension = 'commodity' THEN (SELECT sum(export_value_usd) FROM marts.monthly_export_value_by_commodity m
                WHERE m.month BETWEEN c.period AND c.period_end AND list_contains(coalesce(c.holds, [c.member]), m.commodity))
            WHEN c.dimension = 'destination_country' THEN (SELECT sum(export_value_usd)
                FROM marts.monthly_export_value_by_destination m WHERE m.month BETWEEN c.period AND c.period_end
                  AND list_contains(coalesce(c.holds, [c.member]), m.destination_country))
            ELSE (SELECT sum(export_value_usd) FROM marts.monthly_export_value m
                WHERE m.month BETWEEN c.period AND c.period_end)
        END AS mart_usd
    FROM claimed c
)
SELECT release, family, grid, period, period_end, member, value, mart_value, usd, mart_usd
FROM expected
WHERE value IS DISTINCT FROM mart_value::DECIMAL(38,2)
   OR (usd IS NOT NULL AND usd IS DISTINCT FROM mart_usd::DECIMAL(38,2))
ORDER BY release, grid, period_end, member
