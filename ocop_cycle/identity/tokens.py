"""Random secrets shown once and stored only as their SHA-256 (sessions, API tokens)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_TOKEN_PREFIX = "ocop_"


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
