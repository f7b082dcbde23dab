"""Headings and labels of the annual report: Vietnamese first, English on request."""

from __future__ import annotations

from typing import Any

from ocop_cycle.reporting.numbers import format_number

LANGUAGES = ("vi", "en")

_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "vi": "Báo cáo kết quả thực hiện Chương trình mỗi xã một sản phẩm (OCOP) năm {year}",
        "en": "One Commune One Product (OCOP) programme: results of {year}",
    },
    "subtitle": {
        "vi": "{province} — số liệu tính đến ngày {as_of}",
        "en": "{province} — figures as of {as_of}",
    },
    "year_products": {"vi": "Sản phẩm đạt OCOP năm {year}", "en": "Products certified in {year}"},
    "cumulative_products": {
        "vi": "Lũy kế sản phẩm đạt OCOP đến hết năm {year}",
        "en": "Certified products, cumulative to the end of {year}",
    },
    "year_producers": {
        "vi": "Chủ thể có sản phẩm đạt OCOP năm {year}",
        "en": "Producers with products certified in {year}",
    },
    "cumulative_producers": {
        "vi": "Lũy kế chủ thể có sản phẩm đạt OCOP",
        "en": "Producers with certified products, cumulative",
    },
    "year_by_unit": {
        "vi": "Địa phương có sản phẩm đạt OCOP năm {year}",
        "en": "Localities with products certified in {year}",
    },
    "cumulative_by_unit": {
        "vi": "Lũy kế theo địa phương",
        "en": "Cumulative by locality",
    },
    "units_without_products": {
        "vi": "Địa phương chưa có sản phẩm OCOP",
        "en": "Localities without a certified product",
    },
    "top_units": {"vi": "Địa phương dẫn đầu năm {year}", "en": "Leading localities in {year}"},
    "target": {"vi": "So với mục tiêu kế hoạch", "en": "Against the plan's targets"},
    "rewards": {"vi": "Kinh phí khen thưởng năm {year}", "en": "Rewards for {year}"},
    "renewal": {
        "vi": "Duy trì, đánh giá lại sản phẩm OCOP",
        "en": "Keeping products certified (renewals)",
    },
    "chart_units": {
        "vi": "Số sản phẩm đạt OCOP năm {year} theo địa phương",
        "en": "Products certified in {year} by locality",
    },
    "chart_stars": {
        "vi": "Sản phẩm đạt OCOP năm {year} theo hạng sao",
        "en": "Products certified in {year} by stars",
    },
    "total": {"vi": "Tổng số", "en": "Total"},
    "stars": {"vi": "Hạng sao", "en": "Stars"},
    "star_n": {"vi": "{n} sao", "en": "{n}★"},
    "products": {"vi": "Sản phẩm", "en": "Products"},
    "producers": {"vi": "Chủ thể", "en": "Producers"},
    "producer_type": {"vi": "Loại chủ thể", "en": "Producer type"},
    "locality": {"vi": "Địa phương", "en": "Locality"},
    "code": {"vi": "Mã", "en": "Code"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "target_value": {"vi": "Kế hoạch", "en": "Target"},
    "actual": {"vi": "Thực hiện", "en": "Actual"},
    "difference": {"vi": "Chênh lệch", "en": "Difference"},
    "target_products": {"vi": "Sản phẩm đạt OCOP trong năm", "en": "Products certified"},
    "target_four_stars": {"vi": "Trong đó đạt 4 sao trở lên", "en": "Of which 4★ or more"},
    "target_producers": {"vi": "Chủ thể được hỗ trợ", "en": "Producers supported"},
    "per_product": {"vi": "Mức thưởng mỗi sản phẩm", "en": "Reward per product"},
    "amount": {"vi": "Thành tiền", "en": "Amount"},
    "expiring": {
        "vi": "Giấy chứng nhận hết hạn trong 12 tháng tới",
        "en": "Certificates expiring in the next 12 months",
    },
    "renewed": {
        "vi": "Sản phẩm được đánh giá lại trong năm",
        "en": "Products re-certified in the year",
    },
    "due": {
        "vi": "Giấy chứng nhận hết hạn trong năm",
        "en": "Certificates reaching expiry in the year",
    },
    "kept": {
        "vi": "Trong đó sản phẩm đã có giấy chứng nhận mới",
        "en": "Of which the product holds a newer certificate",
    },
    "kept_share": {"vi": "Tỷ lệ duy trì", "en": "Share kept certified"},
    "none": {"vi": "Không có", "en": "None"},
    "exceeded": {"vi": "vượt {n} {what}", "en": "exceeded by {n} {what}"},
    "short": {"vi": "còn thiếu {n} {what}", "en": "short by {n} {what}"},
    "met": {"vi": "đạt đúng kế hoạch", "en": "exactly on target"},
    "unit_products": {"vi": "sản phẩm", "en": "products"},
    "unit_producers": {"vi": "chủ thể", "en": "producers"},
    "summary_year": {
        "vi": "Năm {year} có {total} sản phẩm đạt OCOP, trong đó {four} sản phẩm 4 sao, "
        "{three} sản phẩm 3 sao và {five} sản phẩm 5 sao.",
        "en": "In {year}, {total} products were certified: {four} with 4★, {three} with 3★ "
        "and {five} with 5★.",
    },
    "summary_cumulative": {
        "vi": "Lũy kế đến hết năm {year}, toàn tỉnh có {total} sản phẩm đạt OCOP; "
        "{with_units}/{units} địa phương có sản phẩm đạt OCOP.",
        "en": "By the end of {year} the province had {total} certified products; "
        "{with_units} of {units} localities have one.",
    },
    "note_counting": {
        "vi": "Sản phẩm được tính theo năm của đợt đánh giá (kể cả khi quyết định ký vào "
        "năm sau); mỗi sản phẩm tính một lần với hạng sao mới nhất; sản phẩm bị thu hồi "
        "không được tính.",
        "en": "Products count in the programme year of their evaluation round (even when "
        "the decision was signed the next year), once each with their latest stars; "
        "revoked products are not counted.",
    },
}

PRODUCER_TYPE_NAMES = {
    "enterprise": {"vi": "Doanh nghiệp", "en": "Enterprises"},
    "cooperative": {"vi": "Hợp tác xã", "en": "Cooperatives"},
    "cooperative_group": {"vi": "Tổ hợp tác", "en": "Cooperative groups"},
    "household": {"vi": "Cơ sở sản xuất, hộ kinh doanh", "en": "Households and small units"},
}


class Labels:
    """Looks texts up in one language and fills their placeholders."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language {language!r}: use vi or en")
        self.language = language

    def __call__(self, key: str, **values: Any) -> str:
        return _TEXT[key][self.language].format(**values)

    def producer_type(self, kind: str) -> str:
        return PRODUCER_TYPE_NAMES[kind][self.language]

    def number(self, value: int | float, decimals: int = 0) -> str:
        return format_number(value, decimals, self.language)

    def difference(self, difference: int, what: str) -> str:
        """ "vượt 15 sản phẩm" / "exceeded by 15 products"."""
        unit = self(f"unit_{what}")
        if difference > 0:
            return self("exceeded", n=self.number(difference), what=unit)
        if difference < 0:
            return self("short", n=self.number(-difference), what=unit)
        return self("met")
