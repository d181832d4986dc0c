-- A family's published cells as claims to reconcile against the marts. Parameter: family.
SELECT 'cells' AS release, family, grid, dimension, member, holds, period, period_end, value, usd
FROM publish.cells
WHERE family = ? AND status = 'published'
