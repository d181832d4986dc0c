"""Totals computed straight from landing CSV files with the standard library only.

A second, independent reading of the semantics in docs/DATA.md ("Semantics: what the numbers mean"), to check
the pipeline's marts against.
"""

from __future__ import annotations

import bisect
import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from models.codes import CATEGORIES, CHANNELS, COUNTRIES, CURRENCIES

WIB = ZoneInfo("Asia/Jakarta")


def _files(landing: Path, source: str) -> list[Path]:
    folder = landing / source
    return sorted(folder.glob("*.csv"), key=lambda p: (p.stat().st_mtime, p.name)) if folder.is_dir() else []


def _rows(landing: Path, source: str):
    for path in _files(landing, source):
        with path.open(encoding="utf-8", newline="") as fh:
            yield from csv.DictReader(fh)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.lstrip("+-").isdigit() else None


def _dec(text: str) -> Decimal | None:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() and "e" not in text.lower() else None


def _local(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(WIB).replace(tzinfo=None) if t.tzinfo else t


def registry(landing: Path) -> dict[str, dict]:
    """producer_id -> latest row; the independent check only needs ids and categories."""
    out = {}
    for r in _rows(landing, "producers"):
        if r["producer_id"].strip():
            out[r["producer_id"].strip()] = r
    return out


def daily_turnover(landing: Path) -> dict[date, int]:
    producers = registry(landing)
    current: dict[tuple[str, str], tuple[date, int]] = {}
    for r in _rows(landing, "transactions"):
        pid, tid = r["producer_id"].strip(), r["transaction_id"].strip()
        at, amount, qty = _local(r["occurred_at"]), _int(r["amount_idr"]), _int(r["quantity"])
        cat, channel = r["category"].strip().lower(), r["channel"].strip().lower()
        if not tid or pid not in producers or at is None or amount is None or amount <= 0 or qty is None or qty < 1:
            continue
        if channel not in CHANNELS or (cat and cat not in CATEGORIES):
            continue
        current[(pid, tid)] = (at.date(), amount)  # a later row replaces an earlier one (or equals it)
    totals: dict[date, int] = defaultdict(int)
    for day, amount in current.values():
        totals[day] += amount
    return dict(totals)


def _cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), ROUND_HALF_UP)


def monthly_exports(landing: Path) -> dict[date, tuple[Decimal, Decimal, int]]:
    """month -> (export_value_idr, export_value_usd, items) over accepted, valued items."""
    producers = registry(landing)
    rates: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for r in _rows(landing, "fx_rates"):
        rate = _dec(r["rate_idr"])
        try:
            day = date.fromisoformat(r["date"].strip())
        except ValueError:
            continue
        if rate is not None and rate > 0 and r["currency"].strip().upper() in CURRENCIES:
            rates[r["currency"].strip().upper()][day] = rate
    ordered = {c: sorted(v) for c, v in rates.items()}

    def rate_on(cur: str, day: date) -> Decimal | None:
        days = ordered.get(cur, [])
        i = bisect.bisect_right(days, day)
        return rates[cur][days[i - 1]] if i else None

    items: dict[tuple[str, str], tuple[date, Decimal, str]] = {}
    for r in _rows(landing, "exports"):
        hs = r["hs_code"].strip().replace(".", "")
        fob, qty = _dec(r["fob_value"]), _dec(r["quantity"])
        cur, dest = r["currency"].strip().upper(), r["destination_country"].strip().upper()
        try:
            day = date.fromisoformat(r["peb_date"].strip())
        except ValueError:
            continue
        if not r["peb_number"].strip() or r["producer_id"].strip() not in producers or len(hs) not in (8, 10):
            continue
        if not hs.isdigit() or fob is None or fob <= 0 or qty is None or qty <= 0:
            continue
        if cur not in CURRENCIES or dest not in COUNTRIES:
            continue
        items[(r["peb_number"].strip(), hs)] = (day, fob, cur)
    out: dict[date, list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for day, fob, cur in items.values():
        rate = Decimal(1) if cur == "IDR" else rate_on(cur, day)
        usd = rate_on("USD", day)
        if rate is None or usd is None:
            continue  # quarantined for the missing rate
        idr = _cents(fob * rate)
        m = out[day.replace(day=1)]
        m[0] += idr
        m[1] += fob if cur == "USD" else _cents(idr / usd)
        m[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}
