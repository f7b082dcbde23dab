"""``import_products``: a province's spreadsheet of existing certificates, in one unit of work.

Order matters: read the file, check the header, check every row against the units and
the producers and products already stored, and only when nothing is wrong write the
plan. Any error leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.importing.ids import collector_paused
from ocop_cycle.importing.lifecycle import IMPORT_STATES, state_reached
from ocop_cycle.importing.plan import NewCertificate, make_plan
from ocop_cycle.importing.reader import read_sheet
from ocop_cycle.importing.rows import RowError, RowValidator, header_errors
from ocop_cycle.importing.rule_sets import RuleSetCalendar
from ocop_cycle.importing.store import (
    load_producers,
    load_products,
    load_units,
    write_plan,
)
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.bulk import schedule_products
from ocop_cycle.workflow.pins import ensure_pinned

# Who may bring a province's certificates in: its own office (issue 10 §2).
IMPORT_ROLES = (Role.PROVINCE_OFFICER,)
Progress = Callable[[str, int, int], None]


class ImportRejected(InvalidInput):
    """The file has errors; ``errors`` lists every one (row, column, reason)."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        errors = sorted(errors, key=lambda e: (e.row, e.column))
        lines = [f"  row {e.row}, column {e.column}: {e.reason}" for e in errors]
        super().__init__(
            f"{source}: {len(errors)} error(s); nothing was imported. Correct the file and "
            "import it again:\n" + "\n".join(lines)
        )
        self.errors = errors


def import_products(
    runtime: Runtime,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import certificates from ``path``; with ``dry_run`` check and plan, write nothing."""
    with collector_paused():
        return _import(runtime, path, actor=actor, dry_run=dry_run, progress=progress)


def _import(
    runtime: Runtime,
    path: Path,
    *,
    actor: str,
    dry_run: bool,
    progress: Progress | None,
) -> dict[str, Any]:
    tell = progress or (lambda phase, done, total: None)
    sheet = read_sheet(path, runtime.settings.import_max_bytes)
    problems = header_errors(sheet)
    if problems:
        raise ImportRejected(sheet.name, problems)
    compiled = runtime.workflows.for_new_product(
        runtime.clock.today(), runtime.settings.default_workflow
    )
    definition = compiled.definition
    missing = [state for state in IMPORT_STATES if state not in definition.states]
    if missing:
        raise InvalidInput(
            f"the default workflow {definition.key} has no state {', '.join(missing)}; "
            "imported products need them"
        )
    today = runtime.clock.today()
    now = runtime.clock.now()
    with runtime.transaction() as session:
        user = acting_user(session, actor)
        role = require_role(user, IMPORT_ROLES, "import certificates")
        ensure_pinned(session, definition, compiled.content_hash, now)
        tell("check", 0, 0)  # the count is known once the file is read
        validator = RowValidator(
            load_units(session),
            definition.scoring.star_bands(),
            today,
            RuleSetCalendar.from_workflows(runtime.workflows),
            earliest=runtime.settings.legal_dates_from,
        )
        rows = validator.validate(sheet)
        errors = list(validator.errors)
        if role is Role.PROVINCE_OFFICER:
            errors.extend(
                RowError(
                    row.row,
                    "commune_code" if row.unit.level.value == "commune" else "district_code",
                    f"{row.unit.code} is outside province {user.unit_code}, which "
                    f"{user.username} serves",
                )
                for row in rows
                if row.unit.province_code != user.unit_code
            )
        tell("check", sheet.count, sheet.count)
        producer_ids = load_producers(session, {row.unit.code for row in rows})
        stored = load_products(session, set(producer_ids.values()))
        plan = make_plan(
            rows,
            producer_ids,
            stored,
            today,
            cache(lambda expires_on: state_reached(definition, expires_on, today)),
        )
        errors.extend(plan.errors)
        if errors:
            raise ImportRejected(sheet.name, errors)
        summary: dict[str, Any] = {
            "file": sheet.name,
            "rows": sheet.count,
            "dry_run": dry_run,
            "actor": user.username,
            "workflow": definition.key,
            **plan.summary(),
        }
        if dry_run:
            return summary
        total = plan.new_certificates
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done = min(total, done + count)
            tell("write", done, total)

        write_plan(
            session,
            plan,
            workflow=definition.name,
            workflow_version=definition.version,
            actor=user.username,
            role=role.value,
            source=sheet.name,
            now=now,
            progress=advance,
        )
        # Timers and reminders exactly as the workflow's listener would have written them
        # on entering the state (issue 4's planner), in bulk; no notices: not news.
        fresh = [p.id for p in plan.products if p.stored is None and p.id is not None]
        moved = [
            p.id
            for p in plan.products
            if p.stored is not None and p.id is not None and isinstance(p.latest, NewCertificate)
        ]
        # The file's rows and the plan are written: let them go before scheduling.
        del rows, plan, validator, stored
        summary["schedule_rows"] = schedule_products(
            session, runtime.workflows, fresh, now=now
        ) + schedule_products(session, runtime.workflows, moved, now=now, replace=True)
        tell("write", total, total)
        return summary
