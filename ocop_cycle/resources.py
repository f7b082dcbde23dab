"""Finds the data folders (``workflows/``, later ``notifications/``) wherever ocop-cycle runs.

In a source checkout or an editable install they sit at the repository root, next to the
package; a wheel carries them inside the package under ``_data/`` (hatch force-include).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str, override: Path | None = None) -> Path:
    """Return the folder holding the named data set, preferring a configured override."""
    if override is not None:
        if not override.is_dir():
            raise FileNotFoundError(f"configured {name} folder {override} does not exist")
        return override
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"no {name}/ folder found next to {_PACKAGE_DIR} or inside it; reinstall ocop-cycle"
    )


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when available; raises ``yaml.YAMLError``.

    libyaml's parser: the pure-Python one takes about 17 ms per workflow file. yaml is
    imported here, not at the top: a command served from the cache of checked workflow
    files (``ocop product show``) reads no YAML at all."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
