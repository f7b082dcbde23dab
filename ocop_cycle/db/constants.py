"""Constant values written into a statement's SQL rather than bound as parameters.

SQLite plans a statement again at every execution when a bound value takes part in
planning it, as the values of an OR of ANDs do (``kind = ? AND status = ? OR …``): that
costs 15–20 µs per execution, more than the query itself. The hot-path statements that
test a row's kind and status (leaving a state, a product's open deadlines) write those
constants in their SQL; PostgreSQL reads them the same.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, String, literal_column

# Only the vocabulary's own words: nothing a user typed is ever written into SQL.
_WORD = re.compile(r"[a-z][a-z0-9_ ]*")


def sql_constant(value: str) -> ColumnElement[str]:
    """``value`` as a string literal in the statement's SQL."""
    if not _WORD.fullmatch(value):
        raise ValueError(f"not a vocabulary word to write into SQL: {value!r}")
    return literal_column(f"'{value}'", String())
