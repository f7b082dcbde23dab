"""Two first uses of a workflow version at the same moment pin it once and both go on."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from ocop_cycle.db.models import WorkflowPin
from ocop_cycle.runtime import Runtime
from ocop_cycle.workflow.pins import ensure_pinned


@pytest.mark.postgres
def test_two_first_uses_of_a_version_at_once_both_succeed_with_one_pin(runtime: Runtime) -> None:
    if runtime.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite takes the write lock when a unit of work begins: no race")
    compiled = runtime.workflows.get("ocop-26-2026")
    definition, digest = compiled.definition, compiled.content_hash
    now = runtime.clock.now()
    with runtime.sessions() as first:
        first.query(WorkflowPin).filter_by(name=definition.name).delete()
        first.commit()
    errors: list[BaseException] = []

    first = runtime.sessions()
    ensure_pinned(first, definition, digest, now)  # inserted, not yet committed

    def second_use() -> None:
        try:
            with runtime.sessions.begin() as session:
                # Blocks on the first's uncommitted key, then meets its committed pin.
                ensure_pinned(session, definition, digest, now)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    racer = threading.Thread(target=second_use)
    racer.start()
    racer.join(timeout=1.0)
    assert racer.is_alive(), "the second first use should wait for the first's key"
    first.commit()
    first.close()
    racer.join(timeout=30)
    assert not racer.is_alive() and errors == []
    with runtime.sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(WorkflowPin).where(WorkflowPin.name == definition.name)
        )
    assert count == 1
