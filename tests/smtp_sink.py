"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and settings
and a runtime pointing at it; shared by the mail and scheduler tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ocop_cycle.clock import Clock
from ocop_cycle.config import Settings
from ocop_cycle.runtime import Runtime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    raw: bytes
    mail_from: str
    recipients: list[str]

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpSink:
    """``reply`` decides how DATA is answered: "250 OK", "451 …" or "550 …";
    ``mail_reply`` and ``rcpt_reply`` do the same for MAIL FROM and RCPT TO.
    ``server_options`` go to aiosmtpd's ``Controller`` (TLS contexts, authenticator)."""

    port: int
    received: list[Received] = field(default_factory=list)
    reply: str = "250 OK"
    mail_reply: str = "250 OK"
    rcpt_reply: str = "250 OK"
    server_options: dict[str, Any] = field(default_factory=dict)
    connections: int = 0
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.mail_reply.startswith("250"):
            envelope.mail_from = address
            envelope.mail_options.extend(options)
        return self.mail_reply

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(options)
        return self.rcpt_reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self.reply.startswith("250"):
            return self.reply
        with self.lock:
            self.received.append(
                Received(
                    bytes(envelope.original_content), envelope.mail_from, list(envelope.rcpt_tos)
                )
            )
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, **self.server_options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# Named fixtures, so that test modules import the functions without shadowing them.
@pytest.fixture(name="smtp_sink")
def smtp_sink_fixture() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    sink.start()
    yield sink
    sink.stop()


def smtp_settings(database_url: str, port: int, tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "mail_backend": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_timeout": 5,
        "mail_from": "Hệ thống OCOP Quảng Ngãi <ocop@quangngai.example.vn>",
        "mail_dir": tmp_path / "mail",
    }
    return Settings(**{**values, **extra})


@pytest.fixture(name="smtp_runtime")
def smtp_runtime_fixture(
    database_url: str, clock: Clock, smtp_sink: SmtpSink, tmp_path: Path
) -> Iterator[Runtime]:
    """A runtime on the test database that sends to the loopback SMTP server."""
    built = Runtime.create(smtp_settings(database_url, smtp_sink.port, tmp_path), clock)
    yield built
    built.close()
