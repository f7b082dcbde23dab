"""``/reports/annual``: the year's OCOP report as JSON, HTML, XLSX or Markdown."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from ocop_cycle.reporting.annual import annual_report
from ocop_cycle.reporting.render import render_html, render_json, render_markdown
from ocop_cycle.reporting.xlsx import render_xlsx
from ocop_cycle.services import browse
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(prefix="/reports", tags=["reports"])
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/annual",
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/html": {},
                "text/markdown": {},
                _XLSX: {},
            }
        },
        **{s: {"model": Problem} for s in (401, 403, 404, 422)},
    },
)
def annual(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    year: Annotated[int, Query(ge=2018, le=2100)],
    province: Annotated[str | None, Query(max_length=10)] = None,
    format: Literal["json", "html", "xlsx", "md"] = "json",
    lang: Literal["vi", "en"] = "vi",
) -> Response:
    """The report of your province (province officers) or any province (central, admin)."""
    scoped = browse.report_province_for(runtime, principal.username, province)
    report: dict[str, Any] = annual_report(runtime, year, province=scoped)
    if format == "html":
        return HTMLResponse(render_html(report, lang))
    if format == "md":
        return Response(render_markdown(report, lang), media_type="text/markdown; charset=utf-8")
    if format == "xlsx":
        return Response(
            render_xlsx(report, lang),
            media_type=_XLSX,
            headers={"Content-Disposition": f'attachment; filename="ocop-{year}.xlsx"'},
        )
    return Response(render_json(report), media_type="application/json")
