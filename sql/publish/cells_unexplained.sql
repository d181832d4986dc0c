-- Cells of a family that are hidden without a reason, or published without a value. Parameter: family.
SELECT grid, period_end, member, status, reason
FROM publish.cells
WHERE family = ? AND ((status <> 'published' AND reason IS NULL) OR (status = 'published' AND value IS NULL))
ORDER BY grid, period_end, member
