"""Revoking a certificate on a ground of Decision 26/2026 Art. 8: the ground, the
conclusion behind it (reference and date), an optional decision number and a comment.

The engine decides whether this officer's level revokes this certificate and checks the
values; a refusal shows its message next to the form and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from ocop_cycle.errors import OcopError
from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.certificates import show_certificate
from ocop_cycle.services.inspections import revoke_certificate
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.failures import error_page
from ocop_cycle.web.pages.forms import FormSchema, MaybeText, PostedForm, handle, see_other, typed
from ocop_cycle.web.pages.rendering import render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in
from ocop_cycle.workflow.actions.revocation import GROUNDS

router = APIRouter()
REVOKE = "/chung-nhan/{certificate_id}/thu-hoi"
CertificateId = Annotated[int, Path(gt=0, lt=2**31)]


class Revocation(FormSchema):
    ground: str = Field(default="", min_length=1, max_length=4)
    conclusion: str = Field(default="", min_length=1, max_length=300)
    conclusion_date: str = Field(default="", min_length=1, max_length=40)
    decision_number: MaybeText = Field(default=None, max_length=100)
    comment: MaybeText = Field(default=None, max_length=4000)


def _form_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    certificate_id: int,
    *,
    entered: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        certificate = show_certificate(runtime, certificate_id, viewer=me.principal.username)
    except OcopError as error:
        return error_page(request, error, me=me)
    grounds = [
        # The decision writes the fifth ground "đ"; the code spells it "dd".
        {"code": code, "letter": code.replace("dd", "đ"), "label": label.model_dump()}
        for code, label in GROUNDS.items()
    ]
    return render(
        request,
        "certificates/revoke.html",
        {
            "me": me,
            "c": certificate,
            "grounds": grounds,
            "typed": entered or {},
            "errors": errors or {},
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get(REVOKE, response_class=HTMLResponse)
def revoke_form(request: Request, certificate_id: CertificateId, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _form_page(request, runtime, me, certificate_id)


@router.post(REVOKE, response_class=HTMLResponse)
def revoke(
    request: Request, certificate_id: CertificateId, runtime: RuntimeDep, form: PostedForm
) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def refused(errors: dict[str, str], status: int) -> Response:
        return _form_page(
            request, runtime, me, certificate_id, entered=typed(form), errors=errors,
            status_code=status,
        )

    def act(revocation: Revocation) -> dict[str, Any]:
        return revoke_certificate(
            runtime,
            certificate_id,
            ground=revocation.ground,
            conclusion=revocation.conclusion,
            conclusion_date=revocation.conclusion_date,
            decision_number=revocation.decision_number,
            comment=revocation.comment,
            actor=me.principal.username,
        )

    return handle(
        request, me, form, Revocation, act, refused=refused,
        done=lambda product: see_other(f"/san-pham/{product['id']}?da=revoke"),
    )
