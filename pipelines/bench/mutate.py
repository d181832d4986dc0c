"""Seeded mutations of landing files, for the per-file isolation test (tests/test_fuzz_files.py) and its longer
runs over more seeds (`python -m pipelines.bench.mutate`, in `make bench`).

Each mutation is something real files go through: cut short by a failed copy, bytes flipped by a bad USB stick,
NULs from a crashed editor, a header lost or doubled, another separator or encoding (UTF-16 with and without a
byte-order mark, Windows-1252), line endings of old Mac tools mixed in, and for an XLSX (a zip) a member damaged,
dropped or cut. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

Mutation = Callable[[bytes, random.Random], bytes]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _nuls(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + b"\x00" * rng.randint(1, 16) + data[i:]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _drop_header(data: bytes, rng: random.Random) -> bytes:
    return b"".join(_lines(data)[1:])


def _double_header(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    return b"".join(lines[:1] + lines)


def _separator(data: bytes, rng: random.Random) -> bytes:
    new = rng.choice([b";", b"\t", b"|"])
    return data.replace(b",", new) if b"," in data[:400] else data.replace(b";", b",")


def _utf16(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace").replace(",", "\t")
    return rng.choice([b"\xff\xfe" + text.encode("utf-16-le"), text.encode("utf-16-le"), text.encode("utf-16")])


def _windows_1252(data: bytes, rng: random.Random) -> bytes:
    return data.decode("utf-8", "replace").replace("a", "á").encode("cp1252", "replace")


def _line_endings(data: bytes, rng: random.Random) -> bytes:
    out = []
    for line in _lines(data):
        out.append(line.rstrip(b"\r\n") + rng.choice([b"\r\n", b"\n", b"\r"]))
    return b"".join(out)


def _zip_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(i, z.read(i)) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, content in members:
            z.writestr(info, content)
    return out.getvalue()


def _zip_member_damaged(data: bytes, rng: random.Random) -> bytes:
    members = _zip_members(data)
    if not members:
        return _flip(data, rng)
    i = rng.randrange(len(members))
    info, content = members[i]
    members[i] = (info, _flip(content, rng) if content else b"\x00")
    return _rezip(members)


def _zip_member_dropped(data: bytes, rng: random.Random) -> bytes:
    members = _zip_members(data)
    if not members or len(members) < 2:
        return _truncate(data, rng)
    members.pop(rng.randrange(len(members)))
    return _rezip(members)


def _zip_compressed_flip(data: bytes, rng: random.Random) -> bytes:
    """Bytes flipped inside the compressed data (what gave "invalid code lengths set" from zlib)."""
    out = bytearray(data)
    lo, hi = 40, max(41, len(out) - 200)  # past the first header, before the central directory
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(lo, hi)
        out[i] ^= 0xFF
    return bytes(out)


TEXT: tuple[Mutation, ...] = (
    _truncate,
    _flip,
    _nuls,
    _drop_header,
    _double_header,
    _separator,
    _utf16,
    _windows_1252,
    _line_endings,
)
ZIP: tuple[Mutation, ...] = (_truncate, _flip, _nuls, _zip_member_damaged, _zip_member_dropped, _zip_compressed_flip)


def mutants(landing: Path, seed: int, per_file: int) -> Iterator[tuple[Path, bytes]]:
    """(path relative to `landing`, bytes) of `per_file` mutants of each file but the registry, all different."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    for path in sorted(p for p in landing.rglob("*") if p.is_file() and p.parent.name != "producers"):
        data = path.read_bytes()
        kinds = ZIP if data[:2] == b"PK" else TEXT
        for n in range(per_file):
            mutation = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
            out = mutation(data, rng)
            if out and out not in seen:
                seen.add(out)
                yield path.relative_to(landing).with_name(f"{path.stem}~{mutation.__name__[1:]}{n}{path.suffix}"), out


def write(landing: Path, out: Path, seed: int, per_file: int) -> list[Path]:
    """The mutants of `landing` written under `out` (as old files: nothing waits to settle), with its registry."""
    written = []
    shutil.copytree(landing / "producers", out / "producers", dirs_exist_ok=True)
    for rel, data in mutants(landing, seed, per_file):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (1_700_000_000, 1_700_000_000))
        written.append(target)
    return written


def main() -> int:
    """Over many seeds: `sentra check` on every mutant gives a verdict for each and no internal error."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--per-file", type=int, default=12)
    args = parser.parse_args()
    sentra = str(Path(sys.executable).with_name("sentra"))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            [sentra, "sample", "--messy", "--out", str(base), "--from", "2025-03-01", "--to", "2025-03-03"],
            check=True,
            capture_output=True,
        )
        for seed in range(args.seeds):
            out = Path(tmp) / f"seed{seed}"
            files = write(base, out, seed, args.per_file)
            done = subprocess.run([sentra, "check", "--json", *map(str, files)], capture_output=True, text=True)
            bad = done.returncode not in (0, 3) or "internal error" in done.stderr or "Traceback" in done.stderr
            failures += bad
            print(f"seed {seed}: {len(files)} files, exit {done.returncode}{' FAILED' if bad else ''}", flush=True)
            if bad:
                print(done.stderr[-2000:], file=sys.stderr)
            shutil.rmtree(out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
