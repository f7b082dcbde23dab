"""Delivering built messages: to ``.eml`` files (default) or to an SMTP server.

A backend hands each message's result to ``record`` as soon as it is known (the server's
acceptance is recorded before the next message is started, so a sender killed mid-batch
resends at most the one message in flight). A result is: delivered; a temporary failure
(retry later with backoff: connection errors, timeouts, 4xx replies); a permanent one
(5xx: never retried, the server's reply kept, with the stage that refused it); or not
attempted (the batch stopped: the server refused our login or its certificate, or the
claim's lease is running out), which gives the row back untouched.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

import aiosmtplib

from ocop_cycle.config import Settings
from ocop_cycle.errors import OcopError

Outcome = Literal["sent", "temporary", "permanent", "unattempted", "skipped"]
# The SMTP command a refusal answered; "" when no server reply was involved.
Stage = Literal["", "connect", "mail", "rcpt", "data"]
Record = Callable[[int, "Result"], None]


class MailServerRefused(OcopError):
    """The batch stopped before sending: login or certificate refused. Rows stay pending."""

    code = "mail_server_refused"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""
    stage: Stage = ""

    @property
    def address_refused(self) -> bool:
        """A permanent refusal of the recipient itself (not of the sender or content):
        at RCPT, or at DATA with an enhanced code about the mailbox (5.1.x, 5.2.1)."""
        if self.outcome != "permanent":
            return False
        if self.stage == "rcpt":
            return True
        if self.stage != "data":
            return False
        enhanced = self.detail.split(" ", 2)[1] if self.detail.count(" ") >= 1 else ""
        return enhanced.startswith("5.1.") or enhanced == "5.2.1"


Batch = Iterable[tuple[int, EmailMessage]]


class Backend(Protocol):
    def deliver(self, batch: Batch, record: Record, budget: float) -> str | None:
        """Deliver ``batch`` (read lazily: the sender drops a message whose address was
        refused earlier in the batch), calling ``record`` once per message; start no
        message after ``budget`` seconds. Return why the batch stopped early, or None."""
        ...


class FileBackend:
    """Writes each message as ``<row id>.eml`` in ``directory``; a retry overwrites."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, batch: Batch, record: Record, budget: float) -> str | None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            for key, _ in batch:
                record(key, Result("temporary", f"cannot create {self.directory}: {exc}"))
            return None
        for key, message in batch:
            target = self.directory / f"{key:08d}.eml"
            partial = target.with_suffix(".eml.part")
            try:
                partial.write_bytes(message.as_bytes())
                os.replace(partial, target)
                record(key, Result("sent", str(target)))
            except OSError as exc:
                record(key, Result("temporary", f"cannot write {target}: {exc}"))
        return None


class SmtpBackend:
    """aiosmtplib with an explicit TLS mode, certificate check and timeout, one
    connection per batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def deliver(self, batch: Batch, record: Record, budget: float) -> str | None:
        sending = self._deliver(batch, record, time.monotonic() + budget)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(sending)
        # Called where an event loop already runs (a web handler, a browser driver in the
        # same process): asyncio.run would refuse, so the batch gets a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, sending).result()

    def _client(self) -> aiosmtplib.SMTP:
        settings = self.settings
        return aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            validate_certs=settings.smtp_verify,
            timeout=settings.smtp_timeout,
        )

    def _where(self) -> str:
        return f"{self.settings.smtp_host}:{self.settings.smtp_port}"

    async def _open(self, client: aiosmtplib.SMTP) -> tuple[str, bool] | None:
        """Connect and log in; on failure, why and whether retrying could help."""
        settings = self.settings
        try:
            await client.connect()
        except ssl.SSLCertVerificationError as exc:
            return (
                f"the certificate of the SMTP server {self._where()} did not verify "
                f"({exc.verify_message}); install its CA, or set OCOP_SMTP_VERIFY=false "
                "only for a server you trust",
                False,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ssl.SSLCertVerificationError):
                return (
                    f"the certificate of the SMTP server {self._where()} did not verify "
                    f"({cause.verify_message}); install its CA, or set OCOP_SMTP_VERIFY=false "
                    "only for a server you trust",
                    False,
                )
            return f"cannot connect to {self._where()}: {exc}", True
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            try:
                await client.login(settings.smtp_username, password)
            except aiosmtplib.SMTPAuthenticationError as exc:
                client.close()
                return (
                    f"the SMTP server {self._where()} refused the login of "
                    f"{settings.smtp_username!r} ({exc.code} {exc.message}); check "
                    "OCOP_SMTP_USERNAME and OCOP_SMTP_PASSWORD",
                    False,
                )
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                client.close()
                return f"cannot log in to {self._where()}: {type(exc).__name__}", True
        return None

    async def _deliver(self, batch: Batch, record: Record, stop_at: float) -> str | None:
        client = self._client()
        failed = await self._open(client)
        if failed is not None:
            reason, retry = failed
            for key, _ in batch:
                record(key, Result("temporary" if retry else "unattempted", reason, "connect"))
            return None if retry else reason
        try:
            for key, message in batch:
                if not client.is_connected:
                    record(key, Result("unattempted", "the connection was lost before it"))
                elif time.monotonic() >= stop_at:
                    record(key, Result("unattempted", "the claim's lease was running out"))
                else:
                    record(key, await self._send_one(client, message))
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError, TimeoutError):
                    client.close()
        return None

    async def _send_one(self, client: aiosmtplib.SMTP, message: EmailMessage) -> Result:
        try:
            _, reply = await client.send_message(message)
            return Result("sent", reply)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            await _reset(client)
            return Result(_by_code(min(codes) if codes else 500), detail, "rcpt")
        except aiosmtplib.SMTPSenderRefused as exc:
            await _reset(client)
            return Result(_by_code(exc.code), f"{exc.code} {exc.message}", "mail")
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            return Result(_by_code(exc.code), f"{exc.code} {exc.message}", "data")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return Result("temporary", f"{type(exc).__name__}: {exc}")


def _by_code(code: int) -> Outcome:
    return "permanent" if 500 <= code < 600 else "temporary"


async def _reset(client: aiosmtplib.SMTP) -> None:
    """Leave the connection ready for the next message after a refused one."""
    if client.is_connected:
        try:
            await client.rset()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()


def backend_for(settings: Settings) -> Backend:
    if settings.mail_backend == "smtp":
        return SmtpBackend(settings)
    return FileBackend(settings.mail_dir)
