"""Setting up a database: schema migrations and the built-in system user."""

from __future__ import annotations

from typing import Any

from ocop_cycle.db import schema
from ocop_cycle.runtime import Runtime
from ocop_cycle.services.people import ensure_system_user


def initialise(runtime: Runtime) -> dict[str, Any]:
    before, after = schema.upgrade(runtime.engine)
    ensure_system_user(runtime)
    return {
        "database": runtime.engine.url.render_as_string(hide_password=True),
        "before": sorted(before),
        "after": sorted(after),
    }
