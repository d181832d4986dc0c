"""A row's reasons, as the warehouse keeps them (English, joined by "; "), said in either language.

The reasons are written by the row rules (`rowsql`, in SQL), the readers (a ragged row, an order whose lines
disagree) and the marketplace step (an order that is not a sale). They stay English where they are stored,
so `sentra check` and the quarantine files say them in the user's language through these patterns; a test
keeps every reason the rules can write matched.
"""

from __future__ import annotations

import re

from pipelines.core.i18n import Said

_V = r"'(?P<value>.*?)'"
_SETTING = r"of (?P<bound>\S+) for a sale \((?P<setting>\w+) in SENTRA_INGEST\)"
_KINDS = {
    "a whole number": "int",
    "a number": "decimal",
    "true/false": "bool",
}
# (pattern, catalogue key) in the order tried; a pattern must end where a reason ends.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p + r"(?=; |$)"), key)
    for p, key in (
        (r"missing (?P<column>\w+)", "missing"),
        (rf"(?P<column>\w+) {_V} is not an allowed code", "code"),
        (rf"(?P<column>\w+) {_V} is not a date and time \(e\.g\. [^)]*\)", "not_timestamp"),
        (rf"(?P<column>\w+) {_V} is not a date \(e\.g\. [^)]*\)", "not_date"),
        (rf"(?P<column>\w+) {_V} is not (?P<kind>a whole number|a number|true/false)", "not_kind"),
        (rf"(?P<column>\w+) {_V} has the wrong format", "format"),
        (rf"(?P<column>\w+) must be greater than (?P<bound>[\d.]+), got {_V}", "greater"),
        (rf"(?P<column>\w+) must be at least (?P<bound>[\d.]+), got {_V}", "at_least"),
        (rf"producer_id {_V} is not in the registry", "registry"),
        (rf"producer_id {_V} is not this folder's producer (?P<producer>\S+)", "other_producer"),
        (
            rf"amount_idr {_V} is below the plausible minimum {_SETTING}",
            "below",
        ),
        (
            rf"amount_idr {_V} is above the plausible maximum {_SETTING}",
            "above",
        ),
        (rf"(?P<column>\w+) {_V} is outside the partitioned dates (?P<first>\S+) … (?P<last>\S+)", "outside"),
        (
            r"line (?P<line>\d+) has (?P<n>\d+) fields, the header (?P<width>\d+) \(a separator inside an unquoted "
            r"value\?\); the surplus was (?P<surplus>.*?)",
            "ragged",
        ),
        (r"the order's (?P<column>\w+) differs between its lines, so its amount is unknown", "order_disagree"),
        (rf"order status {_V} is not a sale \(cancelled, returned or unpaid\)", "not_a_sale"),
    )
)


def said(reason: str) -> list[Said]:
    """Each of a row's reasons as a Said (`reason.<key>`); one no pattern knows is said as written."""
    out, at = [], 0
    while at < len(reason):
        for pattern, key in _PATTERNS:
            m = pattern.match(reason, at)
            if m:
                values = m.groupdict()
                if "kind" in values:
                    values["kind"] = Said.of(f"reason.kind.{_KINDS[values['kind']]}")
                out.append(Said.of(f"reason.{key}", **values))
                at = m.end() + 2
                break
        else:
            out.append(Said.of("reason.as_written", text=reason[at:]))
            break
    return out


def text(reason: str, lang: str) -> str:
    return "; ".join(s.text(lang) for s in said(reason))
