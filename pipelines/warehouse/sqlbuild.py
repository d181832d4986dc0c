"""SQL text composed in Python: identifiers quoted, literals escaped, expressions put together by name.

For the SQL that cannot be a file in `sql/` because the code generates it (the ingest's typing statement,
built from the record contracts: `pipelines.ingest.rowsql`). Every function returns SQL text and takes SQL
text (`ident`, `lit` or another function's result) for its operands; the only bare words it accepts
(function, alias, type and operator names) are checked to be words. What it quotes as literals are the
code's own constants (a contract's codes and patterns, a setting's bounds, a message): values from files
and users are never put in SQL text, they stay `?` parameters or rows of a relation.

    case((is_null(ident("x")), lit("missing x")))   ->  CASE WHEN "x" IS NULL THEN 'missing x' END
    alias(call("lower", ident("x")), ident("y"))    ->  lower("x") AS "y"
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\x00]|"")+"')  # a bare word, or a quoted identifier
_TYPE = re.compile(r"[A-Z]+(?:\(\d+(?:, ?\d+)?\))?")  # BIGINT, DECIMAL(18,4)
_OPERATORS = frozenset({"=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "%"})


def _checked(pattern: re.Pattern[str], text: str, what: str) -> str:
    if not pattern.fullmatch(text):
        raise ValueError(f"not {what}: {text!r}")
    return text


# --------------------------------------------------------------------------------------------------
# Names and values


def ident(name: str) -> str:
    """A quoted identifier: the name in double quotes, any double quote in it doubled (`a"b` is `"a""b"`)."""
    if not name or "\x00" in name:
        raise ValueError(f"not an identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def lit(value: str | int | float | date | None) -> str:
    """A literal: text in single quotes (a quote doubled; DuckDB reads backslashes as themselves), a number,
    true/false, `DATE '…'`, `TIMESTAMP '…'`, or NULL for None."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a SQL string literal cannot hold a NUL character")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, datetime):
        return "TIMESTAMP " + lit(value.isoformat(sep=" "))
    if isinstance(value, date):
        return "DATE " + lit(value.isoformat())
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def dot(*names: str) -> str:
    """A qualified name: `s0."x"`, a struct's field `"x__n".a`."""
    return ".".join(_checked(_NAME, n, "a name") for n in names)


# --------------------------------------------------------------------------------------------------
# Expressions


def commas(items: Iterable[str]) -> str:
    """A comma list: `a, b, c`."""
    return ", ".join(items)


def paren(expr: str) -> str:
    return "(" + expr + ")"


def call(function: str, *args: str) -> str:
    """A function call: `lower("x")`."""
    return _checked(_WORD, function, "a function name") + paren(commas(args))


def array(*items: str) -> str:
    """A list: `['a', 'b']`."""
    return "[" + commas(items) + "]"


def alias(expr: str, name: str) -> str:
    """`expr AS name` (`name`: `ident(…)`, or a bare word)."""
    return expr + " AS " + _checked(_NAME, name, "a name")


def cast(expr: str, type_: str) -> str:
    """`expr::TYPE` (parenthesise a compound `expr` with `paren`)."""
    return expr + "::" + _checked(_TYPE, type_, "a type")


def try_cast(expr: str, type_: str) -> str:
    """`TRY_CAST(expr AS TYPE)`: NULL when it does not convert."""
    return "TRY_CAST(" + expr + " AS " + _checked(_TYPE, type_, "a type") + ")"


def op(left: str, operator: str, right: str) -> str:
    """`left <operator> right`, for a comparison or arithmetic operator (no parentheses added)."""
    if operator not in _OPERATORS:
        raise ValueError(f"not an operator: {operator!r}")
    return left + " " + operator + " " + right


def concat(*parts: str) -> str:
    """Text joined: `a || b || c`."""
    return " || ".join(parts)


def and_(*conditions: str) -> str:
    return " AND ".join(conditions)


def or_(*conditions: str) -> str:
    return " OR ".join(conditions)


def not_(condition: str) -> str:
    return "NOT " + condition


def is_null(expr: str) -> str:
    return expr + " IS NULL"


def not_null(expr: str) -> str:
    return expr + " IS NOT NULL"


def between(expr: str, low: str, high: str) -> str:
    return expr + " BETWEEN " + low + " AND " + high


def in_(expr: str, items: Iterable[str], *, negate: bool = False) -> str:
    """`expr IN (a, b)`, or `expr NOT IN (a, b)`."""
    return expr + (" NOT IN " if negate else " IN ") + paren(commas(items))


def case(*whens: tuple[str, str], else_: str | None = None, on: str | None = None) -> str:
    """`CASE WHEN c THEN v … [ELSE e] END`; with `on`, `CASE on WHEN x THEN v … END` (x compared to `on`).
    No `else_`: no ELSE (NULL when nothing matches); `else_=lit(None)` writes `ELSE NULL`."""
    if not whens:
        raise ValueError("a CASE needs at least one WHEN")
    parts = ["CASE", *([on] if on is not None else [])]
    parts += [w for when, then in whens for w in ("WHEN", when, "THEN", then)]
    parts += [*(["ELSE", else_] if else_ is not None else []), "END"]
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------
# Queries


def select(columns: Iterable[str], source: str, *, where: str | None = None) -> str:
    """`SELECT columns FROM source [WHERE where]`: `source` a relation's name, a `paren`ed query, a join."""
    # The one place a SELECT is put together: every part is SQL this module built or a name it checked.
    query = f"SELECT {commas(columns)} FROM {source}"  # noqa: S608
    return query if where is None else query + " WHERE " + where


def star_replace(replaced: Iterable[str]) -> str:
    """`* REPLACE (expr AS name, …)`: every column, some replaced by an expression of the same name."""
    return "* REPLACE " + paren(commas(replaced))


def left_join(left: str, right: str, on: str) -> str:
    return left + " LEFT JOIN " + right + " ON " + on


def cte(name: str, query: str, *, materialized: bool | None = None) -> str:
    """`name AS [NOT] MATERIALIZED (query)`; None leaves it to DuckDB: `name AS (query)`."""
    hint = {None: "", True: "MATERIALIZED ", False: "NOT MATERIALIZED "}[materialized]
    return _checked(_NAME, name, "a name") + " AS " + hint + paren(query)


def with_(ctes: Iterable[str], query: str) -> str:
    """`WITH cte, cte query`."""
    return "WITH " + commas(ctes) + " " + query


def temp_table(name: str, query: str) -> str:
    """`CREATE OR REPLACE TEMP TABLE name AS query`."""
    return "CREATE OR REPLACE TEMP TABLE " + _checked(_NAME, name, "a name") + " AS " + query
