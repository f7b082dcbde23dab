"""All ORM models, mapped onto the tables of ``ocop_cycle.db.tables`` (one schema)."""

from ocop_cycle.db.models.certificate import Certificate
from ocop_cycle.db.models.core import AdminUnit, History, Producer, Product, User
from ocop_cycle.db.models.document import Document, IdempotentResponse
from ocop_cycle.db.models.identity import (
    ApiToken,
    AuditEvent,
    DatabaseFlag,
    SignInFailure,
    UserSession,
    WorkflowPin,
)
from ocop_cycle.db.models.law import Inspection, Round
from ocop_cycle.db.models.outbox import OutboxMessage
from ocop_cycle.db.models.schedule import ScheduleItem
from ocop_cycle.db.models.scoring import (
    Council,
    CouncilMember,
    Evaluation,
    ScoreSheet,
    SheetDraft,
)

__all__ = [
    "AdminUnit",
    "ApiToken",
    "AuditEvent",
    "Certificate",
    "Council",
    "CouncilMember",
    "DatabaseFlag",
    "Document",
    "Evaluation",
    "History",
    "IdempotentResponse",
    "Inspection",
    "OutboxMessage",
    "Producer",
    "Product",
    "Round",
    "ScheduleItem",
    "ScoreSheet",
    "SheetDraft",
    "SignInFailure",
    "User",
    "UserSession",
    "WorkflowPin",
]
