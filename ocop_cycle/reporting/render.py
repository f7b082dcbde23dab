"""Rendering the report: JSON as computed; HTML and Markdown from Jinja2 templates shipped
in the package; XLSX in ``xlsx.py``."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ocop_cycle.reporting.charts import column_bars, horizontal_bars
from ocop_cycle.reporting.labels import Labels
from ocop_cycle.reporting.queries import STARS
from ocop_cycle.reporting.sections import Section, build_sections, cell_text, summary_lines

_ENVIRONMENT: Environment | None = None


def _environment() -> Environment:
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = Environment(
            loader=PackageLoader("ocop_cycle.reporting", "templates"),
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _ENVIRONMENT


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def charts(report: dict[str, Any], t: Labels) -> list[str]:
    """Products per locality and products by stars, for the year."""
    year = report["year"]
    units = sorted(report["year_by_unit"], key=lambda u: (-u["products"], u["name"]))
    return [
        horizontal_bars(
            t("chart_units", year=year),
            [(u["name"], u["products"]) for u in units],
            t,
            "chart-units",
        ),
        column_bars(
            t("chart_stars", year=year),
            [(t("star_n", n=s), report["year_products"]["by_stars"][str(s)]) for s in STARS],
            t,
            "chart-stars",
        ),
    ]


def report_context(report: dict[str, Any], language: str) -> dict[str, Any]:
    t = Labels(language)
    as_of = report["as_of"]
    if language == "vi":
        year, month, day = as_of.split("-")
        as_of = f"{day}/{month}/{year}"
    return {
        "t": t,
        "language": language,
        "title": t("title", year=report["year"]),
        "subtitle": t("subtitle", province=report["province_name"], as_of=as_of),
        "summary": summary_lines(report, t),
        "sections": build_sections(report, t),
        "cell": lambda value: cell_text(value, t),
    }


def render_html(report: dict[str, Any], language: str = "vi") -> str:
    context = report_context(report, language)
    context["charts"] = [Markup(svg) for svg in charts(report, context["t"])]
    return _environment().get_template("annual.html.j2").render(context)


def render_markdown(report: dict[str, Any], language: str = "vi") -> str:
    context = report_context(report, language)
    t = context["t"]

    def md_row(cells: list[Any]) -> str:
        texts = [cell_text(c, t).replace("|", "\\|") for c in cells]
        return "| " + " | ".join(texts) + " |"

    def md_rule(section: Section) -> str:
        """Text columns align left, numbers right (judged by the first row)."""
        first = section.rows[0] if section.rows else []
        marks = [
            " ---: " if i < len(first) and not isinstance(first[i], str) else " --- "
            for i in range(len(section.headers))
        ]
        return "|" + "|".join(marks) + "|"

    context["md_row"] = md_row
    context["md_rule"] = md_rule
    return _environment().get_template("annual.md.j2").render(context)
