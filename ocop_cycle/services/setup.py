"""Setting up a database: schema migrations, the system account, the first admin, and
whether it is a sandbox (where ``--as-of`` may change data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ocop_cycle.db import schema
from ocop_cycle.db.models import Product
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.accounts import create_first_admin, human_users
from ocop_cycle.identity.sandbox import is_sandbox, mark_sandbox
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.people import ensure_system_user


def initialise(
    runtime: Runtime,
    *,
    admin: str | None = None,
    password: str | None = None,
    sandbox: bool = False,
) -> dict[str, Any]:
    """Create or upgrade the schema (safe to repeat); on an empty database, optionally
    make it a sandbox and create the first admin."""
    before, after = schema.upgrade(runtime.engine)
    ensure_system_user(runtime)
    if sandbox:
        with runtime.transaction() as session:
            if not is_sandbox(session):
                products = session.scalar(select(func.count()).select_from(Product)) or 0
                if products or human_users(session):
                    raise InvalidInput(
                        "this database holds data already; only a new, empty database can "
                        "become a sandbox: give a new --db"
                    )
                mark_sandbox(session, runtime.clock.now())
    if admin is not None:
        if password is None:
            raise InvalidInput("give the first admin's password with --password-stdin")
        create_first_admin(runtime, admin, password=password)
    with runtime.transaction() as session:
        sandboxed = is_sandbox(session)
    return {
        "database": runtime.engine.url.render_as_string(hide_password=True),
        "before": sorted(before),
        "after": sorted(after),
        "sandbox": sandboxed,
        "admin": admin,
    }
