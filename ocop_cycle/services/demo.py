"""``ocop demo``: a demo province built through the real services (filled in below)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console


def run_demo(directory: Path, console: Console) -> None:
    raise NotImplementedError
