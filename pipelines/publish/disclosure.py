"""Statistical disclosure control: no published figure may reveal one producer's figures.

The method (docs/DISCLOSURE.md) is the one statistical offices use for magnitude tables:

1. **Primary rules.** A cell built from fewer than `min_producers` producers, or whose largest producer
   holds more than `max_share` of its value, is unsafe. Judged exactly (fractions), whatever numeric
   type arrives: DuckDB sums come as DECIMAL/HUGEINT and must never be divided with scale 0.
2. **Merging.** In a breakdown that allows it, unsafe parts are merged into "lainnya", and the smallest
   safe parts join them until the merged cell is itself safe. A breakdown may also keep only its
   largest `keep` parts and merge the rest (the top-10 destinations).
3. **Secondary suppression.** Every table is a set of relations `total = Σ parts`. A hidden cell must
   not be recoverable by adding or subtracting published figures: an exact audit (the null space of
   the relations restricted to the hidden cells) finds every hidden cell that is determined, and the
   smallest published figure of one of its relations is hidden too. The hidden parts of a relation
   whose total is published add up to a known figure, so together they must pass the primary rules.
4. **Pruning.** A secondary suppression that is no longer needed is published again, so a cell that
   passes the primary rules is hidden only when protecting another one needs it.

Pure functions: cells and relations in, a verdict per cell out. `pipelines.publish.cells` builds the
grid from the marts and writes the verdicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

OTHER = "lainnya"

PUBLISHED, MERGED, CONFIDENTIAL = "published", "merged", "confidential"
# Reasons, stored as codes; the translation catalogue words them for readers.
FEW_PRODUCERS, DOMINANCE, SECONDARY, MERGED_UNSAFE, MERGED_SMALL, MERGED_REST = (
    "few_producers",
    "dominance",
    "secondary",
    "merged_unsafe",
    "merged_to_protect",
    "merged_not_top",
)

Key = Hashable
Number = int | Decimal | Fraction


@dataclass(frozen=True)
class Rule:
    min_producers: int = 3
    max_share: float = 0.85

    def judge(self, contributions: Mapping[str, Number]) -> str | None:
        """The primary rule a cell with these per-producer contributions breaks, or None when it is safe."""
        values = exact(contributions.values())
        if sum(1 for v in values if v != 0) < self.min_producers:
            return FEW_PRODUCERS
        total = sum(values)
        share = Fraction(str(self.max_share))
        if total > 0 and max(values) * share.denominator > share.numerator * total:  # max > share × total
            return DOMINANCE
        return None


def exact(values: Iterable[Number]) -> list[int] | list[Fraction]:
    """The values as numbers that compare and add exactly: whole numbers scaled by one power of ten when all are
    integers or decimals (what DuckDB returns: ten times faster than fractions), else fractions."""
    values = list(values)
    if all(isinstance(v, int) for v in values):
        return values
    if all(isinstance(v, int | Decimal) and (isinstance(v, int) or v.is_finite()) for v in values):
        places = max((-v.as_tuple().exponent for v in values if isinstance(v, Decimal)), default=0)
        if 0 <= places <= 12:
            return [int(Decimal(v).scaleb(places)) for v in values]
    return [Fraction(v) for v in values]


@dataclass(frozen=True)
class Relation:
    """`total = Σ parts`. With `other`, unsafe parts are merged into the cell `other` ("lainnya");
    with `keep` too, only the `keep` largest parts stay on their own."""

    total: Key
    parts: tuple[Key, ...]
    other: Key | None = None
    keep: int | None = None


@dataclass
class Verdict:
    status: dict[Key, str] = field(default_factory=dict)  # every cell, merged cells included
    reason: dict[Key, str | None] = field(default_factory=dict)
    value: dict[Key, Number] = field(default_factory=dict)  # merged cells' values (Σ members)
    members: dict[Key, tuple[Key, ...]] = field(default_factory=dict)  # merged cell -> what it holds

    def hidden(self, key: Key) -> bool:
        return self.status[key] != PUBLISHED


def union(contributions: Iterable[Mapping[str, Number]]) -> dict[str, Number]:
    out: dict[str, Number] = {}
    for c in contributions:
        for producer, v in c.items():
            out[producer] = out.get(producer, 0) + v
    return out


class _Grid:
    def __init__(self, values: Mapping[Key, Number], contrib: Mapping[Key, Mapping[str, Number]], rule: Rule):
        self.values, self.contrib, self.rule = dict(values), dict(contrib), rule
        self.equations: list[tuple[Key, tuple[Key, ...]]] = []
        self.v = Verdict()
        # A "lainnya" that holds every part of its breakdown is its total under another name: hidden together.
        self.aliases: dict[Key, set[Key]] = defaultdict(set)
        # The relations as a reader sees them: a merged breakdown adds up its shown parts and its "lainnya".
        self.shown: list[tuple[Key, tuple[Key, ...]]] = []

    def judge(self, keys: Iterable[Key]) -> str | None:
        return self.rule.judge(union(self.contrib[k] for k in keys))

    def size(self, key: Key) -> tuple[Fraction, str]:
        return Fraction(self.values[key]), repr(key)  # ties broken by key: the same input, the same output

    def hide(self, key: Key, reason: str) -> None:
        for k in (key, *self.aliases[key]):
            if not self.v.hidden(k):
                self.v.status[k], self.v.reason[k] = CONFIDENTIAL, reason

    def show(self, key: Key) -> None:
        """Publish again a secondary suppression (and its aliases hidden with it)."""
        for k in (key, *self.aliases[key]):
            if self.v.reason[k] == SECONDARY:
                self.v.status[k], self.v.reason[k] = PUBLISHED, None


def _merge(g: _Grid, rel: Relation) -> bool:
    """Merge the relation's unsafe parts (and, with `keep`, all but its largest) into `rel.other`; whether any."""
    ranked = sorted(rel.parts, key=g.size, reverse=True)
    members = {p: g.v.reason[p] for p in rel.parts if g.v.status[p] == CONFIDENTIAL}
    if rel.keep is not None:
        members.update({p: MERGED_REST for p in ranked[rel.keep :] if p not in members})
    if not members:
        return False
    if rel.other in rel.parts:  # a real "lainnya" part (products of no listed category) joins the merged cell
        members.setdefault(rel.other, MERGED_SMALL)
    safe = [p for p in reversed(ranked) if p not in members]  # smallest first
    while g.judge(members) is not None and safe:
        members[safe.pop(0)] = MERGED_SMALL
    merged = tuple(sorted(members, key=repr))
    other = ("merged", rel.other)
    g.values[other] = sum((g.values[m] for m in merged), 0)
    g.contrib[other] = union(g.contrib[m] for m in merged)
    g.v.value[other], g.v.members[other] = g.values[other], merged
    verdict = g.judge(merged)
    g.v.status[other], g.v.reason[other] = (PUBLISHED, None) if verdict is None else (CONFIDENTIAL, verdict)
    for m, why in members.items():
        g.v.status[m], g.v.reason[m] = MERGED, MERGED_UNSAFE if why in (FEW_PRODUCERS, DOMINANCE) else why
    g.equations.append((other, merged))
    g.shown.append((rel.total, (*(p for p in rel.parts if p not in members), other)))
    if set(merged) == set(rel.parts):
        g.aliases[other].add(rel.total)
        g.aliases[rel.total].add(other)
    return True


def _rows(equations: list[tuple[Key, tuple[Key, ...]]], hidden: set[Key]) -> list[dict[Key, float]]:
    """Each relation as coefficients of its hidden cells (published ones are known constants)."""
    rows = []
    for total, parts in equations:
        row = {k: -1.0 for k in parts if k in hidden}
        if total in hidden:
            row[total] = row.get(total, 0.0) + 1.0
        if row:
            rows.append(row)
    return rows


def _peel(rows: list[dict[Key, float]]) -> tuple[list[dict[Key, float]], list[tuple[Key, dict[Key, float]]]]:
    """Take out cells that appear in one relation only, with that relation: such a relation tells nothing about
    the others, and its cell is known exactly when all the others in it are. Returns (rest, peeled in order)."""
    rows = list(rows)
    alive = [True] * len(rows)
    where: dict[Key, set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for k in row:
            where[k].add(i)
    peeled, queue = [], [k for k, rs in where.items() if len(rs) == 1]
    while queue:
        k = queue.pop()
        if len(where[k]) != 1:
            continue
        (i,) = where[k]
        alive[i] = False
        peeled.append((k, rows[i]))
        for other in rows[i]:
            where[other].discard(i)
            if len(where[other]) == 1:
                queue.append(other)
    return [r for r, a in zip(rows, alive, strict=True) if a], peeled


def determined(equations: list[tuple[Key, tuple[Key, ...]]], hidden: set[Key]) -> set[Key]:
    """Hidden cells whose value follows exactly from the published ones through `total = Σ parts`.

    A hidden cell is determined when every solution of the relations (over the hidden cells, the published
    ones being known) gives it the same value: its row of a null-space basis is zero. Cells that occur in a
    single relation are peeled off first (they take whatever value that relation leaves), the core is solved
    by SVD, and the basis is extended back over the peeled cells.
    """
    rows, peeled = _peel(_rows(equations, hidden))
    keys = sorted({k for r in rows for k in r}, key=repr)
    free = sorted({k for _, r in peeled for k in r} - set(keys) - {k for k, _ in peeled}, key=repr)
    index = {k: i for i, k in enumerate(keys)}
    basis = []
    if keys:
        a = np.zeros((len(rows), len(keys)))
        for i, r in enumerate(rows):
            for k, c in r.items():
                a[i, index[k]] = c
        _, s, vt = np.linalg.svd(a)
        basis.append(vt[int((s > 1e-9).sum()) :].T)  # the core's null space
    order = keys + free
    index = {k: i for i, k in enumerate(order)}
    null = np.zeros((len(order) + len(peeled), 0))
    if basis or free:
        core = basis[0] if basis else np.zeros((0, 0))
        null = np.zeros((len(order) + len(peeled), core.shape[1] + len(free)))
        null[: len(keys), : core.shape[1]] = core
        for j, _ in enumerate(free):
            null[len(keys) + j, core.shape[1] + j] = 1.0
    for k, r in reversed(peeled):  # each peeled cell takes the value its one relation leaves it
        index[k] = len(index)
        null[index[k]] = -sum((c * null[index[o]] for o, c in r.items() if o != k), np.zeros(null.shape[1])) / r[k]
    return {k for k, i in index.items() if null.shape[1] == 0 or np.abs(null[i]).max() < 1e-9}


def _unsafe_groups(g: _Grid) -> list[tuple[Key, tuple[Key, ...]]]:
    """Relations whose total is published while their hidden parts, which then add up to a known figure,
    are together unsafe."""
    out = []
    for total, parts in g.equations:
        hidden = [p for p in parts if g.v.hidden(p)]
        if hidden and not g.v.hidden(total) and total not in g.v.members and g.judge(hidden) is not None:
            out.append((total, parts))
    return out


def _recoverable(g: _Grid) -> set[Key]:
    """Hidden cells a reader could work out. Parts merged only to shorten a list (top 10) are not secret."""
    found = determined(g.equations, {k for k, s in g.v.status.items() if s != PUBLISHED})
    return {k for k in found if g.v.reason[k] != MERGED_REST}


def _problems(g: _Grid) -> list[tuple[Key, tuple[Key, ...]]]:
    """The relations through which a secret can be worked out, or whose hidden parts are unsafe together."""
    found = _recoverable(g)
    out = [(t, p) for t, p in g.equations if found.intersection((t, *p))] if found else []
    return out or _unsafe_groups(g)


def _candidates(g: _Grid, problems: list[tuple[Key, tuple[Key, ...]]]) -> set[Key]:
    """Published figures whose hiding can stop a leak: the leaking relations' parts (else their totals), widened
    to the relations linked to them through hidden cells when those are all hidden already."""
    seen: set[Key] = set()
    while True:
        parts = {p for _, ps in problems for p in ps if not g.v.hidden(p)}
        totals = {t for t, _ in problems if not g.v.hidden(t)}
        if parts or totals:
            return parts or totals
        hidden = {k for t, ps in problems for k in (t, *ps)} - seen
        if not hidden:
            return set()
        seen |= hidden
        problems = [(t, ps) for t, ps in g.equations if seen.intersection((t, *ps))]


def _singletons(g: _Grid) -> None:
    """Wherever a relation (as shown) has exactly one hidden secret, hide another of its figures: the cheap,
    classical rule, applied until it holds everywhere before the exact audit runs. Of the published parts
    (the total when none is left), the one whose hiding leaves the fewest other relations with a single
    hidden figure is taken, then the smallest."""

    def fresh(c: Key) -> int:
        return sum(1 for t, ps in g.shown if c in (t, *ps) and not any(g.v.hidden(m) for m in (t, *ps)))

    changed = True
    while changed:
        changed = False
        for total, parts in g.shown:
            hidden = [m for m in (total, *parts) if g.v.hidden(m)]
            if len(hidden) != 1 or g.v.reason[hidden[0]] == MERGED_REST:
                continue
            candidates = [p for p in parts if not g.v.hidden(p)] or ([total] if not g.v.hidden(total) else [])
            if candidates:
                g.hide(min(candidates, key=lambda c: (fresh(c), g.size(c))), SECONDARY)
                changed = True


def _secondary(g: _Grid) -> None:
    """Hide, one at a time, the smallest published figure that stops a leak, until none leaks.

    For a hidden cell that can be worked out, the candidates are the published members of its relations; the
    smallest whose hiding makes the cell undeterminable is taken (the smallest of all when none does alone).
    """
    _singletons(g)
    while problems := _problems(g):
        found = sorted(_recoverable(g), key=g.size)
        if found:
            problems = [(t, ps) for t, ps in g.equations if found[0] in (t, *ps)]
        candidates = sorted(_candidates(g, problems), key=g.size)
        if not candidates:
            raise AssertionError("disclosure: a secret stays recoverable with every related figure hidden")
        choice = next((c for c in candidates if found and _stops(g, c, found[0])), candidates[0])
        g.hide(choice, SECONDARY)
        _singletons(g)


def _stops(g: _Grid, candidate: Key, secret: Key) -> bool:
    """Whether hiding `candidate` makes `secret` undeterminable."""
    before = {k: (g.v.status[k], g.v.reason[k]) for k in (candidate, *g.aliases[candidate])}
    g.hide(candidate, SECONDARY)
    stops = secret not in _recoverable(g)
    for k, (status, reason) in before.items():
        g.v.status[k], g.v.reason[k] = status, reason
    return stops


def _prune(g: _Grid) -> None:
    for key in sorted((k for k, r in g.v.reason.items() if r == SECONDARY), key=g.size, reverse=True):
        if g.v.reason[key] != SECONDARY:
            continue  # published again with an alias
        g.show(key)
        if _problems(g):
            g.hide(key, SECONDARY)


def protect(
    values: Mapping[Key, Number],
    contributions: Mapping[Key, Mapping[str, Number]],
    relations: Iterable[Relation],
    rule: Rule,
) -> Verdict:
    """The verdict on every cell of a grid: published, merged into a "lainnya" cell, or confidential.

    `values` are the marts' figures, `contributions` each cell's figures per producer (read only to
    judge), `relations` every `total = Σ parts` a reader can form from the release's figures. Merged
    cells get the key `("merged", relation.other)`.
    """
    g = _Grid(values, contributions, rule)
    relations = list(relations)
    for key in g.values:
        why = g.judge([key])
        g.v.status[key], g.v.reason[key] = (PUBLISHED, None) if why is None else (CONFIDENTIAL, why)
    g.equations = [(r.total, r.parts) for r in relations]
    for rel in relations:
        if rel.other is None or not _merge(g, rel):
            g.shown.append((rel.total, rel.parts))
    _secondary(g)
    _prune(g)
    return g.v
