"""What a person may put in ``--data`` (CLI) or a transition's data (HTTP), checked once.

Only fields the field registry knows are accepted (anything else would be stored in
history unread); no value may carry a NUL byte; a legal date must fall between the
programme's first year and a short way ahead (settings), so ``9999-12-31`` is a typo,
not a decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from ocop_cycle.config import Settings
from ocop_cycle.domain.labels import label_of
from ocop_cycle.errors import InvalidInput
from ocop_cycle.localtime import show_date
from ocop_cycle.workflow.fields import parse_legal_date
from ocop_cycle.workflow.hook_names import DATA_FIELD_NAMES


def check_transition_data(data: Mapping[str, str], today: date, settings: Settings) -> None:
    """Raise ``InvalidInput`` naming every problem in ``data``; nothing is stored."""
    problems: list[str] = []
    problems_vi: list[str] = []
    for key, text in data.items():
        if "\x00" in key or "\x00" in text:
            problems.append(f"--data {key.replace(chr(0), '')!r} contains a NUL byte")
            problems_vi.append(f"trường {key.replace(chr(0), '')!r} chứa ký tự không hợp lệ")
            continue
        if key not in DATA_FIELD_NAMES:
            problems.append(
                f"--data {key!r} is not a field any transition takes; known fields: "
                + ", ".join(sorted(DATA_FIELD_NAMES))
            )
            problems_vi.append(f"không có bước nào nhận trường {key!r}")
            continue
        if key.endswith("_date"):
            try:
                check_legal_date(parse_legal_date(text), today, settings, key)
            except InvalidInput as exc:
                problems.append(exc.message)
                problems_vi.append(exc.text("vi"))
            except ValueError as exc:
                problems.append(str(exc))
                problems_vi.append(
                    f"giá trị «{text}» của trường «{label_of('data_field', key)}» không phải là ngày"
                )
    if problems:
        raise InvalidInput("; ".join(problems), vi="Dữ liệu chưa đúng: " + "; ".join(problems_vi))


def check_legal_date(day: date, today: date, settings: Settings, what: str) -> date:
    """``day`` if it lies in the accepted window, else ``InvalidInput`` naming the window."""
    latest = today + timedelta(days=settings.legal_dates_days_ahead)
    if not settings.legal_dates_from <= day <= latest:
        raise InvalidInput(
            f"{what} {show_date(day)} is outside the accepted dates "
            f"{show_date(settings.legal_dates_from)}–{show_date(latest)}; check the year",
            vi=f"Ngày {show_date(day)} ({label_of('data_field', what)}) nằm ngoài khoảng ngày được chấp nhận "
            f"{show_date(settings.legal_dates_from)}–{show_date(latest)}; hãy kiểm tra lại năm",
        )
    return day
