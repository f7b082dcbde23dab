"""The certificate as a printable A4 PDF: what the public page shows, with its QR code.

Drawn with fpdf2 and the bundled Noto Sans (OFL), which carries every Vietnamese diacritic;
nothing outside PyPI is needed. Built from ``certificates.verify``'s public view only, so the
PDF holds nothing the public page does not already show.
"""

from __future__ import annotations

import io
from importlib.resources import as_file, files
from typing import Any

from fpdf import FPDF

from ocop_cycle.web.pages.i18n import Formatter
from ocop_cycle.web.pages.qr import qr_png

_FONT = "NotoSans"
_GOLD = (176, 124, 18)
_INK = (25, 35, 45)
_RED = (170, 20, 20)


def _fonts(pdf: FPDF) -> None:
    folder = files("ocop_cycle.web") / "static" / "fonts"
    with as_file(folder / "NotoSans-Regular.ttf") as regular:
        pdf.add_font(_FONT, "", str(regular))
    with as_file(folder / "NotoSans-Bold.ttf") as bold:
        pdf.add_font(_FONT, "B", str(bold))


def _centered(pdf: FPDF, text: str, size: float, style: str = "", height: float = 9) -> None:
    pdf.set_font(_FONT, style, size)
    pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(_FONT, "", 11)
    pdf.cell(62, 8, label)
    pdf.set_font(_FONT, "B", 11)
    pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")


def _stars(pdf: FPDF, count: int) -> None:
    """Drawn stars, centred, with the count in words below (never the glyphs alone)."""
    radius, gap = 7.0, 18.0
    start = (pdf.w - gap * (count - 1)) / 2
    pdf.set_fill_color(*_GOLD)
    pdf.set_draw_color(*_GOLD)
    top = pdf.get_y() + radius
    for index in range(count):
        pdf.star(start + index * gap, top, radius * 0.45, radius, 5, rotate_degrees=36, style="F")
    pdf.set_y(top + radius + 2)


def certificate_pdf(view: dict[str, Any], code: str, url: str) -> bytes:
    """A4 portrait: heading, product, stars, the decision, validity, status, QR and code."""
    f = Formatter("vi")
    pdf = FPDF(format="A4")
    pdf.set_title(f"Giấy chứng nhận OCOP {view['number']}")
    pdf.set_author(view["issued_by"]["unit"] or "OCOP")
    pdf.set_creator("ocop-cycle")
    _fonts(pdf)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    pdf.set_y(20)
    _centered(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, "B", 7)
    _centered(pdf, "Độc lập – Tự do – Hạnh phúc", 11, "", 7)
    pdf.ln(8)
    _centered(pdf, (view["issued_by"]["unit"] or "").upper(), 12, "B", 7)
    pdf.ln(6)
    _centered(pdf, "GIẤY CHỨNG NHẬN", 24, "B", 12)
    _centered(pdf, "SẢN PHẨM OCOP", 18, "B", 10)
    _centered(pdf, "Chương trình Mỗi xã một sản phẩm", 11, "", 7)
    pdf.ln(6)
    _centered(pdf, view["product"], 20, "B", 10)
    _centered(pdf, view["producer"], 13, "", 8)
    pdf.ln(4)
    _stars(pdf, view["stars"])
    _centered(pdf, f"Đạt hạng {view['stars']} sao", 14, "B", 8)
    pdf.ln(6)

    pdf.set_left_margin(28)
    pdf.set_x(28)
    _row(pdf, "Số giấy chứng nhận:", view["number"])
    _row(
        pdf,
        "Quyết định công nhận:",
        f"{view['decision_number']} ngày {f.date(view['decision_date'])}",
    )
    _row(pdf, "Cấp công nhận:", view["issued_by"]["label"]["vi"])
    _row(
        pdf,
        "Có hiệu lực:",
        f"từ {f.date(view['valid_from'])} đến {f.date(view['valid_until'])}",
    )
    if view["status"] != "active":
        pdf.set_text_color(*_RED)
    _row(pdf, f"Tình trạng ngày {f.date(view['checked_on'])}:", view["status_label"]["vi"])
    pdf.set_text_color(*_INK)

    qr_size = 48.0
    qr_top = pdf.h - 30 - qr_size
    pdf.image(io.BytesIO(qr_png(url)), x=(pdf.w - qr_size) / 2, y=qr_top, w=qr_size)
    pdf.set_left_margin(10)
    pdf.set_y(qr_top + qr_size + 1)
    _centered(pdf, "Quét mã QR hoặc nhập mã để kiểm tra: " + code, 10, "", 6)
    _centered(pdf, url, 9, "", 5)
    return bytes(pdf.output())
