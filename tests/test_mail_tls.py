"""The connection provincial servers want: STARTTLS (587) or implicit TLS (465) with a
certificate the sender checks, and a login; against aiosmtpd with a certificate made for
the test by ``trustme``. The password never shows in logs, errors or ``mail list``."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from ocop_cycle.clock import Clock
from ocop_cycle.mail.sender import send_pending
from ocop_cycle.runtime import Runtime
from tests.smtp_sink import SmtpSink, free_port, smtp_settings
from tests.test_mail_smtp import outbox, queue

PASSWORD = "Mật-khẩu-đúng-7391"
USERNAME = "ocop@quangngai.example.vn"


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's CA in the bundle OpenSSL reads (what an operator does for a private CA)."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def authenticator(
    _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login.decode() == USERNAME and (
        data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


def serve(**options: Any) -> SmtpSink:
    sink = SmtpSink(port=free_port(), server_options=options)
    sink.start()
    return sink


@pytest.fixture
def sinks() -> Iterator[list[SmtpSink]]:
    started: list[SmtpSink] = []
    yield started
    for sink in started:
        sink.stop()


def runtime_for(
    database_url: str, clock: Clock, sink: SmtpSink, tmp_path: Path, **settings: Any
) -> Runtime:
    return Runtime.create(smtp_settings(database_url, sink.port, tmp_path, **settings), clock)


def tls_server(mode: str, server_tls: ssl.SSLContext) -> SmtpSink:
    """A server speaking TLS as ``OCOP_SMTP_TLS=mode`` expects: STARTTLS or implicit TLS."""
    if mode == "starttls":
        return serve(tls_context=server_tls, require_starttls=True)
    return serve(ssl_context=server_tls)


TLS_MODES = pytest.mark.parametrize("mode", ["starttls", "tls"], ids=["starttls", "implicit-tls"])


@TLS_MODES
def test_starttls_or_implicit_tls_with_a_verified_certificate_delivers(
    database_url: str, clock: Clock, tmp_path: Path, server_tls: ssl.SSLContext,
    trusted: None, sinks: list[SmtpSink], mode: str,
) -> None:
    sink = tls_server(mode, server_tls)
    sinks.append(sink)
    runtime = runtime_for(database_url, clock, sink, tmp_path, smtp_tls=mode)
    queue(runtime)
    assert send_pending(runtime).sent == 1
    assert len(sink.received) == 1
    runtime.close()


@TLS_MODES
def test_a_certificate_that_does_not_verify_is_refused_and_the_mail_waits(
    database_url: str, clock: Clock, tmp_path: Path, server_tls: ssl.SSLContext,
    sinks: list[SmtpSink], mode: str,
) -> None:
    sink = tls_server(mode, server_tls)
    sinks.append(sink)
    runtime = runtime_for(database_url, clock, sink, tmp_path, smtp_tls=mode)
    queue(runtime)
    report = send_pending(runtime)
    assert report.sent == 0 and sink.received == []
    assert report.stopped is not None and "did not verify" in report.stopped
    assert "OCOP_SMTP_VERIFY=false" in report.stopped
    (row,) = outbox(runtime)
    assert (row.status, row.attempts) == ("pending", 0)
    # The operator who trusts the server otherwise turns the check off.
    runtime.settings = runtime.settings.replace(smtp_verify=False)
    assert send_pending(runtime).sent == 1
    assert len(sink.received) == 1
    runtime.close()


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_login_with_the_right_password_delivers(
    database_url: str, clock: Clock, tmp_path: Path, server_tls: ssl.SSLContext,
    trusted: None, sinks: list[SmtpSink], mechanism: str,
) -> None:
    other = {"LOGIN": "PLAIN", "PLAIN": "LOGIN"}[mechanism]
    sink = serve(
        tls_context=server_tls, require_starttls=True, authenticator=authenticator,
        auth_require_tls=True, auth_exclude_mechanism=[other],
    )
    sinks.append(sink)
    runtime = runtime_for(
        database_url, clock, sink, tmp_path, smtp_tls="starttls",
        smtp_username=USERNAME, smtp_password=PASSWORD,
    )
    queue(runtime)
    assert send_pending(runtime).sent == 1
    assert len(sink.received) == 1
    runtime.close()


def test_a_wrong_password_fails_the_batch_clearly_and_never_shows_the_password(
    database_url: str, clock: Clock, tmp_path: Path, server_tls: ssl.SSLContext,
    trusted: None, sinks: list[SmtpSink], cli: Any, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = serve(
        tls_context=server_tls, require_starttls=True, authenticator=authenticator,
        auth_require_tls=True,
    )
    sinks.append(sink)
    wrong = "sai-mat-khau-5521"
    for key, value in {
        "OCOP_MAIL_BACKEND": "smtp",
        "OCOP_SMTP_HOST": "127.0.0.1",
        "OCOP_SMTP_PORT": str(sink.port),
        "OCOP_SMTP_TLS": "starttls",
        "OCOP_SMTP_USERNAME": USERNAME,
        "OCOP_SMTP_PASSWORD": wrong,
    }.items():
        monkeypatch.setenv(key, value)
    # Written the day before, so that they are due for the command line's clock.
    runtime = Runtime.create(
        smtp_settings(database_url, sink.port, tmp_path),
        Clock(fixed=clock.now() - timedelta(days=1)),
    )
    queue(runtime, step="a")
    queue(runtime, step="b")
    runtime.close()
    caplog.set_level(logging.DEBUG)
    result = cli("mail", "send-pending", "--json")
    assert result.exit_code == 1
    message = result.error()["message"]
    assert "refused the login" in message and USERNAME in message
    assert "check OCOP_SMTP_USERNAME and OCOP_SMTP_PASSWORD" in message
    listed = cli("mail", "list", "--json")
    assert [(m["status"], m["attempts"]) for m in listed.json()] == [("pending", 0)] * 2
    assert sink.received == []
    for seen in (result.stdout, result.stderr, listed.stdout, caplog.text):
        assert wrong not in seen
    # The right password sends both.
    monkeypatch.setenv("OCOP_SMTP_PASSWORD", PASSWORD)
    sent = cli("mail", "send-pending", "--json")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["sent"] == 2
