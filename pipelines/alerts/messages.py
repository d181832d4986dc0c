"""What an alert says: one subject and plain text for mail, the same fields as JSON for webhooks.

Built from plain values (not Dagster objects), so the wording is tested without a run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.codes import TIMEZONE
from pipelines.ingest.landing import LandingFile

WIB = ZoneInfo(TIMEZONE)
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG, RANGE_END_TAG = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class Step:
    step: str
    error: str  # the first line of the root cause


@dataclass(frozen=True)
class CheckFailure:
    asset: str
    check: str
    severity: str
    blocking: bool
    observed: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # sample failing rows, e.g. silent producers


@dataclass(frozen=True)
class Alert:
    event: str  # run_failed | publication_held | data_late | producers_silent
    subject: str
    text: str
    url: str
    job: str | None = None
    run_id: str | None = None
    steps: list[Step] = field(default_factory=list)
    partitions: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The webhook body: the fields as keys, and `text` for Slack/Mattermost-style chat tools."""
        return {
            "event": self.event,
            "subject": self.subject,
            "job": self.job,
            "run_id": self.run_id,
            "steps": [{"step": s.step, "error": s.error} for s in self.steps],
            "partitions": self.partitions,
            "url": self.url,
            "text": self.text,
            **self.details,
        }


def partitions(tags: dict[str, str]) -> str | None:
    """'2025-01-01 … 2025-01-31' from a range run's tags, one key from a single-partition run, else None."""
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if start and end:
        return start if start == end else f"{start} … {end}"
    return tags.get(PARTITION_TAG)


def run_url(ui: str, run_id: str) -> str:
    return f"{ui.rstrip('/')}/runs/{run_id}"


def wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")


def _head(what: str, job: str, run_id: str, parts: str | None, url: str) -> list[str]:
    return [
        what,
        "",
        f"Job:        {job}",
        f"Run:        {run_id}",
        f"Partitions: {parts or 'none (unpartitioned)'}",
        f"Dagster:    {url}",
    ]


def _checks(failures: list[CheckFailure]) -> list[str]:
    lines = []
    for c in failures:
        lines.append(f"  - {c.asset} / {c.check} ({c.severity}{', blocking' if c.blocking else ''}): {c.observed}")
        lines += [f"      {', '.join(f'{k} {v}' for k, v in row.items())}" for row in c.rows]
    return lines


def run_failed(
    ui: str, job: str, run_id: str, tags: dict[str, str], steps: list[Step], checks: list[CheckFailure], why: str
) -> Alert:
    """A run that failed: its failed steps with their errors, and the checks that failed in it."""
    parts, url = partitions(tags), run_url(ui, run_id)
    lines = _head("A Sentra run failed.", job, run_id, parts, url)
    lines += ["", "Failed step(s):"] + ([f"  - {s.step}: {s.error}" for s in steps] or [f"  - (no step) {why}"])
    if checks:
        lines += ["", "Checks that failed in the run:", *_checks(checks)]
    scope = f" ({parts.replace(' … ', '..')})" if parts else ""  # ASCII subjects: no encoded words to fold
    first = f": {steps[0].step}" if steps else ""
    return Alert(
        "run_failed",
        f"[Sentra] FAILED {job}{scope}{first} - run {run_id[:8]}",
        "\n".join(lines) + "\n",
        url,
        job,
        run_id,
        steps,
        parts,
        {"checks": [asdict(c) for c in checks]},
    )


def publication_held(ui: str, job: str, run_id: str, tags: dict[str, str], held: list[dict[str, Any]]) -> Alert:
    """A publish run that succeeded but kept families' previous figures because blocking checks failed."""
    parts, url = partitions(tags), run_url(ui, run_id)
    lines = _head("Sentra held back publication: the previous figures stay on the portal.", job, run_id, parts, url)
    lines += ["", "Held:"] + [f"  - {h.get('family')}: {h.get('reason')}" for h in held]
    families = ", ".join(dict.fromkeys(str(h.get("family")) for h in held))
    subject = f"[Sentra] HELD publication of {families} - run {run_id[:8]}"
    return Alert("publication_held", subject, "\n".join(lines) + "\n", url, job, run_id, [], parts, {"held": held})


def producers_silent(ui: str, job: str, run_id: str, tags: dict[str, str], checks: list[CheckFailure]) -> Alert:
    """A daily run whose silent-producer check failed: who stopped reporting sales, and since when."""
    parts, url = partitions(tags), run_url(ui, run_id)
    lines = _head("Producers have gone silent (no sales reported).", job, run_id, parts, url)
    lines += ["", *_checks(checks)]
    n = sum(len(c.rows) for c in checks)
    scope = (parts or "unpartitioned").replace(" … ", "..")
    subject = f"[Sentra] SILENT producers{f' ({n})' if n else ''} in {job} ({scope})"
    rows = [r for c in checks for r in c.rows]
    return Alert(
        "producers_silent",
        subject,
        "\n".join(lines) + "\n",
        url,
        job,
        run_id,
        [],
        parts,
        {"checks": [asdict(c) for c in checks], "producers": rows},
    )


def data_late(
    ui: str, source: str, rule: str, due: datetime, since: datetime, newest: LandingFile | None, folder: str
) -> Alert:
    """No new file of a source by its deadline."""
    last = f"{newest.name}, modified {wib(datetime.fromtimestamp(newest.mtime, WIB))}" if newest else "none ever"
    lines = [
        f"No new {source} file arrived by its deadline ({rule}).",
        "",
        f"Source:     {source}",
        f"Deadline:   {wib(due)}",
        f"Expected:   a file modified after {wib(since)}",
        f"Newest:     {last}",
        f"Folder:     {folder}",
        f"Dagster:    {ui}",
    ]
    subject = f"[Sentra] LATE {source}: no new file by {wib(due)}"
    details = {
        "source": source,
        "deadline": due.isoformat(),
        "since": since.isoformat(),
        "folder": folder,
        "newest_file": newest.name if newest else None,
    }
    return Alert("data_late", subject, "\n".join(lines) + "\n", ui, details=details)
