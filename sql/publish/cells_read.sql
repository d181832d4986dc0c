-- One grid of a family's current cells in [first, last] (by their last day), oldest first.
-- Parameters: family, grid, first, last.
SELECT grid, period, period_end, dimension, member, value, usd, count, producers, status, reason, holds, run_id
FROM publish.cells
WHERE family = ? AND grid = ? AND period_end BETWEEN ? AND ?
ORDER BY period_end, holds IS NOT NULL, member
