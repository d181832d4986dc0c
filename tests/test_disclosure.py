"""Tier 1: disclosure control — primary rules judged exactly, merging into "lainnya", secondary suppression.

The property tests check the verdicts with an independent exact computation (rational Gaussian
elimination, not the module's own audit): no hidden cell can be worked out from the published figures of
its grid, and a cell that passes the primary rules is hidden only when protecting another one needs it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.publish import disclosure as d

TIER = "pure"  # tests/conftest.py: the runner's tiers

RULE = d.Rule()


def test_primary_rules_are_exact_for_the_types_duckdb_returns() -> None:
    # A DuckDB sum of BIGINT arrives as a HUGEINT (int) or DECIMAL(38,0): 61% must not round to 1 (= 100%).
    day = {"p1": Decimal("3813200"), "p2": Decimal("1237200"), "p3": Decimal("1237100")}
    assert RULE.judge(day) is None
    assert RULE.judge({"p1": 85, "p2": 10, "p3": 5}) is None  # exactly 85% is allowed: "more than 85%" is not
    assert RULE.judge({"p1": 8501, "p2": 1000, "p3": 499}) == d.DOMINANCE
    assert RULE.judge({"p1": 10**30, "p2": 10**30}) == d.FEW_PRODUCERS
    assert RULE.judge({"p1": Decimal("0.10"), "p2": Decimal("0.10"), "p3": Decimal("0.10")}) is None
    assert d.Rule(min_producers=5).judge({f"p{i}": 1 for i in range(4)}) == d.FEW_PRODUCERS


def _grid(cells: dict[tuple, dict[str, int]]) -> tuple[dict, dict]:
    return {k: sum(v.values()) for k, v in cells.items()}, cells


def test_a_dominated_category_is_merged_until_lainnya_is_safe_and_the_day_cannot_give_it_back() -> None:
    values, contrib = _grid({
        ("day",): {"a": 40, "b": 30, "c": 20, "d": 10, "e": 900},
        ("cat", "boneka"): {"e": 900},
        ("cat", "makanan"): {"a": 40, "b": 30, "c": 20},
        ("cat", "furnitur"): {"d": 10},
    })  # fmt: skip
    parts = (("cat", "boneka"), ("cat", "makanan"), ("cat", "furnitur"))
    v = d.protect(values, contrib, [d.Relation(("day",), parts, other=("cat", "lainnya"))], RULE)
    merged = ("merged", ("cat", "lainnya"))
    # boneka (one producer) and furnitur (one producer) together are still one dominant producer: makanan joins.
    assert set(v.members[merged]) == set(parts)
    assert v.status[merged] == d.CONFIDENTIAL and v.status[("day",)] == d.CONFIDENTIAL  # e holds 90% of the day
    assert {v.reason[p] for p in parts} == {d.MERGED_UNSAFE, d.MERGED_SMALL}


def test_a_one_producer_day_is_hidden_with_another_day_of_its_week() -> None:
    days = {("day", i): {f"p{j}": 100 + i + j for j in range(4)} for i in range(1, 8)}
    days[("day", 3)] = {"solo": 500}
    week = d.union(days.values())
    values, contrib = _grid({**days, ("week",): week})
    v = d.protect(values, contrib, [d.Relation(("week",), tuple(days))], RULE)
    hidden = [k for k in days if v.hidden(k)]
    assert v.reason[("day", 3)] == d.FEW_PRODUCERS and len(hidden) == 2  # the smallest other day, no more
    assert v.reason[hidden[0] if hidden[1] == ("day", 3) else hidden[1]] == d.SECONDARY
    assert not v.hidden(("week",))


def test_a_breakdown_keeps_its_largest_parts_and_lainnya_holds_the_rest() -> None:
    cells = {("dest", c): {f"{c}{j}": 10 * (i + 1) for j in range(3)} for i, c in enumerate("ABCDE")}
    cells[("month",)] = d.union(cells.values())
    values, contrib = _grid(cells)
    parts = tuple(k for k in cells if k[0] == "dest")
    v = d.protect(values, contrib, [d.Relation(("month",), parts, other=("dest", "lainnya"), keep=3)], RULE)
    assert set(v.members[("merged", ("dest", "lainnya"))]) == {("dest", "A"), ("dest", "B")}
    assert v.value[("merged", ("dest", "lainnya"))] == values[("dest", "A")] + values[("dest", "B")]
    assert all(not v.hidden(("dest", c)) for c in "CDE")


# --- Property: nothing hidden can be worked out, nothing is hidden for no reason -----------------------


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, cols = 0, len(rows[0]) if rows else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][c] != 0:
                f = rows[i][c] / rows[rank][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(equations: list[tuple], hidden: set) -> set:
    """Hidden cells whose value the published ones determine (e_j in the row space of the hidden part)."""
    keys = sorted(hidden, key=repr)
    rows = []
    for total, parts in equations:
        row = [Fraction(0)] * len(keys)
        for i, k in enumerate(keys):
            row[i] = Fraction(int(k == total) - sum(1 for p in parts if p == k))
        if any(row):
            rows.append(row)
    base = _rank(rows)
    return {k for i, k in enumerate(keys) if _rank([*rows, [Fraction(int(j == i)) for j in range(len(keys))]]) == base}


def _equations(v: d.Verdict, relations: list[d.Relation]) -> list[tuple]:
    return [(r.total, r.parts) for r in relations] + [(k, m) for k, m in v.members.items()]


def _leaks(v: d.Verdict, relations: list[d.Relation], contrib: dict) -> bool:
    eqs = _equations(v, relations)
    hidden = {k for k, s in v.status.items() if s != d.PUBLISHED}
    if recoverable(eqs, hidden):
        return True
    for total, parts in eqs:
        inside = [p for p in parts if p in hidden]
        exposed = inside and total not in hidden and total not in v.members
        if exposed and RULE.judge(d.union(contrib[p] for p in inside)) is not None:
            return True
    return False


week_of_categories = st.integers(2, 4).flatmap(
    lambda days: st.integers(2, 3).flatmap(
        lambda cats: st.lists(
            st.lists(st.dictionaries(st.sampled_from("pqrstuvw"), st.integers(1, 1000), max_size=4),
                     min_size=cats, max_size=cats),
            min_size=days, max_size=days,
        )
    )
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(week_of_categories)
def test_no_hidden_cell_can_be_recovered_and_none_is_hidden_needlessly(grid: list[list[dict[str, int]]]) -> None:
    contrib: dict[tuple, dict[str, int]] = {}
    for i, day in enumerate(grid):
        for j, cell in enumerate(day):
            if cell:
                contrib[("dc", i, j)] = cell
        if any(day):
            contrib[("day", i)] = d.union(day)
    for j in range(len(grid[0])):
        if any(day[j] for day in grid):
            contrib[("wc", j)] = d.union(day[j] for day in grid)
    if not contrib:
        return
    contrib[("week",)] = d.union(c for k, c in contrib.items() if k[0] == "day")
    values = {k: sum(c.values()) for k, c in contrib.items()}
    days = [k for k in contrib if k[0] == "day"]
    relations = [d.Relation(("week",), tuple(days)),
                 d.Relation(("week",), tuple(k for k in contrib if k[0] == "wc"), other=("wc", "lainnya"))]  # fmt: skip
    for _, i in days:
        relations.append(d.Relation(("day", i), tuple(k for k in contrib if k[0] == "dc" and k[1] == i),
                                    other=("dc", i, "lainnya")))  # fmt: skip
    for k in (k for k in contrib if k[0] == "wc"):
        relations.append(d.Relation(k, tuple(p for p in contrib if p[0] == "dc" and p[2] == k[1])))
    v = d.protect(values, contrib, relations, RULE)
    merged_contrib = {**contrib, **{k: d.union(contrib[m] for m in ms) for k, ms in v.members.items()}}

    assert not _leaks(v, relations, merged_contrib)
    for key, status in v.status.items():
        primary = RULE.judge(merged_contrib[key])
        if status == d.PUBLISHED:
            assert primary is None  # nothing unsafe is shown
        elif primary is None:
            assert v.reason[key] in (d.SECONDARY, d.MERGED_SMALL)  # hidden only to protect another cell
    for key in (k for k, r in v.reason.items() if r == d.SECONDARY):
        v.status[key] = d.PUBLISHED  # each secondary suppression is needed: publishing it would leak
        assert _leaks(v, relations, merged_contrib)
        v.status[key] = d.CONFIDENTIAL
