"""Dagster events each run wrote, by type, read from a SQLite instance (`$DAGSTER_HOME`, default `.dagster/`).

Usage: python bench/events.py [DAGSTER_HOME]   (after `sentra run`; one line per run, then the total)
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

home = Path(sys.argv[1] if len(sys.argv) > 1 else ".dagster")
history = home / "history"
if not (history / "runs.db").is_file():
    sys.exit(f"{home}: no SQLite run storage (history/runs.db); run `sentra run` first")
runs = sqlite3.connect(history / "runs.db").execute("SELECT run_id, pipeline_name FROM runs ORDER BY create_timestamp")
total = 0
for run_id, job in runs.fetchall():
    db = history / "runs" / f"{run_id}.db"
    rows = (
        sqlite3.connect(db)
        .execute("SELECT coalesce(dagster_event_type, 'log'), count(*) FROM event_logs GROUP BY 1 ORDER BY 2 DESC")
        .fetchall()
    )
    n = sum(c for _, c in rows)
    total += n
    print(f"{job:20} {n:6} events: {', '.join(f'{t} {c}' for t, c in rows[:5])}")
print(f"{'all runs':20} {total:6} events")
