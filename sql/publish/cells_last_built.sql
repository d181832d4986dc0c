-- The fingerprint of a family's latest build, when that build wrote its cells. Parameter: family.
SELECT fingerprint, cells
FROM publish.builds
WHERE family = ?
QUALIFY row_number() OVER (ORDER BY built_at DESC) = 1 AND outcome = 'built'
