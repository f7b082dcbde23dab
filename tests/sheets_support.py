"""Option-level sheets for the tests: a provincial council under 26/2026 and sheets that
add up to a chosen total while choosing given options for given criteria."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from ocop_cycle.db.models import User
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, option_sheets
from ocop_cycle.services.lookup import get_product
from ocop_cycle.workflow.evaluations import option_sheet_for
from ocop_cycle.workflow.sheets import Sheet, sheet_for
from tests.conftest import ADMIN
from tests.law_26_2026 import TO_26, Province26, register26, seat, walk26

MEMBERS_26 = ["hd26.1", "hd26.2", "hd26.3", "hd26.4", "hd26.5"]
SET_1 = sheet_for(1)


def seat_council_26(runtime: Runtime, province: Province26, members: list[str] = MEMBERS_26) -> int:
    """The provincial council of Quảng Ngãi; ``members[0]`` chairs it. Accounts are stored
    directly (they have their own tests)."""
    with runtime.transaction() as session:
        for username in members:
            session.add(User(
                username=username, display_name=f"Thành viên {username}",
                email=f"{username}@example.vn", role="council_member",
            ))
    view = councils.create_council(
        runtime, actor=ADMIN, level="province", unit_code=province.province,
        chair=members[0], members=members,
    )
    return int(view["id"])



def province_with_council_26(runtime: Runtime) -> Province26:
    """Quảng Ngãi under 26/2026 (``seat``) with its provincial council of ``MEMBERS_26``."""
    province = seat(runtime)
    seat_council_26(runtime, province)
    return province


@pytest.fixture(name="qn")
def qn_with_council_fixture(runtime: Runtime) -> Province26:
    """``province_with_council_26``, named so that test modules import it without shadowing."""
    return province_with_council_26(runtime)

def product_at_council(runtime: Runtime, province: Province26, product_set: int = 1) -> int:
    product_id = register26(runtime, province, product_set=product_set)
    walk26(runtime, product_id, TO_26["province_council"])
    return product_id


def answers_for(
    sheet: Sheet,
    total: int,
    fixed: Mapping[str, int] | None = None,
    keep: tuple[int, ...] = (3, 4),
) -> dict[str, int]:
    """Option indexes adding up to ``total``: ``fixed`` criteria as given, the others
    lowered from their best option without going under their ``keep`` star minimums."""
    fixed = dict(fixed or {})
    criteria = sheet.criteria()
    chosen: dict[str, int] = {}
    for criterion in criteria:
        if criterion.code in fixed:
            chosen[criterion.code] = fixed[criterion.code]
        else:
            chosen[criterion.code] = max(
                range(len(criterion.options)), key=lambda i, c=criterion: c.options[i].points
            )
    points = {c.code: c.options[chosen[c.code]].points for c in criteria}
    excess = sum(points.values()) - total
    for criterion in criteria:
        if excess <= 0:
            break
        if criterion.code in fixed:
            continue
        floor = max(
            (o.points for o in criterion.options if o.stars in keep), default=0
        )
        candidates = sorted(
            (i for i, o in enumerate(criterion.options) if o.points >= floor),
            key=lambda i, c=criterion: c.options[i].points,
        )
        for index in candidates:
            saving = points[criterion.code] - criterion.options[index].points
            if 0 < saving <= excess:
                excess -= saving
                points[criterion.code] = criterion.options[index].points
                chosen[criterion.code] = index
                break
    assert excess == 0, f"cannot reach {total} on set {sheet.number} with {fixed}"
    return chosen



def form_answers(runtime: Runtime, product_id: int, total: int) -> dict[str, str]:
    """The option sheet the product is scored on, filled in to ``total`` as its form posts
    it (``c.<criterion>``: option index)."""
    with runtime.reading() as session:
        found = get_product(session, product_id)
        definition = runtime.workflows.get(found.workflow, found.workflow_version).definition
        sheet = option_sheet_for(definition, found, runtime.workflows.directory)
        assert sheet is not None
        return {f"c.{code}": str(index) for code, index in answers_for(sheet, total).items()}

def submit(
    runtime: Runtime, product_id: int, member: str, answers: Mapping[str, object], **kwargs: Any
) -> dict[str, Any]:
    return option_sheets.submit_options(
        runtime, product_id, actor=member, answers=answers, **kwargs
    )

