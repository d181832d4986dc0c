-- Each family's latest build decision: 'built', or 'held'/'failed' (its previous cells are what is shown).
SELECT family, outcome, reason, built_at
FROM publish.builds
QUALIFY row_number() OVER (PARTITION BY family ORDER BY built_at DESC) = 1
ORDER BY family
