"""Signing in to the pages in-process: one known password for every account, the CSRF
token a form carries, and a sign-in from a fresh browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from ocop_cycle.db.models import User
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.web.app import create_app

PASSWORD = "một mật khẩu đủ dài"


def give_everyone_the_password(runtime: Runtime, password: str = PASSWORD) -> None:
    """Every account stored so far signs in with ``password``, first sign-in done."""
    with runtime.transaction() as session:
        session.execute(
            update(User).values(password_hash=hash_password(password), must_change_password=False)
        )


@contextmanager
def open_pages(runtime: Runtime) -> Iterator[TestClient]:
    """The pages over plain HTTP (the session cookie is not marked Secure), once everyone
    has the password."""
    runtime.settings.cookie_secure = False
    give_everyone_the_password(runtime)
    with TestClient(create_app(runtime)) as client:
        yield client


def csrf_in(page: str) -> str:
    """The CSRF token of the (first) form in ``page``."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token of the form at ``path``."""
    return csrf_in(client.get(path).text)


def try_sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """The sign-in form's answer, from a fresh browser (no cookie kept)."""
    client.cookies.clear()
    return client.post(
        "/dang-nhap",
        data={"username": username, "password": password,
              "csrf_token": csrf_of(client, "/dang-nhap")},
        follow_redirects=False,
    )


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    answer = try_sign_in(client, username, password)
    assert answer.status_code == 303, answer.text


def landing_after_sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Where signing in leads (the status code when it leads nowhere)."""
    answer = try_sign_in(client, username, password)
    return answer.headers.get("location", str(answer.status_code))
