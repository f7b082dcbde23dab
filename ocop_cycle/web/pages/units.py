"""The administrative units loaded (the 2025 list and the legacy one), by province, with a
search; an admin also loads a province's units and converts what sits on legacy communes
to the 2025 communes, after a dry run that lists the communes with no single answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import unit_conversion, units
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.forms import FormSchema, PostedForm, handle, see_other, typed
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()
UNITS = "/quan-tri/don-vi"


class LoadUnits(FormSchema):
    province: str = Field(default="", min_length=1, max_length=3)
    scheme: str = Field(default="2025", max_length=10)


class Conversion(FormSchema):
    # "thu" (a dry run: nothing changes) or "that" (the conversion itself).
    mode: str = Field(default="thu", max_length=10)


def _units_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    *,
    query: str = "",
    entered: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    conversion: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    viewer = me.principal.username
    try:
        provinces = units.units_overview(runtime, viewer)
        found = units.find_units(runtime, viewer, query)
    except OcopError as error:
        return error_page(request, error, me=me)
    return render(
        request,
        "admin/units.html",
        {
            "me": me,
            "provinces": provinces,
            "q": query,
            "found": found,
            "schemes": units.SCHEMES,
            "typed": entered or {},
            "errors": errors or {},
            "conversion": conversion,
            "done": request.query_params.get("da"),
            "moved": {
                key: request.query_params.get(key, "")
                for key in ("san_pham", "chu_the", "nguoi_dung")
            },
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get(UNITS, response_class=HTMLResponse)
def units_page(
    request: Request,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _units_page(request, runtime, me, query=q)


@router.post(UNITS + "/nap", response_class=HTMLResponse)
def load_units(request: Request, runtime: RuntimeDep, form: PostedForm) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return handle(
        request, me, form, LoadUnits,
        lambda load: units.load_province(
            runtime, load.province, load.scheme, actor=me.principal.username
        ),
        key="load",
        refused=lambda errors, status: _units_page(
            request, runtime, me, entered=typed(form), errors=errors, status_code=status
        ),
        done=lambda _: see_other(f"{UNITS}?da=nap"),
    )


@router.post(UNITS + "/chuyen-doi", response_class=HTMLResponse)
def convert_units(request: Request, runtime: RuntimeDep, form: PostedForm) -> Response:
    """A dry run shows what would move; the conversion redirects with what moved. A
    refusal lists the communes with no single 2025 commune as a table."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def convert(choice: Conversion) -> dict[str, Any]:
        try:
            return unit_conversion.convert_to_2025(
                runtime, actor=me.principal.username, dry_run=choice.mode != "that"
            )
        except unit_conversion.ConversionRefused as refusal:
            return {"unmapped": refusal.unmapped}

    def shown(summary: dict[str, Any]) -> Response:
        if summary.get("dry_run") is False:
            moved = (
                f"san_pham={summary['products']}&chu_the={summary['producers']}"
                f"&nguoi_dung={summary['users']}"
            )
            return see_other(f"{UNITS}?da=chuyen_doi&{moved}")
        status = 422 if "unmapped" in summary else 200
        return _units_page(request, runtime, me, conversion=summary, status_code=status)

    return handle(
        request, me, form, Conversion, convert, key="convert",
        refused=lambda errors, status: _units_page(
            request, runtime, me, errors=errors, status_code=status
        ),
        done=shown,
    )
