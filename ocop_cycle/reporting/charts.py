"""Bar charts as inline SVG: the HTML report is one file that opens anywhere, offline,
with no script, font or image to fetch."""

from __future__ import annotations

from html import escape

from ocop_cycle.reporting.labels import Labels

_BAR_COLOURS = ("#2e7d32", "#f9a825", "#c62828", "#1565c0", "#6a1b9a")


def horizontal_bars(title: str, items: list[tuple[str, int]], labels: Labels, chart_id: str) -> str:
    """One bar per item (longest first is the caller's choice), value at the bar's end."""
    row, left, width, top = 24, 190, 620, 34
    height = top + row * max(len(items), 1) + 12
    peak = max((value for _, value in items), default=0) or 1
    scale = (width - left - 60) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * row
        length = max(value * scale, 1 if value else 0)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{_BAR_COLOURS[0]}"><title>{escape(label)}: {labels.number(value)}</title></rect>'
            f'<text x="{left + length + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{labels.number(value)}</text>"
        )
    if not items:
        parts.append(f'<text x="{left}" y="{top + 15}" font-size="12">{labels("none")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_bars(title: str, items: list[tuple[str, int]], labels: Labels, chart_id: str) -> str:
    """A few columns side by side (products by stars), each in its own colour."""
    width, height, base, column = 360, 240, 200, 70
    peak = max((value for _, value in items), default=0) or 1
    scale = (base - 50) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#555"/>',
    ]
    for index, (label, value) in enumerate(items):
        x = 40 + index * (column + 35)
        bar = value * scale
        colour = _BAR_COLOURS[(index + 1) % len(_BAR_COLOURS)]
        parts.append(
            f'<rect class="bar" x="{x}" y="{base - bar:.1f}" width="{column}" height="{bar:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {labels.number(value)}</title></rect>'
            f'<text x="{x + column / 2}" y="{base - bar - 6:.1f}" font-size="13" '
            f'text-anchor="middle">{labels.number(value)}</text>'
            f'<text x="{x + column / 2}" y="{base + 18}" font-size="13" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
