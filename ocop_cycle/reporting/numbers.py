"""Numbers the Vietnamese way: "." between thousands, "," before decimals (10.000.000)."""

from __future__ import annotations


def format_number(value: int | float, decimals: int = 0, language: str = "vi") -> str:
    text = f"{value:,.{decimals}f}"
    if language != "vi":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(share: float | None, language: str = "vi") -> str:
    if share is None:
        return "—"
    return format_number(share * 100, 1, language) + "%"


def format_vnd(amount: int, language: str = "vi") -> str:
    return format_number(amount, 0, language) + (" đồng" if language == "vi" else " VND")
