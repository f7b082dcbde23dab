"""A commune officer registers a product idea: choose the producer and the product set."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from ocop_cycle.identity.sessions import ActiveSession
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.producers import list_producers
from ocop_cycle.services.products import register_product
from ocop_cycle.web.deps import RuntimeDep
from ocop_cycle.web.pages.forms import FormSchema, PostedForm, handle, see_other, typed
from ocop_cycle.web.pages.rendering import language_of, render
from ocop_cycle.web.pages.viewer import signed_in, to_sign_in
from ocop_cycle.workflow.product_sets import all_product_sets

router = APIRouter()


class IdeaForm(FormSchema):
    name: str = Field(min_length=1, max_length=300)
    producer_id: int = Field(gt=0, lt=2**31)
    product_set: int = Field(ge=1, le=26)


def _form_page(
    request: Request,
    runtime: Runtime,
    me: ActiveSession,
    typed: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    commune = me.principal.unit_code if me.principal.role == "commune_officer" else None
    language = language_of(request, me.principal.language)
    sets = [
        {"number": s.number, "name": s.name.in_language(language)}
        for s in all_product_sets(runtime.settings.workflows_dir)
    ]
    return render(
        request,
        "products/register.html",
        {
            "me": me,
            "producers": list_producers(runtime, commune_code=commune),
            "sets": sets,
            "typed": typed,
            "errors": errors,
        },
        status_code=status_code,
        user_language=me.principal.language,
    )


@router.get("/san-pham/dang-ky", response_class=HTMLResponse)
def idea_form(request: Request, runtime: RuntimeDep) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)
    return _form_page(request, runtime, me, {}, {})


@router.post("/san-pham/dang-ky", response_class=HTMLResponse)
def register_idea(request: Request, runtime: RuntimeDep, form: PostedForm) -> Response:
    me = signed_in(request, runtime)
    if me is None:
        return to_sign_in(request)

    def register(idea: IdeaForm) -> dict[str, Any]:
        return register_product(
            runtime,
            name=idea.name,
            producer_id=idea.producer_id,
            actor=me.principal.username,
            product_set=idea.product_set,
        )

    return handle(
        request, me, form, IdeaForm, register,
        refused=lambda errors, status: _form_page(
            request, runtime, me, typed(form), errors, status
        ),
        done=lambda view: see_other(f"/san-pham/{view['id']}?da=register"),
    )
