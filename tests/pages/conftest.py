"""The pages over the seeded world, every account signing in with ``PASSWORD``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ocop_cycle.runtime import Runtime
from tests.conftest import World
from tests.pages_support import open_pages


@pytest.fixture
def client(runtime: Runtime, world: World) -> Iterator[TestClient]:
    with open_pages(runtime) as pages:
        yield pages
