"""Writing result frames to files and terminals, with their provenance, atomically.

A file is first written next to its destination under a temporary name and then renamed over
it, so an interrupted write never leaves a half-written file and never destroys an existing one.
Parquet files carry the provenance in their schema metadata (key ``realpolitik``); JSON output
holds it beside the rows; CSV gets a ``FILE.provenance.json`` sidecar.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from realpolitik.errors import InputError

FORMATS = ("table", "csv", "json", "parquet")
_EXT = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}


def parse_years(text: str | None) -> list[int]:
    """A ``--years 2030,2040`` option as a list of years ([] when not given)."""
    if not text:
        return []
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item.isdigit():
            raise InputError(f"--years: {item!r} is not a year", "e.g. --years 2030,2040")
        out.append(int(item))
    return out


def infer_format(fmt: str | None, output: Path | None) -> str:
    """The output format: explicit ``fmt``, else from the file extension, else ``table``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}", "use one of " + ", ".join(FORMATS))
        if fmt == "parquet" and output is None:
            raise InputError("parquet output needs a file", "add --output FILE.parquet")
        return fmt
    if output is not None:
        ext = output.suffix.lower()
        if ext not in _EXT:
            raise InputError(
                f"cannot tell the format of {output.name!r} from its extension",
                "use .csv, .json or .parquet, or give --format",
            )
        return _EXT[ext]
    return "table"


def provenance(frame: pd.DataFrame) -> dict[str, Any]:
    return dict(frame.attrs.get("provenance", {}))


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def to_json(frame: pd.DataFrame, extra: dict[str, Any] | None = None) -> str:
    """Rows as records (NA → null) with the provenance and any extra attributes."""
    records = json.loads(frame.to_json(orient="records", date_format="iso",
                                       double_precision=15))
    payload: dict[str, Any] = {"provenance": provenance(frame)}
    payload.update(extra or {})
    payload["rows"] = records
    return json.dumps(payload, indent=1, default=_json_default)


def atomic_write(path: Path, writer: Callable[[Path], object]) -> None:
    """Run ``writer(tmp)`` then rename ``tmp`` over ``path``; on any failure remove ``tmp``."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"folder {str(directory)!r} does not exist",
                         "create it first or choose another --output path")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write ``frame`` to ``path`` as csv, json or parquet, atomically, with provenance."""
    prov = json.dumps(provenance(frame), default=_json_default)
    if fmt == "csv":
        atomic_write(path, lambda p: frame.to_csv(p, index=False))
        atomic_write(path.with_name(path.name + ".provenance.json"),
                     lambda p: p.write_text(prov + "\n"))
    elif fmt == "json":
        atomic_write(path, lambda p: p.write_text(to_json(frame) + "\n"))
    elif fmt == "parquet":
        def _pq(p: Path) -> None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            meta = dict(table.schema.metadata or {})
            meta[b"realpolitik"] = prov.encode()
            pq.write_table(table.replace_schema_metadata(meta), p, compression="zstd")

        atomic_write(path, _pq)
    else:
        raise InputError(f"cannot write format {fmt!r} to a file", "use csv, json or parquet")
