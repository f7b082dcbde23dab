"""Unit names inside a sentence: "cán bộ OCOP xã Đức Tân", never "… xã Xã Đức Tân".

Official names carry their own prefix ("Xã Đức Tân", "Tỉnh Quảng Ngãi"); written after
other words, Vietnamese lower-cases that prefix, and a name without one gets the word
for its level.
"""

from __future__ import annotations

# Longest first, so "Thị xã" is not read as "Thị" + something.
_PREFIXES = (
    "Thành phố",
    "Đặc khu",
    "Thị trấn",
    "Thị xã",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)


def in_sentence(name: str, level_word: str = "") -> str:
    """``name`` as written after other words: its own prefix lower-cased once, or
    ``level_word`` ("xã", "tỉnh") put before a bare name."""
    for prefix in _PREFIXES:
        if name.startswith(prefix + " ") or name.lower().startswith(prefix.lower() + " "):
            return prefix.lower() + name[len(prefix) :]
    return f"{level_word} {name}".strip()
