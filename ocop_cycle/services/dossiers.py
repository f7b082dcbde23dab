"""Starting a product's dossier: the first ranking, an upgrade or a re-rating (Decision
26/2026 Art. 6.1, 7.5, 7.6). Which kinds a person may start now and why not otherwise,
and filing one: its documents, its self-assessment and its trigger as one move, so that
a refusal (the engine's, or a missing file) leaves nothing behind.

The workflow file decides: a kind is offered when its trigger leaves the product's state
for this person (for a 148/1489 certificate, the 26/2026 trigger its migration map
carries forward, Art. 12); the re-rating window is shown as the certificates page shows it, and the
engine's guard has the last word when the dossier is filed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ocop_cycle import inputs
from ocop_cycle.config import Settings
from ocop_cycle.db.models import Certificate, Product, User
from ocop_cycle.errors import InvalidInput, OcopError, Said, TransitionNotAllowed
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import products
from ocop_cycle.services.documents import CheckedFile, add_document, check_file, forget_written
from ocop_cycle.services.lookup import get_user
from ocop_cycle.services.option_sheets import record_options
from ocop_cycle.services.rerating_windows import CLOSED, NOT_YET, rerating_window
from ocop_cycle.services.visibility import visible_product
from ocop_cycle.workflow.definition import TransitionDef, WorkflowDef
from ocop_cycle.workflow.evaluations import option_sheet_for, scores_on_sheets
from ocop_cycle.workflow.forwards import transitions_now
from ocop_cycle.workflow.permissions import transition_problem
from ocop_cycle.workflow.sheets import check_answers

FIRST, UPGRADE, RERATING = "first", "upgrade", "rerating"
KINDS = (FIRST, UPGRADE, RERATING)
# The trigger that starts each kind, 26/2026's name first; the 148/1489 rules call the
# re-rating a renewal.
TRIGGERS = {
    FIRST: ("submit_dossier",),
    UPGRADE: ("request_upgrade",),
    RERATING: ("submit_rerating", "submit_renewal"),
}
# Art. 6.1: Mẫu 01 and Mẫu 02 for every kind; an upgrade shows, with evidence, what
# changed since the certificate (b); a re-rating may add evidence of what is new (c).
FILE_ITEMS = ("mau_01", "mau_02", "evidence")
REQUIRED_FILES = {
    FIRST: ("mau_01", "mau_02"),
    UPGRADE: ("mau_01", "mau_02", "evidence"),
    RERATING: ("mau_01", "mau_02"),
}
TOP_STARS = 5

# Why a kind cannot be started now; the page words each one.
NO_ROUTE = "no_route"  # the product's rules have no such dossier
NOT_FROM_STATE = "not_from_state"  # not from where the product is
NOT_PERMITTED = "not_permitted"  # not this person's to file
TOP_STAR = "top_star"  # 5★ has nothing above it
NO_CERTIFICATE = "no_certificate"  # a re-rating needs a certificate in force
WINDOW_NOT_YET = "window_not_yet"
WINDOW_CLOSED = "window_closed"  # a late filer asks the province (Art. 12.3)

# A field left out, or the refusal of what was given in it, by the form's name for it.
MISSING = "missing"
Problem = str | OcopError


@dataclass(frozen=True)
class KindChoice:
    """One kind of dossier for this product and person: may it be started now, and why not."""

    kind: str
    trigger: str | None
    reason: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    requires: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.trigger is not None and self.reason is None


@dataclass(frozen=True)
class SentFile:
    filename: str
    content: bytes


class DossierIncomplete(InvalidInput):
    """The dossier lacks or refuses items; ``fields`` says which, by form field: ``MISSING``
    or the refusal of what was given (with its Vietnamese)."""

    def __init__(self, fields: dict[str, Problem]) -> None:
        listed = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        super().__init__(
            f"the dossier was not filed, nothing was changed: {listed}",
            vi=f"Hồ sơ chưa được nộp, không có gì thay đổi: {listed}",
        )
        self.fields = fields


def dossier_choices(runtime: Runtime, viewer: str, product_id: int) -> dict[str, Any]:
    """The product as its dossier page needs it, and each kind with whether ``viewer`` may
    start it now; unseen products are not found."""
    with runtime.reading() as session:
        user = get_user(session, viewer)
        product = visible_product(session, user, product_id)
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        certificate = Certificate.active_for(session, product.id)
        window = (
            rerating_window(runtime, certificate.expires_on, runtime.clock.today())
            if certificate is not None
            else None
        )
        in_force = runtime.workflows.for_new_product(
            runtime.clock.today(), runtime.settings.default_workflow
        )
        possible = transitions_now(runtime.workflows, product, in_force)
        choices = [
            _choice(definition, possible, product, user, kind, certificate, window)
            for kind in KINDS
        ]
        has_sheet = scores_on_sheets(definition, runtime.workflows.directory)
        return {
            "product": {
                "id": product.id,
                "name": product.name,
                "state": product.state,
                "version": product.version,
                "workflow": product.workflow,
                "workflow_version": product.workflow_version,
            },
            "certificate": (
                {
                    "number": certificate.number,
                    "stars": certificate.stars,
                    "expires_on": certificate.expires_on.isoformat(),
                }
                if certificate is not None
                else None
            ),
            "window": window,
            "kinds": choices,
            "self_assessment": has_sheet,
            # A product moved from the older rules has no set until an officer records
            # one: its dossier cannot carry a self-assessment on the set's sheet before.
            "product_set_missing": has_sheet and product.product_set is None,
            "files": {kind: REQUIRED_FILES[kind] for kind in KINDS},
        }


def _choice(
    definition: WorkflowDef,
    possible: list[TransitionDef],
    product: Product,
    user: User,
    kind: str,
    certificate: Certificate | None,
    window: dict[str, Any] | None,
) -> KindChoice:
    transition = next(
        (t for trigger in TRIGGERS[kind] for t in possible if t.trigger == trigger), None
    )
    named = [trigger for trigger in TRIGGERS[kind] if definition.has_trigger(trigger)]
    if transition is None and not named:
        return KindChoice(kind, None, NO_ROUTE)
    if transition is None:
        sources = [
            state
            for t in definition.transitions
            if t.trigger in named
            for state in t.source
        ]
        return KindChoice(kind, None, NOT_FROM_STATE, {"states": list(dict.fromkeys(sources))})
    found = KindChoice(kind, transition.trigger, requires=tuple(transition.requires))
    problem = transition_problem(user, product, transition)
    if problem is not None:
        return _refused(found, NOT_PERMITTED, detail=problem)
    if kind == UPGRADE and certificate is not None and certificate.stars >= TOP_STARS:
        return _refused(found, TOP_STAR)
    if kind == RERATING:
        if certificate is None:
            return _refused(found, NO_CERTIFICATE)
        if window is not None and window["phase"] in (NOT_YET, CLOSED):
            reason = WINDOW_NOT_YET if window["phase"] == NOT_YET else WINDOW_CLOSED
            return _refused(found, reason, **window, expires_on=certificate.expires_on.isoformat())
    return found


def _refused(choice: KindChoice, reason: str, **values: Any) -> KindChoice:
    return KindChoice(choice.kind, choice.trigger, reason, values, choice.requires)


def start_dossier(
    runtime: Runtime,
    viewer: str,
    product_id: int,
    kind: str,
    *,
    files: Mapping[str, SentFile],
    evidence_criterion: str | None = None,
    answers: Mapping[str, object] | None = None,
    opinion: str | None = None,
    data: Mapping[str, str] | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """File a dossier of ``kind``: every item is checked first (all problems at once, by
    field); then the trigger fires, and the documents and the self-assessment are written
    in its transaction. The engine's refusal (a closed window, a changed product) leaves
    nothing behind."""
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown kind of dossier {kind!r}; use one of: {', '.join(KINDS)}",
            vi=f"Không có loại hồ sơ {kind!r}; hãy chọn một trong: {', '.join(KINDS)}",
        )
    choices = dossier_choices(runtime, viewer, product_id)
    choice = next(c for c in choices["kinds"] if c.kind == kind)
    if choice.trigger is None or choice.reason in (NOT_PERMITTED, TOP_STAR, NO_CERTIFICATE):
        reason = _why_not(choice, choices["product"]["state"])
        raise TransitionNotAllowed(reason, vi=reason.vi)
    problems: dict[str, Problem] = {}
    checked = _checked_files(runtime.settings, kind, files, evidence_criterion, problems)
    given = {key: value.strip() for key, value in (data or {}).items() if value.strip()}
    for name in choice.requires:
        if name not in given:
            problems[name] = MISSING
    written_opinion = _opinion(opinion, problems)
    if choices["self_assessment"]:
        _check_self_assessment(runtime, product_id, answers or {}, problems)
    if problems:
        raise DossierIncomplete(problems)

    def file_with_move(session: Session, product: Product, user: User) -> None:
        for item in checked:
            add_document(session, runtime, user, product, item, written)
        if choices["self_assessment"]:
            record_options(runtime, session, product, user, answers or {}, written_opinion)

    written: list[str] = []
    try:
        return products.fire(
            runtime,
            product_id,
            choice.trigger,
            actor=viewer,
            data=given,
            expected_version=expected_version,
            along=file_with_move,
        )
    except BaseException:
        forget_written(runtime, written)
        raise


def _why_not(choice: KindChoice, state: str) -> Said:
    if choice.trigger is None:
        return Said(
            f"no {choice.kind} dossier may be filed while the product is in state {state}",
            vi=f"Không nộp được hồ sơ loại {choice.kind} khi sản phẩm ở trạng thái {state}",
        )
    if choice.reason == NOT_PERMITTED:
        detail = choice.values["detail"]
        return Said(
            f"permission denied: {detail}",
            vi=f"Không có quyền: {getattr(detail, 'vi', detail)}",
        )
    if choice.reason == TOP_STAR:
        return Said(
            "the product holds 5 stars, the highest rank: there is no upgrade to apply for",
            vi="Sản phẩm đã đạt 5 sao, hạng cao nhất: không có hạng để nâng",
        )
    return Said(
        "a re-rating needs a certificate in force; file a first-time dossier instead",
        vi="Đánh giá lại cần giấy chứng nhận còn hiệu lực; hãy nộp hồ sơ đánh giá lần đầu",
    )


def _checked_files(
    settings: Settings,
    kind: str,
    files: Mapping[str, SentFile],
    evidence_criterion: str | None,
    problems: dict[str, Problem],
) -> list[CheckedFile]:
    checked: list[CheckedFile] = []
    for item in FILE_ITEMS:
        sent = files.get(item)
        if sent is None or not sent.content:
            if item in REQUIRED_FILES[kind]:
                problems[item] = MISSING
            continue
        criterion = evidence_criterion if item == "evidence" else None
        if item == "evidence" and not (criterion and criterion.strip()):
            problems["evidence_criterion"] = MISSING
            continue
        try:
            checked.append(
                check_file(
                    settings, kind=item, criterion=criterion, filename=sent.filename,
                    content=sent.content,
                )
            )
        except OcopError as error:
            problems[item] = error
    return checked


def _opinion(opinion: str | None, problems: dict[str, Problem]) -> str | None:
    if not opinion or not opinion.strip():
        return None
    try:
        return inputs.multi_line(opinion, "opinion")
    except OcopError as error:
        problems["opinion"] = error
        return None


def _check_self_assessment(
    runtime: Runtime, product_id: int, answers: Mapping[str, object], problems: dict[str, Problem]
) -> None:
    with runtime.reading() as session:
        product = session.get(Product, product_id)
        assert product is not None  # seen by dossier_choices just now
        definition = runtime.workflows.get(product.workflow, product.workflow_version).definition
        try:
            sheet = option_sheet_for(definition, product, runtime.workflows.directory)
        except InvalidInput as no_set:  # moved from the older rules, its set not recorded yet
            problems["sheet"] = no_set
            return
    if sheet is None:
        return
    _chosen, found = check_answers(sheet, answers)
    if found:
        problems["sheet"] = "; ".join(found)



def kind_filed_by(trigger: str) -> str | None:
    """The kind of dossier ``trigger`` files, or None for any other trigger. A filing
    goes with its documents and self-assessment (``start_dossier``), so pages send it
    to the dossier page instead of firing it alone; a 148/1489 product's forwarded
    26/2026 triggers are named alike."""
    return next((kind for kind in KINDS if trigger in TRIGGERS[kind]), None)


def available_kinds(runtime: Runtime, viewer: str, product_id: int) -> list[str]:
    """The kinds ``viewer`` may start now: what the product and certificate pages link to."""
    return [c.kind for c in dossier_choices(runtime, viewer, product_id)["kinds"] if c.available]
