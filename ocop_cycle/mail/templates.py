"""Rendering a message kind in a language from the Jinja2 templates in ``notifications/``.

Layout: ``templates/{vi,en}/{kind}.txt.j2`` (plain text; its ``subject`` block is the
subject) and ``templates/{vi,en}/{kind}.html.j2`` (HTML, autoescaped, so a producer's
name can never inject markup). Vietnamese is the default language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from ocop_cycle.domain.unit_names import in_sentence
from ocop_cycle.errors import InvalidInput
from ocop_cycle.resources import data_dir

LANGUAGES = ("vi", "en")
KINDS = (
    "renewal_reminder",
    "rerating_reminder",
    "rerating_withdrawn",
    "dossier_forwarded",
    "evaluation_result",
    "certificate_expired",
    "certificate_issued",
    "certificate_kept",
    "certificate_revoked",
    "dossier_returned",
    "dossier_disqualified",
    "idea_returned",
    "idea_rejected",
    "deadline_digest",
    "escalation",
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def vn_date(value: date | str) -> str:
    """Dates as Vietnamese documents write them: dd/mm/yyyy."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d/%m/%Y")


def stars(value: int) -> str:
    return "★" * int(value)


def _environment(directory: Path, html: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(directory),
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    environment.filters["vn_date"] = vn_date
    environment.filters["stars"] = stars
    environment.filters["in_sentence"] = in_sentence
    return environment


@cache
def _environments(directory: Path) -> tuple[Environment, Environment]:
    return _environment(directory, html=False), _environment(directory, html=True)


def templates_dir(override: Path | None = None) -> Path:
    return (data_dir("notifications", override) / "templates").resolve()


def render(
    kind: str, language: str, context: dict[str, Any], override: Path | None = None
) -> Rendered:
    """Subject, text and HTML of one message; an unknown kind or language is refused."""
    if language not in LANGUAGES:
        language = "vi"
    text_env, html_env = _environments(templates_dir(override))
    try:
        text_template = text_env.get_template(f"{language}/{kind}.txt.j2")
        html_template = html_env.get_template(f"{language}/{kind}.html.j2")
    except TemplateNotFound as exc:
        raise InvalidInput(
            f"no template {exc.name} for message kind {kind!r}; known kinds: {', '.join(KINDS)}"
        ) from None
    subject_block = text_template.blocks.get("subject")
    if subject_block is None:
        raise InvalidInput(f"template {language}/{kind}.txt.j2 has no subject block")
    subject = "".join(subject_block(text_template.new_context(dict(context)))).strip()
    subject = " ".join(subject.split())
    text = text_template.render(context)
    html = html_template.render({**context, "subject": subject})
    return Rendered(subject=subject, text=text, html=html)
