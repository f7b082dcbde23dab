"""Checked workflow definitions kept on disk, keyed by the content that made them.

Every command needs the workflow definitions; parsing and checking the YAML costs more
than the rest of ``ocop product show``. A definition checked once is kept as a pickle
named by the SHA-256 of the file's bytes together with the code that reads and checks
it (``LOADING_MODULES``) and the library versions: an edited file, edited checks or an
upgraded pydantic make another name, so nothing stale is ever served. The definition's
canonical hash (``pins.content_hash``, which every command that changes a product compares
with the database's pin) is kept beside it: computing it builds pydantic's serialisers.

The cache folder is the user's own (``OCOP_CACHE_DIR``, else
``$XDG_CACHE_HOME/ocop-cycle/workflows`` or ``~/.cache/ocop-cycle/workflows``): a pickle is read only from a folder and file
this user owns that nobody else may write, because loading a pickle runs code. A folder
that cannot be made or written is no error: definitions are then checked every time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

import pydantic
import pydantic_core

from ocop_cycle.workflow.definition import WorkflowDef

_PACKAGE = Path(__file__).resolve().parent.parent
# The code a checked definition and its hash depend on: every ocop_cycle module that
# ``ocop_cycle.workflow.loader`` imports (tests/test_definition_cache.py keeps this
# complete), and ``pins``, which hashes.
LOADING_MODULES = (
    "ocop_cycle",
    "ocop_cycle.domain",
    "ocop_cycle.domain.scores",
    "ocop_cycle.domain.vocabulary",
    "ocop_cycle.errors",
    "ocop_cycle.resources",
    "ocop_cycle.workflow",
    "ocop_cycle.workflow.definition",
    "ocop_cycle.workflow.hook_names",
    "ocop_cycle.workflow.loader",
    "ocop_cycle.workflow.migration_maps",
    "ocop_cycle.workflow.pins",
    "ocop_cycle.workflow.schedule_validation",
    "ocop_cycle.workflow.validation",
    "ocop_cycle.workflow.yaml_files",
)


def module_file(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    package = _PACKAGE / relative / "__init__.py"
    return package if package.is_file() else (_PACKAGE / relative).with_suffix(".py")


@cache
def code_fingerprint() -> bytes:
    """What, besides a file's bytes, decides the definition read from it."""
    libraries = (sys.version, pydantic.VERSION, pydantic_core.__version__)
    digest = hashlib.sha256("\0".join(libraries).encode())
    # PyYAML by the source of its package (which holds its version), found, not imported:
    # a command served from this cache parses no YAML, and importing yaml costs ~20 ms.
    yaml_spec = importlib.util.find_spec("yaml")
    if yaml_spec is not None and yaml_spec.origin is not None:
        digest.update(b"\0yaml\0" + Path(yaml_spec.origin).read_bytes())
    for name in LOADING_MODULES:
        digest.update(b"\0" + name.encode() + b"\0" + module_file(name).read_bytes())
    return digest.digest()


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ocop-cycle/workflows``, else under ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ocop-cycle" / "workflows"


@dataclass(frozen=True)
class CheckedDefinition:
    definition: WorkflowDef
    content_hash: str


def load_definition_cached(path: Path, cache_dir: Path | None = None) -> CheckedDefinition:
    """The checked definition in ``path`` and its hash: from the cache when this exact
    content was checked before by this code, else parsed and checked (and then kept)."""
    data = path.read_bytes()

    def check() -> CheckedDefinition:
        from ocop_cycle.workflow.loader import load_definition
        from ocop_cycle.workflow.pins import content_hash

        # The bytes hashed are the bytes checked: an edit in between cannot be filed under
        # the old content's key.
        definition = load_definition(path, data.decode("utf-8"))
        return CheckedDefinition(definition, content_hash(definition))

    found = kept_or_made(data, CheckedDefinition, check, cache_dir)
    if not isinstance(found.definition, WorkflowDef):
        return check()
    return found


Kept = TypeVar("Kept")


def kept_or_made(
    content: bytes, kind: type[Kept], make: Callable[[], Kept], cache_dir: Path | None = None
) -> Kept:
    """What ``make`` builds from ``content`` (bytes read from files, which ``make`` must
    build from): from the cache when this content was built before by this code, else
    made and kept. ``kind`` is what the cache must hold; anything else is made again."""
    key = hashlib.sha256(code_fingerprint() + kind.__qualname__.encode() + content).hexdigest()
    folder = cache_dir or default_cache_dir()
    kept = folder / f"{key}.pickle"
    found = _read(kept)
    if isinstance(found, kind):
        return found
    made = make()
    _write(folder, kept, made)
    return made


def _private(path: Path, *, folder: bool) -> bool:
    """Owned by this user and writable by nobody else (POSIX); anything else is skipped."""
    info = path.stat() if folder else os.stat(path, follow_symlinks=False)
    if not hasattr(os, "getuid"):
        return True
    if folder and not stat.S_ISDIR(info.st_mode):
        return False
    if not folder and not stat.S_ISREG(info.st_mode):
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(kept: Path) -> object:
    try:
        if not (_private(kept.parent, folder=True) and _private(kept, folder=False)):
            return None
        with kept.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:
        return None


def _write(folder: Path, kept: Path, made: object) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder, folder=True):
            return
        import tempfile

        # Written aside, then renamed: a reader sees the whole entry or none.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(made, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, kept)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
