"""The rows of an import file that are valid on their own, kept on disk between two passes.

Pass 1 streams the file, checks each row and stages it here; the checks across rows
(duplicates, one type per producer) and the grouping by product are queries, and pass 2
reads the products back a batch at a time, in the file's order. Memory holds a batch,
not the file (issue 12 §2: 640,000 rows in under 500 MB). The staging is a private
SQLite file in a temporary folder, whatever the real database: it takes none of that
database's locks, and it is deleted with its folder when the import ends.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ocop_cycle.domain.labels import label_of
from ocop_cycle.domain.vocabulary import Level
from ocop_cycle.importing.row_errors import RowError
from ocop_cycle.importing.rows import ImportRow, Unit
from ocop_cycle.importing.rule_sets import RuleSet

BATCH = 2000
_COLUMNS = (
    "row", "product_name", "product_group", "producer_name", "producer_type",
    "producer_email", "producer_phone", "unit_code", "stars", "score", "decision_number",
    "decision_date", "round_year", "issuing_level", "rule_set", "producer_key",
    "product_key", "decision_key",
)
_SCHEMA = f"""
CREATE TABLE staged (
    {_COLUMNS[0]} INTEGER PRIMARY KEY,
    {", ".join(_COLUMNS[1:])},
    refused INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE producers (
    producer_key TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    id INTEGER,  -- NULL: to be created by this import
    PRIMARY KEY (producer_key, unit_code)
) WITHOUT ROWID;
"""
# A later row with the same product, producer and decision as an earlier one.
_DUPLICATES = """
SELECT row, first FROM (
    SELECT row, min(row) OVER (
        PARTITION BY unit_code, producer_key, product_key, decision_key
    ) AS first FROM staged
) WHERE row != first
"""
# A row whose producer has another type in the producer's first row.
_MIXED_TYPES = """
SELECT row, producer_name, producer_type, first_type, first_row FROM (
    SELECT row, producer_name, producer_type,
        first_value(producer_type) OVER producer AS first_type,
        first_value(row) OVER producer AS first_row
    FROM staged WHERE NOT refused
    WINDOW producer AS (PARTITION BY unit_code, producer_key ORDER BY row)
) WHERE producer_type != first_type
"""
# Each product's rows together, products in the order of their first row in the file.
_BY_PRODUCT = f"""
SELECT {", ".join(_COLUMNS)}, min(row) OVER (
    PARTITION BY unit_code, producer_key, product_key
) AS first FROM staged WHERE NOT refused ORDER BY first, row
"""


class Staging:
    """One import's staged rows and the producers their batches have met."""

    def __init__(self, path: Path) -> None:
        # No journal, no syncing, no locking between statements: the file is this import's
        # alone, lives as long as it, and a crash leaves nothing of it that matters.
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
            "PRAGMA cache_size = -16000; PRAGMA temp_store = FILE;" + _SCHEMA
        )
        self._pending: list[tuple[Any, ...]] = []
        self._insert = (
            f"INSERT INTO staged ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
        )

    @classmethod
    @contextmanager
    def opened(cls) -> Iterator[Staging]:
        with tempfile.TemporaryDirectory(prefix="ocop-import-") as folder:
            staging = cls(Path(folder) / "staged.db")
            try:
                yield staging
            finally:
                staging._db.close()

    def add(self, row: ImportRow) -> None:
        self._pending.append(
            (
                row.row, row.product_name, row.product_group, row.producer_name,
                row.producer_type, row.producer_email, row.producer_phone, row.unit.code,
                row.stars, None if row.score is None else str(row.score), row.decision_number,
                row.decision_date.isoformat(), row.round_year, row.issuing_level.value,
                row.rule_set.name, row.producer_key[0], row.product_key[1], row.natural_key[1],
            )
        )
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany(self._insert, self._pending)
            self._pending.clear()

    def cross_row_errors(self) -> Iterator[RowError]:
        """Duplicates, then producers given two types; the rows named are set aside."""
        self._flush()
        found = False
        for row, first in self._db.execute(_DUPLICATES):
            found = True
            yield RowError(
                row, "decision_number", f"duplicate of row {first}: same product, producer "
                "and decision",
                reason_vi=f"trùng với dòng {first}: cùng sản phẩm, cùng chủ thể và cùng quyết định",
            )
        if found:  # each query sorts every staged row: not again for nothing
            self._refuse(_DUPLICATES)
        found = False
        for row, name, kind, first_kind, first_row in self._db.execute(_MIXED_TYPES):
            found = True
            said, first_said = (label_of("producer_type", k).lower() for k in (kind, first_kind))
            yield RowError(
                row,
                "producer_type",
                f"{name} is a {first_kind} in row {first_row}, not a {kind}",
                reason_vi=f"{name} đã được ghi là {first_kind} ({first_said}) ở dòng "
                f"{first_row}, không phải {kind} ({said})",
            )
        if found:
            self._refuse(_MIXED_TYPES)

    def _refuse(self, query: str) -> None:
        self._db.execute(f"UPDATE staged SET refused = 1 WHERE row IN (SELECT row FROM ({query}))")

    def accepted(self) -> int:
        """How many staged rows passed the checks across rows."""
        return int(self._db.execute("SELECT count(*) FROM staged WHERE NOT refused").fetchone()[0])

    def unit_codes(self) -> list[str]:
        return [code for (code,) in self._db.execute("SELECT DISTINCT unit_code FROM staged")]

    def remember_producers(self, known: Iterable[tuple[tuple[str, str], int | None]]) -> None:
        """Producers by (name key, unit code): stored ones (the first of a name wins), the
        ones this import created, and (id None) the ones a dry run would create."""
        self._db.executemany(
            "INSERT OR IGNORE INTO producers VALUES (?, ?, ?)",
            ((name, unit, producer_id) for (name, unit), producer_id in known),
        )

    def producers(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
        found: dict[tuple[str, str], int | None] = {}
        for key in keys:
            hit = self._db.execute(
                "SELECT id FROM producers WHERE producer_key = ? AND unit_code = ?", key
            ).fetchone()
            if hit is not None:
                found[key] = hit[0]
        return found

    def batches(
        self, units: dict[str, Unit], rule_sets: Iterable[RuleSet], size: int = BATCH
    ) -> Iterator[list[ImportRow]]:
        """The accepted rows, about ``size`` at a time; a product is never split."""
        by_name = {rule_set.name: rule_set for rule_set in rule_sets}
        batch: list[ImportRow] = []
        product_first = None
        for values in self._db.execute(_BY_PRODUCT):
            if len(batch) >= size and values[-1] != product_first:
                yield batch
                batch = []
            product_first = values[-1]
            batch.append(_import_row(values, units, by_name))
        if batch:
            yield batch


def _import_row(
    values: tuple[Any, ...], units: dict[str, Unit], rule_sets: dict[str, RuleSet]
) -> ImportRow:
    (number, product_name, group, producer_name, producer_type, email, phone, unit_code,
     stars, score, decision_number, decided, round_year, level, rule_set, producer_key,
     product_key, decision_key, _first) = values
    producer = (producer_key, unit_code)
    product = (producer, product_key)
    return ImportRow(
        row=number,
        product_name=product_name,
        product_group=group,
        producer_name=producer_name,
        producer_type=producer_type,
        producer_email=email,
        producer_phone=phone,
        unit=units[unit_code],
        stars=stars,
        score=None if score is None else Decimal(score),
        decision_number=decision_number,
        decision_date=date.fromisoformat(decided),
        round_year=round_year,
        issuing_level=Level(level),
        rule_set=rule_sets[rule_set],
        producer_key=producer,
        product_key=product,
        natural_key=(product, decision_key),
    )
