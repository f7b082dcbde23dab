"""How the workflow's data fields appear in an action form: label and input type.

The workflow files name the fields a transition requires (``requires: [...]``); the engine
checks their values. This table only says how to ask for them; an unknown field is asked
for by its name as a text box, so a new field in a workflow file still gets a form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldLook:
    vi: str
    en: str
    kind: str = "text"  # an <input type>, or "textarea"
    hint_vi: str | None = None
    hint_en: str | None = None


FIELDS: dict[str, FieldLook] = {
    "score": FieldLook("Điểm", "Score", "text", "Từ 0 đến 100, ví dụ 72,5", "0 to 100, e.g. 72.5"),
    "minutes": FieldLook("Số biên bản họp hội đồng", "Council minutes reference"),
    "decision_number": FieldLook(
        "Số quyết định", "Decision number", "text", "Ví dụ 301/QĐ-UBND", "e.g. 301/QĐ-UBND"
    ),
    "decision_date": FieldLook("Ngày quyết định", "Decision date", "date"),
    "round_year": FieldLook("Năm đánh giá", "Round year", "number"),
    "reason": FieldLook("Lý do", "Reason", "textarea"),
    "revocation_ground": FieldLook("Căn cứ thu hồi", "Ground for revocation"),
    "conclusion": FieldLook("Kết luận kiểm tra", "Inspection conclusion", "textarea"),
    "conclusion_date": FieldLook("Ngày kết luận", "Conclusion date", "date"),
    "origin_report": FieldLook("Báo cáo nguồn gốc sản phẩm", "Product origin report", "textarea"),
    "request_letter": FieldLook("Đơn đề nghị", "Request letter"),
    "local_materials": FieldLook("Nguyên liệu địa phương", "Local materials"),
    "local_labour": FieldLook("Lao động địa phương", "Local labour"),
    "idea_origin": FieldLook("Nguồn gốc ý tưởng", "Origin of the idea"),
    "local_identity": FieldLook("Bản sắc địa phương", "Local identity"),
    "advisory_report": FieldLook("Báo cáo tư vấn", "Advisory report", "textarea"),
    "lab_tests": FieldLook("Phiếu kiểm nghiệm", "Laboratory tests"),
    "site_visit": FieldLook("Kiểm tra thực tế", "Site visit"),
    "upgrade_evidence": FieldLook(
        "Những thay đổi so với sản phẩm đã được công nhận",
        "What changed since the certified product",
        "textarea",
        "Nội dung thay đổi và tài liệu minh chứng kèm theo",
        "The changes and the evidence attached",
    ),
}


def field_look(name: str) -> FieldLook:
    return FIELDS.get(name, FieldLook(name, name))
