"""What is wrong with an import file, row by row, in bounded memory.

Every error is counted, but only the first ``LISTED`` (by row, then column) are kept to
be shown: a province office fixes its file from the top, and a file with 640,000 bad rows
must not need 640,000 messages in memory, on a page or in a JSON answer.

Each reason is written twice where it is found, as refusals are (``OcopError(message,
vi=...)``): ``reason`` in English for the command line and the API, ``reason_vi`` for the
import page, which reads Vietnamese first.
"""

from __future__ import annotations

from dataclasses import dataclass

LISTED = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str
    reason_vi: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "reason_vi": self.reason_vi,
        }


def _position(error: RowError) -> tuple[int, str]:
    return (error.row, error.column)


class ErrorLog:
    """The errors found so far: ``total`` of them, the first ``limit`` kept in ``listed``."""

    def __init__(self, limit: int = LISTED) -> None:
        self.limit = limit
        self.total = 0
        self._kept: list[RowError] = []

    def add(self, error: RowError) -> None:
        self.total += 1
        self._kept.append(error)
        if len(self._kept) >= 2 * self.limit:  # trim now and then: sorting is amortised
            self._kept = self.listed()

    def extend(self, errors: list[RowError]) -> None:
        for error in errors:
            self.add(error)

    def listed(self) -> list[RowError]:
        return sorted(self._kept, key=_position)[: self.limit]

    def __bool__(self) -> bool:
        return self.total > 0
