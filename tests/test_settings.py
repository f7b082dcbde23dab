"""Settings come from ``OCOP_*`` variables, checked: a value that cannot be used stops the
command naming the variable (exit 2), never a traceback (ocop_cycle/config.py)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest

from ocop_cycle.config import Secret, Settings
from ocop_cycle.errors import InvalidInput
from tests.conftest import World


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("OCOP_LOCK_TIMEOUT", "abc", "OCOP_LOCK_TIMEOUT: must be a number (given 'abc')"),
        ("OCOP_SMTP_PORT", "99999", "OCOP_SMTP_PORT: must be less than 65536"),
        ("OCOP_MAIL_BATCH_SIZE", "0", "OCOP_MAIL_BATCH_SIZE: must be greater than 0"),
        ("OCOP_SMTP_TLS", "ssl", "OCOP_SMTP_TLS: must be one of starttls, tls, none"),
        ("OCOP_COOKIE_SECURE", "maybe", "OCOP_COOKIE_SECURE: must be true or false"),
        ("OCOP_DIGEST_TIME", "7h", "OCOP_DIGEST_TIME: must be written HH:MM"),
        ("OCOP_REPORT_REWARDS_VND", "[1, 2]", "OCOP_REPORT_REWARDS_VND: must be a JSON object"),
    ],
)
def test_a_setting_that_cannot_be_used_stops_the_command_naming_its_variable(
    cli: Any, world: World, monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
    says: str,
) -> None:
    monkeypatch.setenv(variable, value)
    result = cli("product", "list", "--json")
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.stderr


def test_variables_are_read_by_type_and_values_given_in_code_win(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable, value in {
        "OCOP_LOCK_TIMEOUT": "12.5",
        "OCOP_SMTP_PORT": "465",
        "OCOP_SMTP_VERIFY": "false",
        "OCOP_DIGEST_TIME": "06:30",
        "OCOP_MAIL_DIR": str(tmp_path),
        "OCOP_REPORT_REWARDS_VND": '{"3": 5000000}',
        "ocop_smtp_password": "secret",  # any case
    }.items():
        monkeypatch.setenv(variable, value)
    settings = Settings(smtp_port=2525)
    assert (settings.lock_timeout, settings.smtp_port, settings.smtp_verify) == (12.5, 2525, False)
    assert settings.digest_time == time(6, 30) and settings.mail_dir == tmp_path
    assert settings.report_rewards_vnd == {3: 5_000_000}
    assert settings.smtp_password == Secret("secret") and "secret" not in repr(settings)


def test_a_changed_copy_is_checked_like_the_rest() -> None:
    settings = Settings()
    assert settings.replace(lock_timeout="5").lock_timeout == 5.0
    with pytest.raises(InvalidInput, match="lock_timeout: must be greater than 0"):
        settings.replace(lock_timeout=0)
    with pytest.raises(TypeError, match="unknown settings: lock_timout"):
        Settings(lock_timout=5)
