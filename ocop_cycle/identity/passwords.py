"""Password hashing: argon2id through pwdlib, with rehash when the parameters change."""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from ocop_cycle.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 1024


@cache
def hasher() -> PasswordHash:
    """The one password hasher: argon2id with pwdlib's recommended parameters."""
    return PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so that an unknown username costs
    # as much time as a wrong password and the answer time reveals nothing.
    return hasher().hash("ocop-cycle: no such user")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether ``password`` matches, and a new hash to store when the old one is outdated.

    With no hash (unknown user, or an account without a password) the dummy hash is
    checked anyway and the answer is no.
    """
    if password_hash is None:
        hasher().verify(password, _dummy_hash())
        return False, None
    return hasher().verify_and_update(password, password_hash)


def check_new_password(password: str, username: str) -> str:
    """Refuse a password nobody should use, saying what a good one looks like."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"the password is too short: use at least {MIN_LENGTH} characters "
            "(a few words make a good one)",
            vi=f"Mật khẩu quá ngắn: cần ít nhất {MIN_LENGTH} ký tự (một cụm vài từ là mật khẩu tốt)",
        )
    if len(password) > MAX_LENGTH:
        raise InvalidInput(
            f"the password is longer than {MAX_LENGTH} characters",
            vi=f"Mật khẩu dài quá {MAX_LENGTH} ký tự",
        )
    if password.strip().casefold() == username.casefold():
        raise InvalidInput(
            "the password may not be the username", vi="Mật khẩu không được trùng với tên đăng nhập"
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise InvalidInput(
            "the password may not contain control characters or line breaks",
            vi="Mật khẩu không được chứa ký tự điều khiển hoặc dấu xuống dòng",
        )
    return password
