-- Remember what is now published (new and changed cells, registered as `changed`) and log the revisions.
-- Each statement: chart_id, the time, run_id.
INSERT INTO publish.published_cells SELECT ?, cell, new_value, ?, ? FROM changed;
INSERT INTO publish.revisions SELECT ?, cell, old_value, new_value, ?, ? FROM changed WHERE NOT is_new;
