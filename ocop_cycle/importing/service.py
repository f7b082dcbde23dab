"""``import_products``: a province's spreadsheet of existing certificates, in one unit of work.

Two passes, so that memory holds a batch and not the file (issue 12 §2). Pass 1 reads the
file once, checks the header and every row, and stages the valid rows on disk
(``staging.py``), where the checks across rows run. Pass 2 reads the staged products back
a batch at a time, matches them with the producers and products already stored, plans
and writes them. Any error, in either pass, stops the writing and rolls the whole
transaction back: the database is left as it was, and every error is counted (the first
ones listed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ocop_cycle.domain.vocabulary import Role
from ocop_cycle.errors import InvalidInput
from ocop_cycle.identity.actors import acting_user, require_role
from ocop_cycle.importing.ids import collector_paused
from ocop_cycle.importing.lifecycle import IMPORT_STATES, state_reached
from ocop_cycle.importing.plan import NewCertificate, Plan, Tally, make_plan
from ocop_cycle.importing.reader import read_sheet
from ocop_cycle.importing.row_errors import ErrorLog, RowError
from ocop_cycle.importing.rows import RowValidator, header_errors
from ocop_cycle.importing.rule_sets import RuleSetCalendar
from ocop_cycle.importing.staging import Staging
from ocop_cycle.importing.store import (
    load_producers,
    load_products,
    load_units,
    write_plan,
)
from ocop_cycle.runtime import Runtime
from ocop_cycle.scheduling.bulk import schedule_products
from ocop_cycle.workflow.definition import WorkflowDef
from ocop_cycle.workflow.pins import ensure_pinned
from ocop_cycle.workflow.registry import WorkflowRegistry

# Who may bring a province's certificates in: its own office (issue 10 §2).
IMPORT_ROLES = (Role.PROVINCE_OFFICER,)
Progress = Callable[[str, int, int], None]


class ImportRejected(InvalidInput):
    """The file has errors: ``total`` of them; ``errors`` lists the first ones (row,
    column, reason), in row order."""

    def __init__(self, source: str, errors: list[RowError], total: int | None = None) -> None:
        errors = sorted(errors, key=lambda e: (e.row, e.column))
        total = len(errors) if total is None else total
        lines = [f"  row {e.row}, column {e.column}: {e.reason}" for e in errors]
        lines_vi = [f"  dòng {e.row}, cột {e.column}: {e.reason_vi}" for e in errors]
        if total > len(errors):
            lines.append(f"  … and {total - len(errors)} more (the first {len(errors)} are listed)")
            lines_vi.append(
                f"  … và {total - len(errors)} lỗi khác (liệt kê {len(errors)} lỗi đầu tiên)"
            )
        super().__init__(
            f"{source}: {total} error(s); nothing was imported. Correct the file and "
            "import it again:\n" + "\n".join(lines),
            vi=f"{source}: {total} lỗi; chưa nhập gì. Hãy sửa tệp rồi nhập lại:\n"
            + "\n".join(lines_vi),
        )
        self.errors = errors
        self.total = total

    @classmethod
    def of(cls, source: str, log: ErrorLog) -> ImportRejected:
        return cls(source, log.listed(), log.total)


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
            "imported products need them",
            vi=f"quy trình mặc định {definition.key} không có trạng thái {', '.join(missing)} "
            "mà sản phẩm được nhập cần có",
        )
    today = runtime.clock.today()
    now = runtime.clock.now()
    errors = ErrorLog()
    with runtime.transaction() as session, Staging.opened() as staging:
        user = acting_user(session, actor)
        role = require_role(user, IMPORT_ROLES, "import certificates")
        ensure_pinned(session, definition, compiled.content_hash, now)
        # Pass 1: every row checked on its own as the file streams, then across rows.
        tell("check", 0, 0)  # the count is known once the file is read
        calendar = RuleSetCalendar.from_workflows(runtime.workflows)
        units = load_units(session)
        validator = RowValidator(
            units,
            definition.scoring.star_bands(),
            today,
            calendar,
            earliest=runtime.settings.legal_dates_from,
            errors=errors,
        )
        for row in validator.rows(sheet):
            if role is Role.PROVINCE_OFFICER and row.unit.province_code != user.unit_code:
                errors.add(
                    RowError(
                        row.row,
                        "commune_code" if row.unit.level.value == "commune" else "district_code",
                        f"{row.unit.code} is outside province {user.unit_code}, which "
                        f"{user.username} serves",
                        reason_vi=f"{row.unit.code} nằm ngoài tỉnh {user.unit_code}, nơi "
                        f"{user.username} phụ trách",
                    )
                )
            staging.add(row)
        for error in staging.cross_row_errors():
            errors.add(error)
        tell("check", sheet.count, sheet.count)
        # Pass 2: product by product in the file's order, a batch at a time. After an
        # error nothing more is written, but the planning goes on to find every error.
        staging.remember_producers(load_producers(session, staging.unit_codes()))
        writer = _Writer(
            session, runtime.workflows, definition, actor=user.username, role=role.value,
            source=sheet.name, now=now,
        )
        state_on = cache(lambda expires_on: state_reached(definition, expires_on, today))
        tally = Tally()
        total = staging.accepted()
        done = 0
        for batch in staging.batches(units, calendar.rule_sets):
            known = staging.producers({row.producer_key for row in batch})
            producer_ids = {key: pid for key, pid in known.items() if pid is not None}
            plan = make_plan(
                batch,
                producer_ids,
                load_products(session, set(producer_ids.values())),
                today,
                state_on,
                planned={key for key, pid in known.items() if pid is None},
            )
            errors.extend(plan.errors)
            tally.add(plan)
            if dry_run or errors:
                staging.remember_producers((key, None) for key in plan.new_producers)
                continue
            staging.remember_producers(writer.write(plan).items())
            done += len(batch)
            tell("write", done, total)
        if errors:
            raise ImportRejected.of(sheet.name, errors)
        summary: dict[str, Any] = {
            "file": sheet.name,
            "rows": sheet.count,
            "dry_run": dry_run,
            "actor": user.username,
            "workflow": definition.key,
            **tally.summary(),
        }
        if not dry_run:
            summary["schedule_rows"] = writer.schedule_rows
            tell("write", total, total)
        return summary


class _Writer:
    """Writes one batch's plan, then its timers and reminders."""

    def __init__(
        self,
        session: Session,
        workflows: WorkflowRegistry,
        definition: WorkflowDef,
        *,
        actor: str,
        role: str,
        source: str,
        now: datetime,
    ) -> None:
        self.session = session
        self.workflows = workflows
        self.definition = definition
        self.actor = actor
        self.role = role
        self.source = source
        self.now = now
        self.schedule_rows = 0

    def write(self, plan: Plan) -> dict[tuple[str, str], int]:
        created = write_plan(
            self.session,
            plan,
            workflow=self.definition.name,
            workflow_version=self.definition.version,
            actor=self.actor,
            role=self.role,
            source=self.source,
            now=self.now,
        )
        # Timers and reminders exactly as the workflow's listener would have written them
        # on entering the state (issue 4's planner), in bulk; no notices: not news.
        fresh = [p.id for p in plan.products if p.stored is None and p.id is not None]
        moved = [
            p.id
            for p in plan.products
            if p.stored is not None and p.id is not None and isinstance(p.latest, NewCertificate)
        ]
        self.schedule_rows += schedule_products(
            self.session, self.workflows, fresh, now=self.now
        ) + schedule_products(self.session, self.workflows, moved, now=self.now, replace=True)
        return created
