"""Workflow definitions pinned by content: a (name, version) in use never changes.

The first time a database uses a (name, version), the canonical hash of its content is
stored; a file with the same name and version but other content (an edited copy in
``--workflows-dir``) is refused: changed rules need a new version, so that products keep
the rules they started under and history can be read against the rules that made it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ocop_cycle.db.models import WorkflowPin
from ocop_cycle.errors import WorkflowDefinitionError
from ocop_cycle.workflow.definition import WorkflowDef


def content_hash(definition: WorkflowDef) -> str:
    """SHA-256 of the definition's canonical JSON: formatting and comments do not count."""
    canonical = json.dumps(
        definition.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def ensure_pinned(session: Session, definition: WorkflowDef, digest: str, now: datetime) -> None:
    """Pin (name, version) to ``digest`` on first use; refuse other content later."""
    key = (definition.name, definition.version)
    pin = session.get(WorkflowPin, key)
    if pin is None:
        # Two first uses at once (several API workers on PostgreSQL): the loser's insert
        # hits the primary key; its savepoint rolls back alone and the winner's pin is read.
        try:
            with session.begin_nested():
                session.add(
                    WorkflowPin(
                        name=definition.name, version=definition.version,
                        content_hash=digest, pinned_at=now,
                    )
                )
            return
        except IntegrityError:
            pin = session.get(WorkflowPin, key, populate_existing=True)
            if pin is None:
                raise
    if pin.content_hash != digest:
        raise WorkflowDefinitionError(
            f"workflow {definition.name} version {definition.version} is in use in this "
            f"database with other content (pinned {pin.content_hash[:12]}…, this file "
            f"{digest[:12]}…); changing the rules of a version in use is refused. Raise "
            "'version' in the file to make a new version"
        )


def pinned_hashes(sessions: sessionmaker[Session]) -> dict[tuple[str, int], str]:
    """Every pinned (name, version) and its hash, for ``ocop workflow list``."""
    with sessions.begin() as session:
        return {
            (pin.name, pin.version): pin.content_hash
            for pin in session.scalars(select(WorkflowPin))
        }
