"""A crafted case with known answers: eight producers, February–March 2024, written as landing CSV files.

- 2024-03-04/05/06 turn over Rp4.337.500, Rp6.287.500 and Rp3.687.500 from 155/153/155 sales; each day has
  eight producers and the largest holds 35 %, 61 % and 22 % of the day (a day dominated 50–85 % is published);
- 2024-03-07 has one producer only (its figure must be hidden and not recoverable from any total);
- P1 is the only doll workshop (boneka): its category is dominated every day it sells;
- four exporters ship ornamental fish and dolls: Japan, China and Taiwan from three each, the United States
  from one (merged into "lainnya").
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from conftest import HEADERS

PRODUCERS = [
    ["P1", "UD Boneka Ceria", "1234567890101", "Bekasi Barat", "Bintara", "boneka", "32400", "2020-01-01", "ya"],
    ["P2", "Dapur Bu Ani", "1234567890102", "Bekasi Timur", "Aren Jaya", "makanan", "10792", "2020-01-01", "tidak"],
    ["P3", "Kue Pak Budi", "1234567890103", "Bekasi Utara", "Harapan Jaya", "makanan", "10792", "2020-01-01",
     "tidak"],
    ["P4", "CV Mina Hias", "1234567890104", "Rawalumbu", "Bojong Rawalumbu", "ikan_hias", "03225", "2020-01-01",
     "ya"],
    ["P5", "Konveksi Sejahtera", "1234567890105", "Jatiasih", "Jatiasih", "konveksi", "14111", "2020-01-01",
     "tidak"],
    ["P6", "Anyaman Melati", "1234567890106", "Pondok Gede", "Jatiwaringin", "kerajinan", "32909", "2020-01-01",
     "ya"],
    ["P7", "Mebel Jati", "1234567890107", "Medan Satria", "Harapan Mulya", "furnitur", "31001", "2020-01-01",
     "tidak"],
    ["P8", "Keripik Mustika", "1234567890108", "Mustika Jaya", "Mustika Jaya", "makanan", "10792", "2020-01-01",
     "ya"],
]  # fmt: skip
ALL = [p[0] for p in PRODUCERS]
FIRST, LAST = date(2024, 2, 26), date(2024, 3, 31)
SOLO_DAY = date(2024, 3, 7)
# day -> (total, sales, {producer: share in thousandths}); other days: eight producers, no one above 20 %.
SPECIAL = {
    date(2024, 3, 4): (4_337_500, 155, {"P2": 350, "P1": 50, **{p: 100 for p in ALL[2:]}}),
    date(2024, 3, 5): (6_287_500, 153, {"P3": 610, **{p: 55 for p in ALL if p != "P3"}, "P1": 60}),
    date(2024, 3, 6): (3_687_500, 155, {"P4": 220, **{p: 111 for p in ALL if p != "P4"}, "P8": 114}),
    SOLO_DAY: (900_000, 20, {"P5": 1000}),
}


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Integer amounts in proportion to `weights` that add up to `total` exactly (the last takes the rest)."""
    whole = sum(weights.values())
    out, left = {}, total
    for i, (p, w) in enumerate(weights.items()):
        out[p] = left if i == len(weights) - 1 else total * w // whole
        left -= out[p]
    return out


def _day(day: date) -> list[list]:
    if day in SPECIAL:
        total, sales, shares = SPECIAL[day]
    else:
        n = (day - FIRST).days
        total, sales, shares = 5_000_000 + 37_500 * n, 120 + n % 7, {p: 120 + 5 * i for i, p in enumerate(ALL)}
    amounts, counts = _split(total, shares), _split(sales, shares)
    rows = []
    for producer, amount in amounts.items():
        k = max(1, counts[producer])
        for j, part in enumerate(_split(amount, {str(i): 1 for i in range(k)}).values()):
            rows.append([f"{day:%Y%m%d}-{producer}-{j}", producer, f"{day}T{8 + j % 10:02d}:{j % 60:02d}:00+07:00",
                         part, 1, "", "tunai"])  # fmt: skip
    return rows


def transactions() -> list[list]:
    return [row for i in range((LAST - FIRST).days + 1) for row in _day(FIRST + timedelta(days=i))]


def fx_rates() -> list[list]:
    return [[str(date(2024, 1, 25) + timedelta(days=i)), "USD", str(15_600 + 5 * i)] for i in range(70)]


EXPORTS = [  # peb, date, producer, hs, fob (USD), destination: Japan and China from three exporters each
    ("PEB-0201", "2024-02-12", "P4", "0301.11.00", "1400", "JP"),
    ("PEB-0202", "2024-02-13", "P6", "0301.11.00", "1100", "JP"),
    ("PEB-0203", "2024-02-15", "P8", "0301.19.00", "900", "JP"),
    ("PEB-0204", "2024-02-20", "P1", "9503.00.10", "1200", "CN"),
    ("PEB-0205", "2024-02-21", "P6", "0301.11.00", "1000", "CN"),
    ("PEB-0206", "2024-02-22", "P8", "0301.19.00", "800", "CN"),
    ("PEB-0207", "2024-02-23", "P1", "9503.00.10", "300", "US"),
    ("PEB-0301", "2024-03-05", "P4", "0301.11.00", "1500", "JP"),
    ("PEB-0302", "2024-03-06", "P6", "0301.11.00", "1200", "JP"),
    ("PEB-0303", "2024-03-08", "P8", "0301.19.00", "1000", "JP"),
    ("PEB-0304", "2024-03-12", "P1", "9503.00.10", "1300", "CN"),
    ("PEB-0305", "2024-03-13", "P6", "0301.11.00", "1100", "CN"),
    ("PEB-0306", "2024-03-19", "P8", "0301.19.00", "900", "CN"),
    ("PEB-0307", "2024-03-20", "P4", "0301.11.00", "600", "TW"),
    ("PEB-0308", "2024-03-21", "P1", "9503.00.10", "500", "TW"),
    ("PEB-0309", "2024-03-22", "P8", "0301.19.00", "400", "TW"),
    ("PEB-0310", "2024-03-26", "P1", "9503.00.10", "300", "US"),
]


def exports() -> list[list]:
    return [[peb, day, p, hs, "ikan hias" if hs.startswith("0301") else "boneka", "100", "EKOR", "12.5", fob, "USD",
             dest, "IDCGK"] for peb, day, p, hs, fob, dest in EXPORTS]  # fmt: skip


def write(landing: Path) -> None:
    for source, rows in (("producers", PRODUCERS), ("fx_rates", fx_rates()), ("transactions", transactions()),
                         ("exports", exports())):  # fmt: skip
        folder = landing / source
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{source}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS[source])
            w.writerows(rows)
