"""When each source's next landing file is due, and whether it came.

A file counts for the first deadline after its modification time: it is on time for deadline D when it
arrived after the deadline before D (P). A source is late once D has passed and no file of it, in
landing/<source>/ or landing/rejected/<source>/ (a refused file still arrived), is newer than P.
Tools that keep a copied file's old mtime (`cp -p`, `rsync -a`) make a fresh file look old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from models.codes import TIMEZONE
from pipelines.alerts.settings import Deadline
from pipelines.ingest.landing import REJECTED, LandingFile, scan

WIB = ZoneInfo(TIMEZONE)


def _at(day: date, d: Deadline) -> datetime:
    return datetime.combine(day, d.at, WIB)


def _month_back(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=day.day)


def latest(d: Deadline, now: datetime, holidays: frozenset[date] = frozenset()) -> datetime:
    """The most recent deadline at or before `now` (an aware datetime)."""
    now = now.astimezone(WIB)
    if d.every == "month":
        due = _at(now.date().replace(day=d.day), d)
        return due if due <= now else _at(_month_back(due.date()), d)
    day = now.date() if _at(now.date(), d) <= now else now.date() - timedelta(days=1)
    while d.every == "weekday" and (day.weekday() >= 5 or day in holidays):
        day -= timedelta(days=1)
    return _at(day, d)


def previous(d: Deadline, due: datetime, holidays: frozenset[date] = frozenset()) -> datetime:
    """The deadline before `due`."""
    return latest(d, due - timedelta(microseconds=1), holidays)


def arrivals(landing: Path, source: str) -> list[LandingFile]:
    """The source's files waiting or ingested in landing, and those rejected (not their .error.txt notes)."""
    rejected = [f for f in scan(landing / REJECTED, source) if not f.path.name.endswith(".error.txt")]
    return scan(landing, source) + rejected


@dataclass(frozen=True)
class Freshness:
    source: str
    newest: LandingFile | None
    due: datetime | None  # the latest deadline that has passed; None: the source has no deadline
    since: datetime | None  # the deadline before it: a file newer than this counts for `due`

    @property
    def late(self) -> bool:
        if self.due is None or self.since is None:
            return False
        return self.newest is None or self.newest.mtime <= self.since.timestamp()


def freshness(
    landing: Path, source: str, d: Deadline | None, now: datetime, holidays: frozenset[date] = frozenset()
) -> Freshness:
    files = arrivals(landing, source)
    newest = max(files, key=lambda f: f.mtime) if files else None
    if d is None:
        return Freshness(source, newest, None, None)
    due = latest(d, now, holidays)
    return Freshness(source, newest, due, previous(d, due, holidays))


def describe(d: Deadline | None) -> str:
    """'daily by 05:00 WIB', for messages and `sentra status`."""
    if d is None:
        return "no deadline"
    at = d.at.strftime("%H:%M")
    if d.every == "month":
        return f"monthly by day {d.day} {at} WIB"
    return f"{'daily' if d.every == 'day' else 'Mon–Fri'} by {at} WIB"
