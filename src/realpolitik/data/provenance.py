"""Provenance: what produced a result (package version, data versions, configuration, seed).

Every frame a measure or model returns carries ``frame.attrs["provenance"]``, a JSON-able dict::

    {"package": "realpolitik", "version": "0.1.0", "data": {"nmc": "7.0", ...},
     "config": {...}, "config_hash": "…", "seed": None}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from realpolitik._version import __version__
from realpolitik.data.bundle import catalog, manifest


def data_versions(keys: Iterable[str]) -> dict[str, str]:
    """Version string of each named bundled data set (with its file's SHA-256 prefix)."""
    cat, man = catalog(), manifest()
    out = {}
    for k in sorted(set(keys)):
        version = str(cat.get(k, {}).get("version", "?"))
        sha = str(man.get(k, {}).get("sha256", ""))[:12]
        out[k] = f"{version} (sha256:{sha})" if sha else version
    return out


def config_hash(config: Mapping[str, Any] | None) -> str:
    """SHA-256 of a configuration serialised as canonical JSON."""
    text = json.dumps(config or {}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(
    frame: pd.DataFrame,
    *,
    datasets: Iterable[str] = (),
    config: Mapping[str, Any] | None = None,
    seed: int | None = None,
    merge: bool = True,
) -> pd.DataFrame:
    """Record provenance in ``frame.attrs["provenance"]`` (merged with what is already there)."""
    prev = frame.attrs.get("provenance", {}) if merge else {}
    data = dict(prev.get("data", {}))
    data.update(data_versions(datasets))
    cfg = dict(prev.get("config", {}))
    cfg.update(config or {})
    frame.attrs["provenance"] = {
        "package": "realpolitik",
        "version": __version__,
        "data": data,
        "config": cfg,
        "config_hash": config_hash(cfg),
        "seed": seed if seed is not None else prev.get("seed"),
    }
    return frame
