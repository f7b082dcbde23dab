"""What a person reads for a code of the closed vocabularies: Vietnamese first, then English.

Codes ("commune_officer", "food", "revoked"…) are for machines; pages and refusals shown on
pages say them through :func:`label_of`, the one lookup, so no raw code reaches a reader.
"""

from __future__ import annotations

from ocop_cycle.domain.vocabulary import Level, ProducerType, ProductGroup, Role

# vocabulary -> code -> (Vietnamese, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "level": {
        Level.COMMUNE: ("cấp xã", "commune level"),
        Level.DISTRICT: ("cấp huyện", "district level"),
        Level.PROVINCE: ("cấp tỉnh", "province level"),
        Level.CENTRAL: ("cấp Trung ương", "central level"),
    },
    "role": {
        Role.COMMUNE_OFFICER: ("Cán bộ cấp xã", "Commune officer"),
        Role.DISTRICT_OFFICER: ("Cán bộ cấp huyện", "District officer"),
        Role.PROVINCE_OFFICER: ("Cán bộ cấp tỉnh", "Province officer"),
        Role.CENTRAL_OFFICER: ("Cán bộ Trung ương", "Central officer"),
        Role.PRODUCER: ("Chủ thể sản xuất", "Producer"),
        Role.COUNCIL_MEMBER: ("Thành viên hội đồng", "Council member"),
        Role.ADMIN: ("Quản trị hệ thống", "Administrator"),
        Role.SYSTEM: ("Hệ thống", "System"),
    },
    "producer_type": {
        ProducerType.ENTERPRISE: ("Doanh nghiệp", "Enterprise"),
        ProducerType.COOPERATIVE: ("Hợp tác xã", "Cooperative"),
        ProducerType.COOPERATIVE_GROUP: ("Tổ hợp tác", "Cooperative group"),
        ProducerType.HOUSEHOLD: ("Hộ sản xuất, kinh doanh", "Household business"),
    },
    "product_group": {
        ProductGroup.FOOD: ("Thực phẩm", "Food"),
        ProductGroup.DRINKS: ("Đồ uống", "Drinks"),
        ProductGroup.HERBAL: ("Thảo dược", "Herbal products"),
        ProductGroup.HANDICRAFTS: ("Thủ công mỹ nghệ", "Handicrafts"),
        ProductGroup.ORNAMENTAL: ("Sinh vật cảnh", "Ornamental plants and animals"),
        ProductGroup.TOURISM: ("Dịch vụ du lịch cộng đồng", "Community tourism services"),
    },
    "certificate_status": {
        "active": ("Còn hiệu lực", "Valid"),
        "expired": ("Hết hiệu lực", "Expired"),
        "revoked": ("Đã bị thu hồi", "Revoked"),
        "superseded": ("Đã được thay thế", "Replaced"),
    },
    "document_kind": {
        "mau_01": ("Mẫu 01: Phiếu đăng ký sản phẩm", "Form 01: product registration"),
        "mau_02": ("Mẫu 02: Phương án, dự án sản xuất kinh doanh", "Form 02: business plan"),
        "mau_03": ("Mẫu 03: Báo cáo của cấp xã", "Form 03: the commune's report"),
        "evidence": ("Tài liệu chứng minh một tiêu chí", "Evidence for a criterion"),
        "decision": ("Quyết định", "Decision"),
        "minutes": ("Biên bản họp hội đồng", "Council minutes"),
    },
    # The dossiers a producer files (``services.dossiers.KINDS``).
    "dossier_kind": {
        "first": ("Đánh giá, phân hạng lần đầu", "First ranking"),
        "upgrade": ("Nâng hạng sao", "Higher star"),
        "rerating": ("Đánh giá, phân hạng lại", "Re-rating"),
    },
    # History rows written by no transition: what changed the product besides its workflow.
    "history_action": {
        "convert_units": ("Chuyển sang đơn vị hành chính 2025", "Moved to the 2025 units"),
        "migrate_workflow": ("Chuyển sang quy trình mới", "Moved to another workflow"),
        "record_product_set": ("Ghi bộ sản phẩm", "Product set recorded"),
    },
    # The data a transition takes (``workflow.hook_names.DATA_FIELD_NAMES``): how its form
    # asks for a field and how a refusal names it.
    "data_field": {
        "advisory_report": ("Báo cáo tư vấn", "Advisory report"),
        "conclusion": ("Kết luận kiểm tra", "Inspection conclusion"),
        "conclusion_date": ("Ngày kết luận", "Conclusion date"),
        "decision_date": ("Ngày quyết định", "Decision date"),
        "decision_number": ("Số quyết định", "Decision number"),
        "discussed": ("Biên bản thảo luận", "Discussion record"),
        "idea_origin": ("Nguồn gốc ý tưởng", "Origin of the idea"),
        "knockout": ("Điều kiện loại hồ sơ", "Knock-out condition"),
        "knockout_note": ("Ghi chú về điều kiện loại hồ sơ", "Note on the knock-out"),
        "lab_tests": ("Phiếu kiểm nghiệm", "Laboratory tests"),
        "local_identity": ("Bản sắc địa phương", "Local identity"),
        "local_labour": ("Lao động địa phương", "Local labour"),
        "local_materials": ("Nguyên liệu địa phương", "Local materials"),
        "mandatory_failed": ("Tiêu chí bắt buộc không đạt", "Mandatory criteria failed"),
        "minutes": ("Số biên bản họp hội đồng", "Council minutes reference"),
        "origin_report": ("Báo cáo nguồn gốc sản phẩm", "Product origin report"),
        "reason": ("Lý do", "Reason"),
        "request_letter": ("Đơn đề nghị", "Request letter"),
        "result_stars": ("Hạng sao", "Star rating"),
        "revocation_ground": ("Căn cứ thu hồi", "Ground for revocation"),
        "round_year": ("Năm đánh giá", "Round year"),
        "route_score": ("Điểm xét chuyển cấp", "Routing score"),
        "score": ("Điểm", "Score"),
        "site_visit": ("Kiểm tra thực tế", "Site visit"),
        "site_visit_needed": ("Có cần kiểm tra thực tế", "Site visit needed"),
        "upgrade_evidence": (
            "Những thay đổi so với sản phẩm đã được công nhận",
            "What changed since the certified product",
        ),
    },
}


def label_of(vocabulary: str, code: str | None, language: str = "vi") -> str:
    """The label of ``code`` in ``language``; an unknown code is shown as it is."""
    if code is None:
        return ""
    pair = LABELS[vocabulary].get(code)
    if pair is None:
        return code
    return pair[1] if language == "en" else pair[0]

