"""The one place where names, comments and addresses typed by people are cleaned.

Every entry point (CLI, HTTP API, import) passes free text through here before it is
stored, so that nothing stored can inject a header into a message (CR, LF), hide its
meaning (bidirectional overrides), corrupt a terminal (ESC) or a database driver (NUL).
Emails follow the mailer's own rule (:mod:`ocop_cycle.mail.addresses`), so nothing
accepted here is refused when mail is sent.
"""

from __future__ import annotations

import re
import unicodedata

from ocop_cycle.errors import InvalidInput
from ocop_cycle.mail.addresses import optional_email

NAME_MAX = 300
COMMENT_MAX = 2000
TEXT_MAX = 10000
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.@-]{2,100}")

# Explicit embeddings, overrides and isolates (Trojan Source) and the line separators.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


# The fields' names as a page says them; a field not listed is named as the caller wrote it.
_FIELD_VI = {
    "name": "tên",
    "note": "ghi chú",
    "comment": "ý kiến",
    "opinion": "ý kiến",
    "phone": "số điện thoại",
    "email": "email",
    "label": "nhãn",
    "tax code": "mã số thuế",
    "product name": "tên sản phẩm",
    "producer name": "tên chủ thể",
    "council name": "tên hội đồng",
    "findings": "kết quả kiểm tra",
    "reason": "lý do",
    "address": "địa chỉ",
}


def _field_vi(field: str) -> str:
    return _FIELD_VI.get(field, field)


def _describe(ch: str) -> str:
    names = {"\r": "a carriage return (CR)", "\n": "a line break (LF)", "\x00": "a NUL byte",
             "\x1b": "an escape character (ESC)", "\t": "a tab"}
    return names.get(ch, f"the invisible character U+{ord(ch):04X}")


def _problem(text: str, *, multi_line: bool) -> str | None:
    for ch in text:
        if multi_line and ch == "\n":
            continue
        if ch in _BIDI_CONTROLS:
            return f"the text-direction control U+{ord(ch):04X}"
        if ch in _LINE_SEPARATORS or unicodedata.category(ch) == "Cc":
            return _describe(ch)
    return None


def single_line(value: str, field: str, *, max_length: int = NAME_MAX) -> str:
    """A required one-line text (a name, a label, a comment): trimmed, never blank."""
    problem = _problem(value, multi_line=False)
    if problem is not None:
        raise InvalidInput(
            f"{field} contains {problem}; type it on one line without control characters",
            vi=f"Ô «{_field_vi(field)}» chứa ký tự không hợp lệ; hãy nhập trên một dòng, không có ký tự "
            "điều khiển",
        )
    cleaned = unicodedata.normalize("NFC", value.strip())
    if not cleaned:
        raise InvalidInput(f"{field} is empty; give a {field}", vi=f"Hãy nhập {_field_vi(field)}")
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"{field} is {len(cleaned)} characters long; the limit is {max_length}",
            vi=f"Ô «{_field_vi(field)}» dài {len(cleaned)} ký tự; tối đa {max_length} ký tự",
        )
    return cleaned


def optional_single_line(
    value: str | None, field: str, *, max_length: int = COMMENT_MAX
) -> str | None:
    """An optional one-line text: absent or blank means none."""
    if value is None or value.strip() == "":
        if value is not None and _problem(value, multi_line=False) is not None:
            return single_line(value, field, max_length=max_length)
        return None
    return single_line(value, field, max_length=max_length)


def multi_line(value: str, field: str, *, max_length: int = TEXT_MAX) -> str:
    """A required text that may span lines (a council's discussion notes): CRLF becomes
    LF; other control characters and direction overrides are refused."""
    normalised = value.replace("\r\n", "\n")
    problem = _problem(normalised, multi_line=True)
    if problem is not None:
        raise InvalidInput(
            f"{field} contains {problem}; remove it and try again",
            vi=f"Ô «{_field_vi(field)}» chứa ký tự không hợp lệ (ký tự điều khiển); hãy xóa ký tự đó rồi thử lại",
        )
    cleaned = unicodedata.normalize("NFC", normalised.strip())
    if not cleaned:
        raise InvalidInput(f"{field} is empty; give a {field}", vi=f"Hãy nhập {_field_vi(field)}")
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"{field} is {len(cleaned)} characters long; the limit is {max_length}",
            vi=f"Ô «{_field_vi(field)}» dài {len(cleaned)} ký tự; tối đa {max_length} ký tự",
        )
    return cleaned


def username(value: str) -> str:
    """A sign-in name: 2–100 letters, digits or ``. _ - @``, nothing else."""
    if not USERNAME_PATTERN.fullmatch(value):
        raise InvalidInput(
            f"username {value!r} must be 2–100 letters, digits or . _ - @ without spaces",
            vi=f"Tên đăng nhập {value!r} phải dài 2–100 ký tự, gồm chữ, số hoặc . _ - @, không có dấu cách",
        )
    return value


def email(value: str | None) -> str | None:
    """An optional email address, checked with the mailer's rule."""
    if value is not None and _problem(value, multi_line=False) is not None:
        single_line(value, "the email address")
    return optional_email(value)
