"""Evaluation councils for the officers who set them up: the councils of their jurisdiction
with their open work, a new council, and new members or a new chair for one. A council
member sees instead the councils they sit on and what each evaluates now, with their sheet.

COUNCILS' services decide everything (levels, units, who may set up, distinct members, the
workflow files' minimum, the chair among them, never by a member); these routes only read
the form and show the answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.forms import (
    FormSchema,
    MaybeText,
    PostedForm,
    handle,
    see_other,
    typed,
)
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in

router = APIRouter()
COUNCILS = "/hoi-dong"
CouncilId = Annotated[int, Path(gt=0, lt=2**31)]


class Members(FormSchema):
    chair: str = Field(default="", max_length=100)
    members: list[str] = Field(default_factory=list, max_length=40)


class NewCouncil(Members):
    name: MaybeText = Field(default=None, max_length=300)
    level: str = Field(default="", max_length=20)
    unit_code: MaybeText = Field(default=None, max_length=10)


def _list_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    *,
    entered: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    viewer = me.principal.username
    try:
        context = {
            "councils": councils.councils_for(runtime, viewer),
            "candidates": councils.member_candidates(runtime, viewer),
            "units": councils.council_units(runtime, viewer),
        }
    except OcopError as error:
        return error_page(request, error, me=me)
    return render(
        request,
        "councils/list.html",
        {
            **context,
            "me": me,
            "levels": [level.value for level in councils.COUNCIL_LEVELS],
            "typed": entered or {},
            "errors": errors or {},
            "done": request.query_params.get("da"),
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


def _council_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    council_id: int,
    *,
    entered: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    viewer = me.principal.username
    try:
        council = councils.council_for(runtime, viewer, council_id)
        candidates = councils.member_candidates(runtime, viewer)
    except OcopError as error:
        return error_page(request, error, me=me)
    seated = [member["username"] for member in council["members"]]
    return render(
        request,
        "councils/page.html",
        {
            "me": me,
            "c": council,
            "candidates": candidates,
            "typed": entered or {"chair": council["chair"], "members": seated},
            "errors": errors or {},
            "done": request.query_params.get("da"),
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get(COUNCILS, response_class=HTMLResponse)
def councils_page(request: Request, runtime: RuntimeDep) -> Response:
    """Officers: the councils they look after. Council members: the councils they sit
    on, with the products evaluated now and where their own sheet stands."""
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    try:
        seats = councils.sits_on(runtime, me.principal.username)
    except OcopError as error:
        return error_page(request, error, me=me)
    if seats is None:
        return _list_page(request, runtime, me)
    return render(request, "councils/mine.html", {"me": me, "councils": seats},
                  user_language=me.principal.language)


@router.post(COUNCILS, response_class=HTMLResponse)
def set_up_council(request: Request, runtime: RuntimeDep, form: PostedForm) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def refused(errors: dict[str, str], status: int) -> Response:
        return _list_page(
            request, runtime, me, entered=typed(form, lists=("members",)), errors=errors,
            status_code=status,
        )

    def create(new: NewCouncil) -> dict[str, Any]:
        return councils.create_council(
            runtime,
            actor=me.principal.username,
            level=new.level,
            unit_code=new.unit_code,
            chair=new.chair,
            members=new.members,
            name=new.name,
        )

    return handle(
        request, me, form, NewCouncil, create, refused=refused,
        done=lambda council: see_other(f"{COUNCILS}/{council['id']}?da=lap"),
    )


@router.get(COUNCILS + "/{council_id}", response_class=HTMLResponse)
def council_page(request: Request, council_id: CouncilId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _council_page(request, runtime, me, council_id)


@router.post(COUNCILS + "/{council_id}", response_class=HTMLResponse)
def change_council(
    request: Request, council_id: CouncilId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def refused(errors: dict[str, str], status: int) -> Response:
        return _council_page(
            request, runtime, me, council_id, entered=typed(form, lists=("members",)),
            errors=errors, status_code=status,
        )

    return handle(
        request, me, form, Members,
        lambda change: councils.change_council(
            runtime, council_id, actor=me.principal.username,
            chair=change.chair, members=change.members,
        ),
        refused=refused,
        done=lambda _: see_other(f"{COUNCILS}/{council_id}?da=doi"),
    )
