"""Large import files written row by row, for the tests that need a long or big import."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

HEADER = (
    "product_name", "product_group", "producer_name", "producer_type", "commune_code",
    "stars", "score", "decision_number", "decision_date", "round_year",
)
GROUPS = ("food", "drinks", "herbal", "handicrafts", "ornamental", "tourism")
TYPES = ("enterprise", "cooperative", "cooperative_group", "household")
SCORES = {3: "61.50", 4: "78.25", 5: "92.00"}


def write_certificates_csv(path: Path, rows: int, communes: list[str], first: int = 0) -> Path:
    """``rows`` valid certificates, five products per producer, spread over ``communes``;
    files with ``first`` rows apart name different products (and, in steps of five,
    different producers)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(first, first + rows):
            decided = date(2019, 9, 1) + timedelta(days=index % 1900)
            stars = (3, 3, 4, 4, 5)[index % 5]
            writer.writerow((
                f"Sản phẩm {index}", GROUPS[index % 6], f"Chủ thể {index // 5}",
                TYPES[(index // 5) % 4], communes[(index // 5) % len(communes)], stars,
                SCORES[stars], f"{index % 3000 + 1}/QĐ-UBND", decided.strftime("%d/%m/%Y"),
                decided.year,
            ))
    return path
