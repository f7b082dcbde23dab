"""Every data field a transition may take has a Vietnamese and an English label
(``label_of("data_field", …)``), and a refusal in Vietnamese names the field by its label,
while the English one keeps the ``--data key=…`` hint."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ocop_cycle.config import Settings
from ocop_cycle.domain.labels import LABELS, label_of
from ocop_cycle.errors import InvalidInput
from ocop_cycle.resources import data_dir
from ocop_cycle.workflow.data_checks import check_transition_data
from ocop_cycle.workflow.engine import parse_data
from ocop_cycle.workflow.hook_names import DATA_FIELD_NAMES, load_hooks
from ocop_cycle.workflow.registry import WorkflowRegistry


@pytest.fixture(scope="module")
def registry() -> WorkflowRegistry:
    load_hooks()
    return WorkflowRegistry(data_dir("workflows"))


def test_the_labelled_fields_are_the_declared_fields() -> None:
    assert set(LABELS["data_field"]) == DATA_FIELD_NAMES


def test_every_key_a_transition_may_take_has_both_labels(registry: WorkflowRegistry) -> None:
    taken = {
        key
        for compiled in registry.all()
        for transition in compiled.definition.transitions
        for key in compiled.accepted_data(transition)
    }
    assert taken, "no workflow file was read"
    unlabelled = sorted(key for key in taken if key not in LABELS["data_field"])
    assert unlabelled == []
    for key in taken:
        vi, en = LABELS["data_field"][key]
        assert vi and en and vi != key


def _refusal(registry: WorkflowRegistry, raw: dict[str, str]) -> InvalidInput:
    compiled = registry.get("ocop-148", None)
    transition = compiled.definition.transition("issue_certificate", "awaiting_decision")
    assert transition is not None and "decision_date" in transition.requires
    with pytest.raises(InvalidInput) as refused:
        parse_data(transition, raw, compiled.accepted_data(transition))
    return refused.value


def _codes_named(text: str) -> list[str]:
    """The field codes a Vietnamese message shows."""
    words = set(re.findall(r"[A-Za-z_]+", text))
    return sorted(words & DATA_FIELD_NAMES)


def test_a_missing_field_is_named_by_its_label_in_vietnamese_and_by_its_key_in_english(
    registry: WorkflowRegistry,
) -> None:
    refused = _refusal(registry, {"decision_number": "301/QĐ-UBND"})
    vietnamese = refused.text("vi")
    assert f"cần trường «{label_of('data_field', 'decision_date')}»" in vietnamese
    assert _codes_named(vietnamese) == []
    assert "give --data decision_date=…" in refused.text("en")


def test_a_bad_value_and_a_key_not_taken_are_named_by_labels_in_vietnamese(
    registry: WorkflowRegistry,
) -> None:
    refused = _refusal(registry, {
        "decision_number": "301/QĐ-UBND", "decision_date": "hôm qua", "minutes": "BB 3/HĐ",
    })
    vietnamese = refused.text("vi")
    assert "trường «Ngày quyết định» không hợp lệ" in vietnamese
    assert "không nhận trường «Số biên bản họp hội đồng»" in vietnamese
    assert "«Năm đánh giá»" in vietnamese  # among what the step takes
    assert _codes_named(vietnamese) == []
    assert "issue_certificate takes no --data minutes" in refused.text("en")


def test_a_date_field_that_is_no_date_is_named_by_its_label_in_vietnamese() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_transition_data({"conclusion_date": "hôm qua"}, date(2026, 6, 1), Settings())
    assert "trường «Ngày kết luận» không phải là ngày" in refused.value.text("vi")
    assert _codes_named(refused.value.text("vi")) == []
