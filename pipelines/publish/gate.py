"""Fit to publish: one rule decides whether a period's figures may be published, and every view reads it.

A period — a day of the turnover family, a month of the exports family — is **held** when the latest outcome
of a blocking check of one of its family's assets failed for it (`sql/gate_held.sql`). Besides the checks
that prove the figures right (reconciliation, registered producers, unique keys, …) the blocking checks
include the two that say whether a period is complete enough to publish (docs/CHECKS.md):

* `quarantine_share`: more than `max_quarantine_share` of the period's rows are in quarantine;
* `coverage_to_publish`: fewer than `min_daily_coverage_to_publish` of the registered producers
  (`min_monthly_exporter_coverage_to_publish` of the exporters, for a month) reported.

A held period is not written: staging and marts keep its previous rows (or none), so the published cells,
charts, CSVs and reports keep its previous figures or do not show it, and say why. `sentra run` (exit 4),
`sentra status`, `sentra quality` and the portal's banner all read `held` below, so they cannot disagree.
A whole-table check that fails (the registry, the rates: no period) holds its whole family.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.core.i18n import text
from pipelines.publish.formatting import number
from pipelines.transform.marts import DAILY_MARTS, MONTHLY_MARTS
from pipelines.warehouse.connection import sql

# The assets whose blocking checks gate each family, upstream first (the first failing one is the root cause).
FAMILIES: dict[str, tuple[str, ...]] = {
    "turnover": ("stg_producers", "stg_transactions", *DAILY_MARTS),
    "exports": ("stg_producers", "stg_fx_rates", "stg_exports", *MONTHLY_MARTS),
}
GRAINS = {"turnover": "day", "exports": "month"}
# Checks whose failure a reader can be told in plain words, with their figures (catalogue `gate.reason.*`).
PLAIN = ("quarantine_share", "coverage_to_publish", "reconciles", "producer_registered")


@dataclass(frozen=True)
class Failure:
    """The latest failed outcome of one blocking check for a period."""

    asset: str
    check: str
    observed: str  # English, for the office (may name producers: never shown in public)
    value: float | None
    threshold: float | None
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True)
class Hold:
    """A period of a family that is not published, and why."""

    family: str
    period: date | None  # None: every period of the family (a whole-table check failed)
    failures: tuple[Failure, ...]

    @property
    def grain(self) -> str:
        return GRAINS[self.family]

    @property
    def root(self) -> tuple[Failure, ...]:
        """The failures of the most upstream asset: a held staging day also fails its marts' reconciliation,
        which says nothing new."""
        first = min(FAMILIES[self.family].index(f.asset) for f in self.failures)
        return tuple(f for f in self.failures if FAMILIES[self.family].index(f.asset) == first)

    @property
    def label(self) -> str:
        if self.period is None:
            return "all periods"
        return f"{self.period:%Y-%m}" if self.grain == "month" else self.period.isoformat()

    def line(self) -> str:
        """For the office (CLI, status): the checks and what they observed."""
        why = "; ".join(f"{f.asset} {f.check}: {f.observed}" for f in self.root)
        return f"{self.label} ({self.family}): {why}"

    def reason(self, lang: str) -> str:
        """For the public (portal, charts, reports): plain words and figures, never a producer."""
        return "; ".join(dict.fromkeys(public_reason(f, self.grain, lang) for f in self.root))


def public_reason(f: Failure, grain: str, lang: str) -> str:
    if f.check in ("quarantine_share", "coverage_to_publish") and f.value is not None:
        share = number(f.value * 100, 1, lang) + "%"
        limit = number((f.threshold or 0) * 100, 0, lang) + "%"
        key = f"gate.reason.{f.check}" + (".month" if f.check == "coverage_to_publish" and grain == "month" else "")
        return text(key, lang, share=share, limit=limit, count=f.numerator or 0, total=f.denominator or 0)
    if f.check in PLAIN:
        return text(f"gate.reason.{f.check}", lang)
    return text("gate.reason.other", lang)


def held(con: duckdb.DuckDBPyConnection, family: str | None = None) -> list[Hold]:
    """The held periods of one family (or all), oldest first, a whole-family hold first."""
    families = [family] if family else list(FAMILIES)
    out = []
    for fam in families:
        rows = con.execute(sql("gate_held"), [list(FAMILIES[fam])]).fetchall()
        by_period: dict[date | None, list[Failure]] = {}
        for partition, *rest in rows:
            by_period.setdefault(partition, []).append(Failure(*rest))
        out += [Hold(fam, period, tuple(fs)) for period, fs in by_period.items()]
    return sorted(out, key=lambda h: (h.period is not None, h.period or date.min, h.family))


def held_periods(holds: list[Hold], family: str) -> set[date]:
    """The periods of `family` that are held (a whole-family hold is returned as is by `whole_family`)."""
    return {h.period for h in holds if h.family == family and h.period is not None}


def whole_family(holds: list[Hold], family: str) -> Hold | None:
    return next((h for h in holds if h.family == family and h.period is None), None)
