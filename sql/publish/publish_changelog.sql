-- Revisions of published figures, newest first, for the portal's changelog.
SELECT chart_id, cell, old_value, new_value, revised_at
FROM publish.revisions
ORDER BY revised_at DESC, chart_id, cell
LIMIT 500
