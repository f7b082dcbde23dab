"""How the workflow's data fields appear in an action form: label and input type.

The workflow files name the fields a transition requires (``requires: [...]``); the engine
checks their values. The labels are the fields' own (``label_of("data_field", …)``, as a
refusal names them); this table only says how to ask for them. A field missing here is
asked for in a text box, so a new field in a workflow file still gets a form.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocop_cycle.domain.labels import label_of


@dataclass(frozen=True)
class FieldLook:
    vi: str
    en: str
    kind: str = "text"  # an <input type>, or "textarea"
    hint_vi: str | None = None
    hint_en: str | None = None


@dataclass(frozen=True)
class _Input:
    kind: str = "text"
    hint_vi: str | None = None
    hint_en: str | None = None


_INPUTS: dict[str, _Input] = {
    "score": _Input("text", "Từ 0 đến 100, ví dụ 72,5", "0 to 100, e.g. 72.5"),
    "decision_number": _Input("text", "Ví dụ 301/QĐ-UBND", "e.g. 301/QĐ-UBND"),
    "decision_date": _Input("date"),
    "round_year": _Input("number"),
    "reason": _Input("textarea"),
    "conclusion": _Input("textarea"),
    "conclusion_date": _Input("date"),
    "origin_report": _Input("textarea"),
    "advisory_report": _Input("textarea"),
    "upgrade_evidence": _Input(
        "textarea",
        "Nội dung thay đổi và tài liệu minh chứng kèm theo",
        "The changes and the evidence attached",
    ),
}


def field_look(name: str) -> FieldLook:
    asked = _INPUTS.get(name, _Input())
    return FieldLook(
        label_of("data_field", name, "vi"),
        label_of("data_field", name, "en"),
        asked.kind,
        asked.hint_vi,
        asked.hint_en,
    )
