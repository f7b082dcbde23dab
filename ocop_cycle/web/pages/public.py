"""Pages anyone may open without signing in: certificate verification and the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ocop_cycle.errors import OcopError
from ocop_cycle.services.catalogue import CatalogueQuery, localities, search_catalogue
from ocop_cycle.services.certificates import normalise_code, verify
from ocop_cycle.web.deps import RuntimeDep, public_rate_limit
from ocop_cycle.web.pages.certificate_pdf import certificate_pdf
from ocop_cycle.web.pages.failures import error_page, field_errors, said
from ocop_cycle.web.pages.qr import qr_svg, verification_url
from ocop_cycle.web.pages.rendering import render

router = APIRouter(dependencies=[Depends(public_rate_limit)])
CodePath = Annotated[str, Path(min_length=1, max_length=40)]


@router.get("/xac-minh", response_class=HTMLResponse)
def verify_form(
    request: Request, ma: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    """The form a shopper types a code into; a code given goes to its page."""
    if ma is None:
        return render(request, "public/verify_form.html", {"code": "", "error": None})
    code = normalise_code(ma)
    if not code:
        error = "Hãy nhập mã in dưới mã QR trên bao bì"
        return render(
            request, "public/verify_form.html", {"code": ma, "error": error}, status_code=422
        )
    return RedirectResponse(f"/xac-minh/{code}", status_code=303)


@router.get("/xac-minh/{code}", response_class=HTMLResponse)
def verify_page(request: Request, code: CodePath, runtime: RuntimeDep) -> Response:
    try:
        view = verify(runtime, code)
    except OcopError as error:
        return error_page(request, error, template="public/verify_form.html", code=code)
    cleaned = normalise_code(code)
    url = verification_url(runtime.settings.public_url, cleaned)
    return render(request, "public/verify.html", {"c": view, "code": cleaned, "url": url})


@router.get("/xac-minh/{code}/qr.svg")
def verify_qr(code: CodePath, runtime: RuntimeDep) -> Response:
    """The QR code of the page's absolute address, for the page and for printing labels."""
    verify(runtime, code)  # an unknown code gets no QR code: it would point at a 404
    url = verification_url(runtime.settings.public_url, normalise_code(code))
    return Response(qr_svg(url), media_type="image/svg+xml")


@router.get("/xac-minh/{code}/giay-chung-nhan.pdf")
def certificate_download(request: Request, code: CodePath, runtime: RuntimeDep) -> Response:
    """The printable certificate; it holds only what the public page shows."""
    try:
        view = verify(runtime, code)
    except OcopError as error:
        return error_page(request, error, template="public/verify_form.html", code=code)
    cleaned = normalise_code(code)
    pdf = certificate_pdf(view, cleaned, verification_url(runtime.settings.public_url, cleaned))
    filename = f"giay-chung-nhan-ocop-{cleaned}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


class CatalogueForm(BaseModel):
    """The catalogue's query string, as typed: checked here, at the boundary."""

    q: str | None = Field(default=None, max_length=100)
    don_vi: str | None = Field(default=None, max_length=10)
    sao: Literal["", "3", "4", "5"] = ""
    trang: int = Field(default=1, ge=1, le=100_000)


@router.get("/san-pham-ocop", response_class=HTMLResponse)
def catalogue(request: Request, runtime: RuntimeDep) -> Response:
    raw = {
        key: value
        for key, value in request.query_params.items()
        if key in CatalogueForm.model_fields
    }
    try:
        form = CatalogueForm.model_validate(raw)
    except ValidationError as invalid:
        # Shown back as typed, with each error next to its field; the list is unfiltered.
        shown = CatalogueForm.model_construct(**{**CatalogueForm().model_dump(), **raw})
        return _catalogue_page(request, runtime, shown, field_errors(invalid), status_code=422)
    return _catalogue_page(request, runtime, form, {})


def _catalogue_page(
    request: Request,
    runtime: RuntimeDep,
    form: CatalogueForm,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    query = (
        CatalogueQuery(
            text=form.q,
            unit_code=form.don_vi or None,
            stars=int(form.sao) if form.sao else None,
            page=form.trang,
        )
        if not errors
        else CatalogueQuery()
    )
    try:
        result = search_catalogue(runtime, query)
    except OcopError as error:
        errors = {"don_vi": said(request, error)}
        result = search_catalogue(runtime, CatalogueQuery())
        status_code = 422
    return render(
        request,
        "public/catalogue.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "localities": localities(runtime),
            "page_link": _page_link(form),
        },
        status_code=status_code,
    )


def _page_link(form: CatalogueForm) -> Callable[[int], str]:
    def link(page: int) -> str:
        values = {"q": form.q or "", "don_vi": form.don_vi or "", "sao": form.sao, "trang": page}
        return "/san-pham-ocop?" + urlencode({k: v for k, v in values.items() if v != ""})

    return link
