"""Accounts, the caller's own password and API tokens, and producers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from ocop_cycle.identity import service as identity
from ocop_cycle.services import browse, people, producers
from ocop_cycle.web.deps import PrincipalDep, RuntimeDep, client_address
from ocop_cycle.web.schemas import people as schemas
from ocop_cycle.web.schemas.common import Problem

router = APIRouter(tags=["people"])
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem} for s in (401, 403, 404, 422)
}
Username = Annotated[str, Path(min_length=2, max_length=100)]
ProducerId = Annotated[int, Path(gt=0, lt=2**31)]


@router.get("/users", response_model=list[schemas.User], responses=_PROBLEMS)
def list_users(runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """Accounts: all for an admin, their province's for a province officer."""
    return browse.users_for(runtime, principal.username)


@router.post("/users", status_code=201, response_model=schemas.User, responses=_PROBLEMS)
def add_user(body: schemas.NewUser, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """Add an account (admins: anyone; province officers: their province, not admins)."""
    user = identity.add_user(
        runtime,
        body.username,
        actor=principal.username,
        role=body.role,
        unit_code=body.unit_code,
        producer_id=body.producer_id,
        email=body.email,
        name=body.name,
        language=body.language,
        password=body.password,
    )
    return identity.user_view(user)


@router.post("/users/{username}/deactivate", status_code=204, responses=_PROBLEMS)
def deactivate(username: Username, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    """The user can do nothing from now on; their sessions and tokens stop at once."""
    identity.deactivate_user(runtime, username, actor=principal.username)
    return Response(status_code=204)


@router.post("/users/{username}/password", status_code=204, responses=_PROBLEMS)
def set_password(
    username: Username, body: schemas.NewPassword, runtime: RuntimeDep, principal: PrincipalDep
) -> Response:
    """Reset a password; the user must change it at their next sign-in."""
    identity.set_password(runtime, username, actor=principal.username, password=body.password)
    return Response(status_code=204)


@router.post("/me/password", status_code=204, responses=_PROBLEMS)
def change_password(
    body: schemas.PasswordChange, request: Request, runtime: RuntimeDep, principal: PrincipalDep
) -> Response:
    """Change your own password (the current one is asked again)."""
    identity.change_password(
        runtime,
        principal.username,
        current=body.current,
        new=body.new,
        address=client_address(request),
    )
    return Response(status_code=204)


@router.get("/me/tokens", response_model=list[schemas.Token], responses=_PROBLEMS)
def my_tokens(runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    return identity.list_tokens(runtime, username=principal.username)


@router.post(
    "/me/tokens", status_code=201, response_model=schemas.CreatedToken, responses=_PROBLEMS
)
def create_token(body: schemas.NewToken, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """A token for an integration, acting as you; shown once."""
    return identity.create_token(
        runtime,
        principal.username,
        actor=principal.username,
        label=body.label,
        expires_days=body.expires_days,
    )


@router.delete("/me/tokens/{token_id}", status_code=204, responses=_PROBLEMS)
def revoke_token(
    token_id: Annotated[int, Path(gt=0, lt=2**31)], runtime: RuntimeDep, principal: PrincipalDep
) -> Response:
    identity.revoke_token(runtime, token_id, actor=principal.username)
    return Response(status_code=204)


@router.get("/producers", response_model=list[schemas.Producer], responses=_PROBLEMS)
def list_producers(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    commune: Annotated[str | None, Query(max_length=10)] = None,
) -> Any:
    """Producers in your jurisdiction (a producer sees only itself)."""
    return browse.producers_for(runtime, principal.username, commune_code=commune)


@router.get("/producers/{producer_id}", response_model=schemas.Producer, responses=_PROBLEMS)
def get_producer(producer_id: ProducerId, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    return browse.producer_for(runtime, principal.username, producer_id)


@router.post(
    "/producers", status_code=201, response_model=schemas.Producer, responses=_PROBLEMS
)
def add_producer(body: schemas.NewProducer, runtime: RuntimeDep, principal: PrincipalDep) -> Any:
    """Add a producer (chủ thể OCOP) in a commune of your jurisdiction."""
    created = people.add_producer(
        runtime,
        actor=principal.username,
        name=body.name,
        type=body.type,
        commune_code=body.commune_code,
        email=body.email,
        phone=body.phone,
        tax_code=body.tax_code,
        language=body.language,
    )
    return browse.producer_for(runtime, principal.username, created.id)


@router.patch("/producers/{producer_id}", response_model=schemas.Producer, responses=_PROBLEMS)
def edit_producer(
    producer_id: ProducerId,
    body: schemas.ProducerChange,
    runtime: RuntimeDep,
    principal: PrincipalDep,
) -> Any:
    """Change a producer's name or contact details (officers over it, or the producer)."""
    browse.producer_for(runtime, principal.username, producer_id)
    producers.edit_producer(
        runtime,
        producer_id,
        actor=principal.username,
        name=body.name,
        email=body.email,
        phone=body.phone,
        language=body.language,
    )
    return browse.producer_for(runtime, principal.username, producer_id)
