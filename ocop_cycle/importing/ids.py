"""Primary keys, verification codes and memory settings for rows written in bulk.

Reserving the ids first lets the importer link producers, products, certificates and
history with plain ``executemany`` inserts instead of ``INSERT … RETURNING`` round trips;
that is most of the difference between 20,000 and 60,000 rows a second (bench/bulk.py).
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from ocop_cycle.workflow.actions import certificates

_ALPHABET = certificates._CODE_ALPHABET
_CODE_LENGTH = 10
_USABLE = 256 - 256 % len(_ALPHABET)  # 248: the largest multiple of 31 in a byte
_TABLE = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) if b < _USABLE else 0 for b in range(256))
_DROPPED = bytes(range(_USABLE, 256))


def reserve_ids(session: Session, table: Table, count: int) -> Sequence[int]:
    """``count`` unused ids of ``table`` for this transaction.

    PostgreSQL: drawn from the column's sequence, so concurrent writers never collide.
    SQLite: the ids after the current maximum; safe because every unit of work takes the
    database's write lock at BEGIN (``BEGIN IMMEDIATE``, see ``db/base.py``). A range, not
    a list: 640,000 ids cost nothing to hold (issue 12 §2).
    """
    if count <= 0:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        rows = session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": count},
        )
        return sorted(value for (value,) in rows)
    if dialect != "sqlite":
        raise RuntimeError(f"bulk import supports SQLite and PostgreSQL, not {dialect}")
    highest = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return range(highest + 1, highest + count + 1)


def verification_codes(count: int) -> list[str]:
    """Codes like ``new_verification_code``'s (same alphabet and length, every symbol
    equally likely), made from one block of system randomness in C-speed passes.

    Each random byte below 248 (8 × 31) maps to symbol ``byte % 31``; bytes 248–255 are
    dropped so that no symbol is favoured.
    """
    needed = count * _CODE_LENGTH
    symbols = b""
    while len(symbols) < needed:
        # About 3% of bytes are dropped: ask for a little more than needed.
        symbols += secrets.token_bytes(needed - len(symbols) + 64).translate(_TABLE, _DROPPED)
    text = symbols[:needed].decode("ascii")
    return [text[i : i + _CODE_LENGTH] for i in range(0, needed, _CODE_LENGTH)]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk import.

    An import makes millions of short-lived small objects (cells, rows, plans, parameter
    dicts) and next to no reference cycles; collections would only walk them. Since the
    import streams (a batch at a time, ``staging.py``) the objects alive at once are few,
    and the peak stays low without the collector (bench/import_memory.py). It resumes
    (and catches up) as soon as the import ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
