-- 004: each build of a family's published cells records the fingerprint of what it was built from (the marts'
-- figures, the contributions disclosure control judges, the window, the rule and the code), so a publish run
-- whose family is unchanged keeps its cells instead of judging them again.
ALTER TABLE publish.builds ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
