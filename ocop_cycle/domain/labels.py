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
}


def label_of(vocabulary: str, code: str | None, language: str = "vi") -> str:
    """The label of ``code`` in ``language``; an unknown code is shown as it is."""
    if code is None:
        return ""
    pair = LABELS[vocabulary].get(code)
    if pair is None:
        return code
    return pair[1] if language == "en" else pair[0]

