#!/usr/bin/env bash
# One new day with a year of Kota Bekasi loaded, end to end as a user runs it (start-up included):
# build the demo year in a fresh data folder, then time `sentra run` for one new day's file.
# Usage: bench/new_day.sh [DAY]   (default 2026-01-07, a Wednesday: it closes no week and no month)
set -euo pipefail
cd "$(dirname "$0")/.."
DAY="${1:-2026-01-07}"
BIN=.venv/bin
DATA="$(mktemp -d /tmp/sentra-new-day.XXXXXX)"
NEXT="$(mktemp -d /tmp/sentra-new-day-file.XXXXXX)"
trap 'rm -rf "$DATA" "$NEXT"' EXIT
export SENTRA_DATA_DIR="$DATA"
$BIN/sentra sample --messy --out "$DATA/landing" --from 2025-01-01 --to 2025-12-31 >/dev/null
$BIN/sentra run --from 2025-01-01 --to 2025-12-31 >/dev/null
# The same producers' sales of the new day (the registry and rates are already in). The generator numbers sales
# per run (TRX-0144-000001 again), which would read as corrections of last year's sales: give the day's ids a
# prefix of their own, in its corrections file too, so the day is a new day and nothing else.
$BIN/sentra sample --out "$NEXT" --from "$DAY" --to "$DAY" >/dev/null
$BIN/python - "$DAY" "$NEXT"/transactions/*.csv <<'PY'
import csv, sys
for path in sys.argv[2:]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        row[0] = f"D{sys.argv[1]}-{row[0]}"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
PY
cp "$NEXT"/transactions/*.csv "$DATA/landing/transactions/"
start=$(date +%s%N)
$BIN/sentra run --from "$DAY" --to "$DAY" --timings "$DATA/new-day.json"
ms=$((($(date +%s%N) - start) / 1000000))
echo "one new day ($DAY) with a year loaded: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall, start-up included"
$BIN/python -c "import json,sys; d=json.load(open(sys.argv[1])); [print(f\"  {s['label']}: {s['seconds']:.1f} s\") for s in d['steps']]" "$DATA/new-day.json"
