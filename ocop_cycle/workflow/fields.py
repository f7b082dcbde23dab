"""Data fields a transition may require, each with the parser that checks it."""

from __future__ import annotations

from datetime import date, datetime

from ocop_cycle.domain.scores import parse_score
from ocop_cycle.workflow.hooks import data_field


def parse_legal_date(text: str) -> date:
    """A legal date as officers write it: ``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not a date; write YYYY-MM-DD or DD/MM/YYYY")


def _text(name: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError(f"{name} must not be empty")
    return text


@data_field("score")
def _score(text: str) -> str:
    # Kept as text in JSON so that 72.50 stays exact; the engine reads it as a Decimal.
    return str(parse_score(text))


@data_field("minutes")
def _minutes(text: str) -> str:
    return _text("minutes (the council minutes' reference)", text)


@data_field("decision_number")
def _decision_number(text: str) -> str:
    return _text("decision_number", text)


@data_field("decision_date")
def _decision_date(text: str) -> str:
    return parse_legal_date(text).isoformat()


@data_field("round_year")
def _round_year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise ValueError(f"round_year {text!r} is not a year") from None
    if not 2018 <= year <= 2100:
        raise ValueError(f"round_year {year} is outside the programme's years (2018–2100)")
    return year


@data_field("reason")
def _reason(text: str) -> str:
    return _text("reason", text)


@data_field("origin_report")
def _origin_report(text: str) -> str:
    return _text("origin_report (the commune's report on local-origin criteria)", text)


# Decision 26/2026 Art. 7.2: the commune's request letter and the four assessments of its
# report (Mẫu 03); Art. 7.3: the advisory team's report, its site visit and extra tests.
@data_field("request_letter")
def _request_letter(text: str) -> str:
    return _text("request_letter (the commune's letter proposing the product)", text)


@data_field("local_materials")
def _local_materials(text: str) -> str:
    return _text("local_materials (origin of the materials)", text)


@data_field("local_labour")
def _local_labour(text: str) -> str:
    return _text("local_labour (use of local labour)", text)


@data_field("idea_origin")
def _idea_origin(text: str) -> str:
    return _text("idea_origin (where the product idea comes from)", text)


@data_field("local_identity")
def _local_identity(text: str) -> str:
    return _text("local_identity (the product's local identity)", text)


@data_field("advisory_report")
def _advisory_report(text: str) -> str:
    return _text("advisory_report (the advisory team's report)", text)


@data_field("site_visit")
def _site_visit(text: str) -> str:
    return _text("site_visit (date and findings of the visit)", text)


@data_field("lab_tests")
def _lab_tests(text: str) -> str:
    return _text("lab_tests (the extra tests ordered and their reports)", text)


@data_field("upgrade_evidence")
def _upgrade_evidence(text: str) -> str:
    return _text("upgrade_evidence (what changed since the certificate, with its evidence)", text)
