"""Journeys in a real browser: Playwright drives Debian's Chromium against a real
``ocop serve`` on 127.0.0.1 with a fresh database built through the services.

Skipped, with the reason, when ``/usr/bin/chromium`` or Playwright is missing
(``.ci/run`` installs the ``chromium`` package; Playwright cannot download browsers here).
Screenshots go to ``$OCOP_SCREENSHOT_DIR`` when it is set (``docs/screenshots`` holds the
current ones), otherwise to a temporary folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from ocop_cycle.config import Settings
from ocop_cycle.db.models import User
from ocop_cycle.identity.accounts import add_user
from ocop_cycle.identity.passwords import hash_password
from ocop_cycle.runtime import Runtime
from ocop_cycle.services import councils, people
from tests.conftest import World, seed
from tests.flows import TO_148, walk

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-4.11.0.min.js"
PASSWORD = "mật khẩu thử nghiệm 2026"
# The provincial council: its first member chairs it.
COUNCIL = ["hd.chutich", "hd.thanhvien1", "hd.thanhvien2", "hd.thanhvien3"]
# The producer of Phường Nghĩa Lộ (2025 units), whose products follow 26/2026 (under_26,
# nghia_lo_2025).
PRODUCER_26 = "chuthe.nghialo"
OFFICER_26 = "xa.nghialo"  # and its commune officer
VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "360px": {"width": 360, "height": 740}}

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None


def _why_skip() -> str | None:
    if sync_playwright is None:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium: install Debian's chromium package (.ci/run does)"
    return None


@dataclass
class Site:
    """The running server and what the journeys need to know about its data."""

    url: str
    runtime: Runtime
    world: World
    products: dict[str, int] = field(default_factory=dict)

    def certificate_code(self, product_id: int) -> str:
        from sqlalchemy import select

        from ocop_cycle.db.models import Certificate

        with self.runtime.transaction() as session:
            return session.scalars(
                select(Certificate.verification_code)
                .where(Certificate.product_id == product_id)
                .order_by(Certificate.id.desc())
            ).first() or ""


def build_world(runtime: Runtime) -> World:
    """Quảng Ngãi with an officer at each level, two producers and their accounts, all
    with the same known password (set directly: no first-sign-in change for journeys)."""
    seed(runtime)
    world = World()
    add = add_user
    add(runtime, "province1", actor="admin1", role="province_officer", unit_code=world.province,
        name="Nguyễn Văn Tỉnh")
    add(runtime, "district1", actor="admin1", role="district_officer", unit_code=world.district,
        name="Trần Thị Huyện")
    add(runtime, "commune1", actor="admin1", role="commune_officer", unit_code=world.commune,
        name="Lê Văn Xã")
    add(runtime, "commune2", actor="admin1", role="commune_officer",
        unit_code=world.other_commune, name="Phạm Thị Thị Trấn")
    world.producer_id = people.add_producer(
        runtime, actor="commune1", name="HTX Nông nghiệp Đức Tân", type="cooperative",
        commune_code=world.commune, email="htx.ductan@example.vn", phone="0255 3845 123",
    ).id
    world.other_producer_id = people.add_producer(
        runtime, actor="admin1", name="Cơ sở Bánh tráng Thắng Lợi", type="household",
        commune_code=world.other_commune,
    ).id
    add(runtime, "producer1", actor="admin1", role="producer", producer_id=world.producer_id,
        name="HTX Đức Tân")
    add(runtime, "producer2", actor="admin1", role="producer",
        producer_id=world.other_producer_id, name="Bánh tráng Thắng Lợi")
    for member in COUNCIL:
        add(runtime, member, actor="admin1", role="council_member",
            name=f"Thành viên hội đồng {member}")
    councils.create_council(runtime, actor="admin1", level="province", unit_code=world.province,
                            chair=COUNCIL[0], members=COUNCIL)
    with runtime.transaction() as session:
        session.execute(
            update(User)
            .where(User.role != "system")
            .values(password_hash=hash_password(PASSWORD), must_change_password=False)
        )
    return world


def product_named(runtime: Runtime, world: World, name: str, state: str) -> int:
    from ocop_cycle.services.products import register_product

    view = register_product(
        runtime, name=name, producer_id=world.producer_id, group="food", actor="commune1",
        workflow="ocop-148",
    )
    walk(runtime, int(view["id"]), TO_148[state])
    return int(view["id"])


def under_26(runtime: Runtime, world: World, name: str, state: str) -> int:
    """A set-10 product taken to ``state`` under Decision 26/2026 by a producer and a
    commune officer of Phường Nghĩa Lộ in its 2025 form (26/2026 products name a 2025
    commune) and this world's province officer."""
    from ocop_cycle.services.products import fire, register_product
    from tests.law_26_2026 import TO_26

    producer_id = nghia_lo_2025(runtime)
    people_here = {"xa26": OFFICER_26, "chuthe26": PRODUCER_26, "tinh26": "province1"}
    view = register_product(
        runtime, name=name, producer_id=producer_id, actor=OFFICER_26,
        workflow="ocop-26-2026", product_set=10,
    )
    for trigger, actor, options in TO_26[state]:
        fire(runtime, int(view["id"]), trigger, actor=people_here[actor],
             comment=options.get("comment"), data=options.get("data"))
    return int(view["id"])


def nghia_lo_2025(runtime: Runtime) -> int:
    """Phường Nghĩa Lộ (21028) moved to its 2025 form (under the province; no journey
    uses its legacy form), with a producer and a commune officer; made once per site."""
    from sqlalchemy import select

    from ocop_cycle.db.models import Producer
    from ocop_cycle.services.units import province_units, upsert_units
    from tests.law_26_2026 import COMMUNE

    with runtime.transaction() as session:
        found = session.scalars(select(Producer.id).where(Producer.commune_code == COMMUNE))
        if (known := found.first()) is not None:
            return int(known)
        rows = [row for row in province_units("51", "2025") if row.code == COMMUNE]
        upsert_units(session, rows, "2025")
    producer_id = people.add_producer(
        runtime, actor="admin1", name="HTX Tỏi Nghĩa Lộ", type="cooperative",
        commune_code=COMMUNE, email="htx.nghialo@example.vn",
    ).id
    add_user(runtime, OFFICER_26, actor="admin1", role="commune_officer", unit_code=COMMUNE,
             name="Võ Thị Phường", password=PASSWORD, must_change_password=False)
    add_user(runtime, PRODUCER_26, actor="admin1", role="producer", producer_id=producer_id,
             name="HTX Tỏi Nghĩa Lộ", password=PASSWORD, must_change_password=False)
    return producer_id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_site(folder: Path) -> Iterator[Site]:
    """A fresh database with the world in it, served by ``ocop serve`` on a free port."""
    reason = _why_skip()
    if reason:
        pytest.skip(reason)
    database = f"sqlite:///{folder / 'ocop.db'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=database, public_url=url, mail_dir=folder / "mail")
    runtime = Runtime.create(settings)
    world = build_world(runtime)
    built = Site(url=url, runtime=runtime, world=world)
    built.products["certified"] = product_named(runtime, world, "Tỏi đen Đức Tân", "certified")
    built.products["certified26"] = under_26(runtime, world, "Mật ong hoa cà phê", "certified")
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": database,
        "OCOP_PUBLIC_URL": url,
        "OCOP_COOKIE_SECURE": "false",
        "OCOP_STORAGE_DIR": str(folder / "documents"),
        "OCOP_MAIL_DIR": str(folder / "mail"),
        "OCOP_PUBLIC_RATE_PER_MINUTE": "100000",
        "OCOP_API_THREADS": "4",
    }
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "ocop_cycle", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url, server, folder / "serve.log")
        yield built
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        runtime.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("site")) as started:
        yield started


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"ocop serve exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"ocop serve did not answer within 60 s:\n{log.read_text()}")


# Module scope: a session-long Playwright keeps its event loop running in the main thread,
# and code under test that calls asyncio.run (the SMTP sender) would fail in later modules.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = _why_skip()
    if reason:
        pytest.skip(reason)
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, viewport: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("OCOP_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, folder: Path, name: str, viewport: str, full_page: bool = True) -> Path:
    """A screenshot named after the page and the width it was taken at."""
    path = folder / f"{name}-{viewport}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def accessibility_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(page: Page) -> None:
    problems = accessibility_problems(page)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=2)


def sign_in(page: Page, site: Site, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site.url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def no_horizontal_scroll(page: Page) -> bool:
    """At 360 px nothing may stick out sideways (WCAG 1.4.10 reflow)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))

