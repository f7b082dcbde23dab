"""The QR code printed on a certificate and a package: the absolute address of its public page."""

from __future__ import annotations

import io

import segno


def verification_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/xac-minh/{code}"


def qr_svg(url: str) -> bytes:
    """An SVG QR code; error correction M survives a scuffed label."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue()


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
