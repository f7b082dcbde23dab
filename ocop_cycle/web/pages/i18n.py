"""Words and numbers as a reader of the page expects them: Vietnamese first, English on request.

Messages are keyed by their Vietnamese text (as gettext keys by its source language), so a
template reads in Vietnamese and an untranslated phrase still shows something sensible.
Numbers and money go through Babel; dates through ``ocop_cycle.localtime`` (one way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from ocop_cycle.domain.labels import label_of
from ocop_cycle.localtime import show_date, show_instant
from ocop_cycle.web.pages.messages import ENGLISH

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANGUAGE_COOKIE = "ocop_lang"


def pick_language(*candidates: str | None) -> str:
    """The first supported language among the choices, in order of precedence."""
    for candidate in candidates:
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Formatter:
    """Everything a template needs to print text, numbers and dates in one language."""

    language: str

    def t(self, vietnamese: str, **values: object) -> str:
        text = ENGLISH.get(vietnamese, vietnamese) if self.language == "en" else vietnamese
        return text.format(**values) if values else text

    def label(self, pair: dict[str, str] | None) -> str:
        """A ``{"vi": …, "en": …}`` label from the services, in this language."""
        if not pair:
            return ""
        return pair.get(self.language) or pair.get(DEFAULT_LANGUAGE) or ""

    def code(self, vocabulary: str, value: str | None, *, capital: bool = False) -> str:
        """A code of a closed vocabulary ("role", "level", "product_group"…) as its label;
        ``capital`` for one starting a sentence or a cell. Only the first letter is raised
        (Jinja's ``capitalize`` would lower the rest: "cấp trung ương")."""
        text = label_of(vocabulary, value, self.language)
        return text[:1].upper() + text[1:] if capital else text

    def number(self, value: int | float | Decimal | None) -> str:
        if value is None:
            return "—"
        # Vietnamese grouping (1.234.567) in both languages: figures read the same in a report.
        return format_decimal(value, locale="vi")

    def money(self, value: int | Decimal | None) -> str:
        if value is None:
            return "—"
        return format_currency(value, "VND", locale="vi")

    def date(self, value: date | str | None) -> str:
        return show_date(value) if value else "—"

    def instant(self, value: datetime | str | None) -> str:
        return show_instant(value) if value else "—"

    def stars(self, count: int | None) -> str:
        """Stars as text too, so the rating never relies on the glyphs alone."""
        if not count:
            return self.t("Chưa xếp hạng")
        return self.t("{n} sao", n=count)
