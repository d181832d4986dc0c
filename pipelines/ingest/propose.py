"""Propose a producer's mapping file from its books: which column looks like the date, the amount, the sale's
number (and the quantity, channel or category, when one fits), and why — from the header and the values.

`sentra check` prints the proposal beside the missing columns; a person reads it, corrects it if need be, and
saves it as `landing/transactions/<producer_id>/sentra.toml` (pipelines.ingest.books).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from models import aliases, codes
from pipelines.core.i18n import Said, text
from pipelines.ingest import books, normalise

# What a header's words say about its column (normalised header, models.aliases.normalise).
_NAMES = {
    "occurred_at": r"tanggal|tgl|date|waktu|time|hari",
    "amount_idr": r"harga|total|nilai|jumlah_rp|rupiah|(^|_)rp(_|$)|amount|omzet|nominal|bayar|penjualan|jual|idr",
    "transaction_id": r"(^|_)(no|nomor|id|kode|seri|nota|faktur|invoice|ref|resi|struk|kwitansi)(_|$)",
    "quantity": r"jumlah|jml|qty|kuantitas|banyak|pcs|unit|buah",
}
# Of a column's non-empty sampled values, to call it dates or numbers; less when its name says so too (books
# have typing slips: '25rb', a blank written as 0).
_SHARE, _SHARE_NAMED = 0.9, 0.5
SAMPLE_ROWS = 2000


@dataclass
class Proposal:
    columns: dict[str, tuple[str, Said]] = field(default_factory=dict)  # column -> (the file's header, why)
    not_found: list[str] = field(default_factory=list)  # required columns nothing looked like

    def toml(self, lang: str, producer_id: str, file_name: str) -> str:
        """The mapping file, with a comment per line saying why."""
        where = f"landing/transactions/{producer_id}/{books.MAPPING}"
        out = [
            "# " + text("propose.header", lang, producer=producer_id, where=where, file=file_name),
            "# " + text("propose.check_each", lang),
            "# " + text("propose.defaults", lang, defaults=", ".join(f"{k} = {v}" for k, v in books.DEFAULTS.items())),
            "[columns]",
        ]
        width = max((len(f'{c} = "{h}"') for c, (h, _) in self.columns.items()), default=0)
        for c, (header, why) in self.columns.items():
            out.append(f"{f'{c} = {_quoted(header)}':<{width}}  # {why.text(lang)}")
        out += [f'# {c} = "…"  # {text("propose.not_found", lang)}' for c in self.not_found]
        return "\n".join(out) + "\n"


def _quoted(header: str) -> str:
    return '"' + header.replace("\\", "\\\\").replace('"', '\\"') + '"'


def propose(sample: pl.DataFrame) -> Proposal:
    """The mapping a person would most likely write for `sample` (the file's first rows, as text)."""
    stats = {c: _stats(sample[c]) for c in sample.columns if not c.startswith("_")}
    names = {c: aliases.normalise(c) for c in stats}
    out, taken = Proposal(), set()

    def pick(target: str, ok: dict[str, Said], score: dict[str, float]) -> None:
        choices = [c for c in ok if c not in taken]
        if not choices:
            return
        best = max(choices, key=lambda c: (bool(re.search(_NAMES.get(target, "^$"), names[c])), score.get(c, 0)))
        why = ok[best]
        if re.search(_NAMES.get(target, "^$"), names[best]):
            why = Said.of("propose.why.and_name", why=why, name=Said.of(f"propose.name.{target}"))
        out.columns[target] = (best, why)
        taken.add(best)

    dates = {c: s for c, s in stats.items() if s["dates"] >= _share(names[c], "occurred_at")}
    pick(
        "occurred_at",
        {c: Said.of("propose.why.date", share=_pct(s["dates"]), example=s["example"]) for c, s in dates.items()},
        {c: s["dates"] for c, s in dates.items()},
    )
    ids = {c: s for c, s in stats.items() if s["unique"] >= 0.98 and s["n"] >= 2 and c not in taken}
    ids_named = {c: s for c, s in ids.items() if re.search(_NAMES["transaction_id"], names[c]) or not s["numbers"]}
    pick(
        "transaction_id",
        {c: Said.of("propose.why.id", n=s["n"], example=s["example"]) for c, s in (ids_named or ids).items()},
        {c: -s["median"] for c, s in (ids_named or ids).items()},
    )
    numbers = {c: s for c, s in stats.items() if s["numbers"] >= _share(names[c], "amount_idr") and c not in taken}
    amounts = {c: s for c, s in numbers.items() if s["median"] >= 100}
    pick(
        "amount_idr",
        {
            c: Said.of("propose.why.amount", median=_rupiah(s["median"]), example=s["example"])
            for c, s in amounts.items()
        },
        {c: s["median"] for c, s in amounts.items()},
    )
    small = {
        c: s
        for c, s in numbers.items()
        if c not in taken and s["median"] <= 1000 and re.search(_NAMES["quantity"], names[c])
    }
    pick("quantity", {c: Said.of("propose.why.quantity", example=s["example"]) for c, s in small.items()}, {})
    for target, allowed in (("channel", codes.CHANNELS), ("category", codes.CATEGORIES)):
        fits = {c: s for c, s in stats.items() if c not in taken and s["n"] and set(s["lower"]) <= set(allowed)}
        pick(target, {c: Said.of("propose.why.codes", values=sorted(s["lower"])[:5]) for c, s in fits.items()}, {})
    out.not_found = [c for c in ("transaction_id", "occurred_at", "amount_idr") if c not in out.columns]
    return out


def _share(name: str, target: str) -> float:
    return _SHARE_NAMED if re.search(_NAMES[target], name) else _SHARE


def _stats(s: pl.Series) -> dict:
    values = s.cast(pl.String).str.strip_chars()
    values = values.filter(values.is_not_null() & (values != ""))
    n = values.len()
    if n == 0:
        return {"n": 0, "dates": 0.0, "numbers": 0.0, "unique": 0.0, "median": 0.0, "example": "", "lower": []}
    frame = values.to_frame("v")
    iso = frame.select(normalise.iso_datetime(pl.col("v")).str.contains(r"^\d{4}-\d{2}-\d{2}")).to_series()
    whole = frame.select(normalise.whole_number(pl.col("v")).cast(pl.Int64, strict=False)).to_series()
    lower = values.str.to_lowercase().unique().to_list()
    return {
        "n": n,
        "dates": iso.sum() / n,
        "numbers": whole.is_not_null().sum() / n,
        "unique": values.n_unique() / n,
        "median": float(whole.median() or 0),
        "example": values[0][:40],
        "lower": lower if len(lower) <= 12 else [],
    }


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _rupiah(value: float) -> str:
    return "Rp" + f"{round(value):,}".replace(",", ".")
