-- Cells (registered as `new_cells`) whose value differs from what was last published. Parameter: chart_id.
WITH last AS (
    SELECT cell, value FROM publish.published_cells WHERE chart_id = ?
    QUALIFY row_number() OVER (PARTITION BY cell ORDER BY published_at DESC) = 1
)
SELECT n.cell, l.value AS old_value, n.value AS new_value, l.cell IS NULL AS is_new
FROM new_cells n
LEFT JOIN last l USING (cell)
WHERE l.cell IS NULL OR ((l.value IS NULL) <> (n.value IS NULL)) OR abs(l.value - n.value) >= 0.005
