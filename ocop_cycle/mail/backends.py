"""Delivering built messages: to ``.eml`` files (default) or to an SMTP server.

A backend takes a batch and reports, per message, delivered, a temporary failure (retry
later with backoff: connection errors, timeouts, 4xx replies) or a permanent one (5xx:
never retried, the server's reply kept). The SMTP backend opens one connection per batch.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

import aiosmtplib

from ocop_cycle.config import Settings

Outcome = Literal["sent", "temporary", "permanent"]


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""


class Backend(Protocol):
    def deliver(self, batch: list[tuple[int, EmailMessage]]) -> dict[int, Result]: ...


class FileBackend:
    """Writes each message as ``<row id>.eml`` in ``directory``; a retry overwrites."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, batch: list[tuple[int, EmailMessage]]) -> dict[int, Result]:
        results: dict[int, Result] = {}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return {
                key: Result("temporary", f"cannot create {self.directory}: {exc}")
                for key, _ in batch
            }
        for key, message in batch:
            target = self.directory / f"{key:08d}.eml"
            partial = target.with_suffix(".eml.part")
            try:
                partial.write_bytes(message.as_bytes())
                os.replace(partial, target)
                results[key] = Result("sent", str(target))
            except OSError as exc:
                results[key] = Result("temporary", f"cannot write {target}: {exc}")
        return results


class SmtpBackend:
    """aiosmtplib with an explicit TLS mode and timeout, one connection per batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def deliver(self, batch: list[tuple[int, EmailMessage]]) -> dict[int, Result]:
        return asyncio.run(self._deliver(batch))

    def _client(self) -> aiosmtplib.SMTP:
        settings = self.settings
        return aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=settings.smtp_timeout,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
        )

    async def _deliver(self, batch: list[tuple[int, EmailMessage]]) -> dict[int, Result]:
        results: dict[int, Result] = {}
        client = self._client()
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            reason = f"cannot connect to {self.settings.smtp_host}:{self.settings.smtp_port}: {exc}"
            return {key: Result("temporary", reason) for key, _ in batch}
        try:
            for key, message in batch:
                results[key] = await self._send_one(client, message)
                if not client.is_connected:
                    break
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError, TimeoutError):
                    client.close()
        for key, _ in batch:
            results.setdefault(key, Result("temporary", "connection lost before sending"))
        return results

    async def _send_one(self, client: aiosmtplib.SMTP, message: EmailMessage) -> Result:
        try:
            _, reply = await client.send_message(message)
            return Result("sent", reply)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            return Result(_by_code(min(codes) if codes else 500), detail)
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            return Result(_by_code(exc.code), f"{exc.code} {exc.message}")
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
