"""What a file is, read from its first bytes: the name and the client's claim are not trusted."""

from __future__ import annotations

# Signatures of the formats a dossier may hold (PDF 1.x/2.0, JPEG/JFIF/EXIF, PNG).
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
ACCEPTED = tuple(content_type for _, content_type in _SIGNATURES)


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a file starting with ``head``, or None when it is none we accept."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
