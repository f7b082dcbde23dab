"""The council member's scoresheet (and the producer's self-assessment) on the option-level
sheets of Decision 26/2026: one radio group per criterion, saved as a draft with any of
them answered (restored when the member comes back, never counted) or submitted whole,
beside the dossier viewer (the product's PDFs and images in a frame of this site's own). The chair
sees the council's tally and the criteria members disagree on, records the discussion and
closes the council's evaluation from here.

Works without JavaScript (full POST, then a redirect); with htmx, saving swaps a small
status fragment and the running total and its star come from the server as options are
ticked (``running_total``: no arithmetic in the browser). Every form goes through
``forms.handle`` (CSRF, schema, the service's refusal in the reader's language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field
from starlette.datastructures import FormData

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.chair_actions import close_as_chair
from ocop_cycle.services.documents import list_documents
from ocop_cycle.services.option_sheets import submit_options
from ocop_cycle.services.scoresheet import running_total, scoresheet_for
from ocop_cycle.services.scoring import discuss
from ocop_cycle.services.sheet_drafts import save_draft
from ocop_cycle.web.deps import ProductId, RuntimeDep
from ocop_cycle.web.headers import FRAMING_PAGE
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.forms import (
    FormSchema,
    MaybeText,
    NoFields,
    PostedForm,
    handle,
    see_other,
)
from ocop_cycle.web.pages.i18n import Formatter
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()
CHOICE = "c."
def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    product_id: int,
    *,
    typed: dict[str, int] | None = None,
    opinion: str | None = None,
    refused: str | None = None,
    close_refused: str | None = None,
    discussion: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        data = scoresheet_for(runtime, me.principal.username, product_id)
        documents = list_documents(runtime, me.principal.username, product_id)
    except OcopError as error:
        return error_page(request, error, me=me)
    context: dict[str, Any] = {
        "me": me,
        **data,
        "chosen": typed if typed is not None else data["chosen"],
        "opinion": opinion if opinion is not None else data["opinion"],
        "refused": refused,
        "close_refused": close_refused,
        "discussion": discussion or "",
        "saved": "da_luu" in request.query_params,
        "draft_saved": "da_luu_nhap" in request.query_params,
        "closed": "da_ket_thuc" in request.query_params,
        "documents": documents,
        "running_refused": None,
    }
    return render(
        request,
        "scoresheet.html",
        context,
        status_code=status_code,
        user_language=me.principal.language,
        headers=FRAMING_PAGE,
    )


def _fragment(
    request: Request, me: ActiveSession, template: str, context: dict[str, Any], status_code: int
) -> Response:
    return render(
        request, template, {"me": me, **context}, status_code=status_code,
        user_language=me.principal.language,
    )


@router.get("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
def scoresheet_page(request: Request, product_id: ProductId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _page(request, runtime, me, product_id)


class SheetForm(FormSchema):
    """The sheet's free text and which button was pressed: "Lưu nháp" keeps the answers so
    far (``draft``), "Nộp phiếu" submits the whole sheet (the default, as before drafts).
    Its options (``c.<criterion>``) go to the service as typed, which checks them all at
    once against the product set's sheet."""

    opinion: MaybeText = Field(default=None, max_length=5000)
    action: Literal["draft", "submit"] = "submit"


class NoteForm(FormSchema):
    note: str = Field(default="", max_length=5000)


def _answers(form: FormData) -> dict[str, object]:
    return {
        key.removeprefix(CHOICE): value
        for key, value in form.items()
        if key.startswith(CHOICE) and isinstance(value, str)
    }


def _message(request: Request, errors: dict[str, str]) -> str:
    """The refusal as one sentence in the reader's language (a sheet has one message box)."""
    formatter = Formatter(language_of(request))
    return "; ".join(formatter.t(message) for message in errors.values())


def _own_sheet(view: dict[str, Any], username: str) -> dict[str, Any] | None:
    """The sheet just saved in the service's answer: the member's, or the self-assessment."""
    sheets = (view.get("evaluation") or {}).get("sheets", [])
    mine = next((sheet for sheet in sheets if sheet["member"] == username), None)
    return mine if mine is not None else view.get("self_assessment")


@router.post("/san-pham/{product_id}/phieu-cham", response_class=HTMLResponse)
def scoresheet_save(
    request: Request, product_id: ProductId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    """Save a draft or submit the whole sheet: with htmx the answer is the status fragment
    beside the buttons; without it, the page again (refused) or a redirect to it (saved)."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    answers = _answers(form)
    htmx = _is_htmx(request)

    def refused(errors: dict[str, str], status: int) -> Response:
        message = _message(request, errors)
        if htmx:
            return _fragment(request, me, "scoresheet/saved.html", {"refused": message}, status)
        typed = {code: int(v) for code, v in answers.items() if isinstance(v, str) and v.isdigit()}
        opinion = str(form.get("opinion") or "").strip() or None
        return _page(request, runtime, me, product_id, typed=typed, opinion=opinion,
                     refused=message, status_code=status)

    def done(view: dict[str, Any]) -> Response:
        drafted = view.get("status") == "draft"
        if not htmx:
            return see_other(f"/san-pham/{product_id}/phieu-cham?"
                             + ("da_luu_nhap=1" if drafted else "da_luu=1"))
        if drafted:
            return _fragment(request, me, "scoresheet/saved.html", {"refused": None, "draft": view},
                             200)
        own = _own_sheet(view, me.principal.username)
        return _fragment(request, me, "scoresheet/saved.html", {
            "refused": None, "saved_at": own and own["updated_at"], "total": own and own["total"],
        }, 200)

    def save(values: SheetForm) -> dict[str, Any]:
        store = save_draft if values.action == "draft" else submit_options
        return store(runtime, product_id, actor=me.principal.username, answers=answers,
                     opinion=values.opinion)

    return handle(request, me, form, SheetForm, save, refused=refused, done=done, key="sheet")


@router.post("/san-pham/{product_id}/phieu-cham/tong", response_class=HTMLResponse)
def scoresheet_running_total(
    request: Request, product_id: ProductId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    """The running total and its star as options are ticked (htmx); nothing is saved."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def answer(running: dict[str, Any] | None, refused: str | None, status: int) -> Response:
        return _fragment(request, me, "scoresheet/running.html",
                         {"running": running, "running_refused": refused}, status)

    return handle(
        request, me, form, NoFields,
        lambda _values: running_total(runtime, me.principal.username, product_id, _answers(form)),
        refused=lambda errors, status: answer(None, _message(request, errors), status),
        done=lambda running: answer(running, None, 200),
    )


def _chair_form(
    request: Request,
    runtime: Runtime,
    product_id: int,
    form: FormData,
    act: Callable[[ActiveSession, NoteForm], object],
    done_query: str,
) -> Response:
    """The chair's forms (discussion, close): the refusal beside the form, the note kept."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def refused(errors: dict[str, str], status: int) -> Response:
        return _page(request, runtime, me, product_id, close_refused=_message(request, errors),
                     discussion=str(form.get("note") or ""), status_code=status)

    return handle(
        request, me, form, NoteForm, lambda values: act(me, values),
        refused=refused,
        done=lambda _view: see_other(f"/san-pham/{product_id}/phieu-cham?{done_query}"),
        key="close",
    )


@router.post("/san-pham/{product_id}/phieu-cham/thao-luan", response_class=HTMLResponse)
def record_discussion(
    request: Request, product_id: ProductId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    """The chair records the council's discussion of a wide spread of totals."""
    return _chair_form(
        request, runtime, product_id, form,
        lambda me, values: discuss(runtime, product_id, actor=me.principal.username,
                                   note=values.note),
        "da_luu=1",
    )


@router.post("/san-pham/{product_id}/phieu-cham/ket-thuc", response_class=HTMLResponse)
def close_evaluation(
    request: Request, product_id: ProductId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    """The chair closes the council's evaluation, recording the discussion with it when one
    is given (``ocop score close``'s service); a refusal changes nothing."""
    return _chair_form(
        request, runtime, product_id, form,
        lambda me, values: close_as_chair(
            runtime, product_id, actor=me.principal.username, discussion=values.note or None
        ),
        "da_ket_thuc=1",
    )
