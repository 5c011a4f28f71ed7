"""Access to the Parquet files shipped in ``realpolitik/data/_bundled``.

Each file is checked against the SHA-256 recorded in ``MANIFEST.json`` the first time it is read
in a process, so a truncated or altered file fails with :class:`DataIntegrityError` naming the
file, instead of producing wrong numbers.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from realpolitik.errors import DataIntegrityError

_PKG = "realpolitik.data"


def _data_path(*parts: str) -> Path:
    return Path(str(resources.files(_PKG).joinpath(*parts)))


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """The bundle manifest: per data set, its file, SHA-256, rows, columns and year span."""
    path = _data_path("_bundled", "MANIFEST.json")
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        raise DataIntegrityError(
            f"cannot read the data manifest {path}: {exc}",
            "reinstall realpolitik (pip install --force-reinstall realpolitik)",
        ) from exc


@cache
def catalog() -> dict[str, dict[str, Any]]:
    """The hand-kept metadata of each data set (title, version, citation, caveats)."""
    path = _data_path("catalog.toml")
    try:
        return dict(tomllib.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        raise DataIntegrityError(f"cannot read the data catalog {path}: {exc}") from exc


@cache
def _verified(key: str) -> Path:
    entries = manifest()
    if key not in entries:
        raise DataIntegrityError(
            f"no bundled data set named {key!r}", "known: " + ", ".join(sorted(entries))
        )
    entry = entries[key]
    path = _data_path("_bundled", entry["file"])
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DataIntegrityError(
            f"bundled data file {path.name} is missing: {exc}", "reinstall realpolitik"
        ) from exc
    if digest != entry["sha256"]:
        raise DataIntegrityError(
            f"bundled data file {path.name} is corrupt (SHA-256 {digest[:12]}…, "
            f"expected {entry['sha256'][:12]}…)",
            "reinstall realpolitik; do not edit files under realpolitik/data/_bundled",
        )
    return path


def read_bundled(key: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one bundled data set as it was converted (no cleaning), after an integrity check."""
    path = _verified(key)
    try:
        table = pq.read_table(path, columns=columns)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataIntegrityError(f"cannot read bundled data file {path.name}: {exc}") from exc
    return table.to_pandas()


def table_path(name: str) -> Path:
    """Path of an editable package table (``data/tables/NAME``) or crosswalk."""
    for folder in ("tables", "crosswalks"):
        p = _data_path(folder, name)
        if p.exists():
            return p
    raise DataIntegrityError(f"package table {name!r} not found", "reinstall realpolitik")
