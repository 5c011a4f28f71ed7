"""Editable tables the models use, read and validated here (the models themselves read no file).

* ``data/tables/regions.csv`` — the regions of the leeway game's micro level (DESIGN §4.3):
  :func:`regions_table` reads it, or a user's CSV with the same columns, and
  :func:`check_regions` validates any such table.

Columns of a regions table (one row per region):

==============  ==========================================================================
column          meaning
==============  ==========================================================================
region          name of the region (unique, case-insensitive)
value           its importance V_k in points, 0–10: 10 a core (territorial or regime-security)
                interest of a partner, 5 an important secondary theatre, 1 peripheral; the
                leeway model converts points to leeway units (``value_unit``, default 0.01)
advantage_a     structural advantage of partner A (China) in [0, 1]: presence that does not
                depend on this year's effort — territory, basing, military presence, trade and
                energy ties, institutions; 1 = uncontested primacy, 0 = absent
advantage_b     the same for partner B (Russia); A and B may not both be 0
advantage_c     the same for the adversary C (USA); empty where C has no stake (NA, not 0)
source          where the scores come from ("[K]": recalled, not checked against the text)
note            the basis of the scores in words
==============  ==========================================================================

>>> from realpolitik.data.model_tables import regions_table
>>> regions = regions_table()
>>> regions["region"].tolist()[:3]
['Arctic', 'Central Asia', 'Siberia/Far East']
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data.bundle import table_path
from realpolitik.errors import DataIntegrityError, InputError, RealpolitikError

#: Columns of a regions table, in order.
REGION_COLUMNS: tuple[str, ...] = ("region", "value", "advantage_a", "advantage_b",
                                   "advantage_c", "source", "note")
#: Columns a user's regions table must have (the others may be left out).
REGION_REQUIRED: tuple[str, ...] = ("region", "value", "advantage_a", "advantage_b")
#: Range of ``value`` (points) and of the advantages.
VALUE_RANGE: tuple[float, float] = (0.0, 10.0)
ADVANTAGE_RANGE: tuple[float, float] = (0.0, 1.0)
#: The essay's eight regions, in the order of the shipped table.
ESSAY_REGIONS: tuple[str, ...] = (
    "Arctic", "Central Asia", "Siberia/Far East", "North Pacific",
    "Indo-Pacific/South China Sea", "Middle East", "Africa", "Eastern Europe",
)
REGIONS_FILE = "regions.csv"

_HINTS = {
    "value": "value is the region's importance in points, a number from 0 to 10",
    "advantage_a": "advantages are numbers from 0 (absent) to 1 (uncontested primacy)",
    "advantage_b": "advantages are numbers from 0 (absent) to 1 (uncontested primacy)",
    "advantage_c": "advantage_c is a number from 0 to 1, or empty where C has no stake",
}


def _row_text(i: int, region: Any, lines: bool) -> str:
    name = repr(str(region).strip()) if isinstance(region, str) and region.strip() else ""
    line = f"line {i + 2}" if lines else ""
    inner = ", ".join(t for t in (name, line) if t)
    return f"row {i} ({inner})" if inner else f"row {i}"


def check_regions(frame: pd.DataFrame, name: str = "regions table", *,
                  err: type[RealpolitikError] = InputError, lines: bool = False
                  ) -> pd.DataFrame:
    """Validate a regions table and return it typed: ``region`` str, ``value`` and
    ``advantage_a/b`` float, ``advantage_c`` Float64 (NA where C has no stake), ``source`` and
    ``note`` str (empty if absent).

    Errors (``err``, :class:`InputError` by default) name the row — 0-based, with the region
    and, for a table read from a file (``lines``), its line — and the column, and say what is
    allowed.

    >>> import pandas as pd
    >>> bad = pd.DataFrame({"region": ["Arctic"], "value": [12], "advantage_a": [0.2],
    ...                     "advantage_b": [0.9]})
    >>> check_regions(bad)
    Traceback (most recent call last):
    ...
    realpolitik.errors.InputError: regions table: row 0 ('Arctic'), column 'value': '12' is \
outside 0-10 (value is the region's importance in points, a number from 0 to 10)
    """
    if not isinstance(frame, pd.DataFrame):
        raise err(f"{name} must be a pandas DataFrame, not {type(frame).__name__}",
                  "columns: " + ", ".join(REGION_COLUMNS))
    df = frame.rename(columns=lambda c: str(c).strip().lower()).reset_index(drop=True)
    unknown = [c for c in df.columns if c not in REGION_COLUMNS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], REGION_COLUMNS, n=1)
        raise err(f"{name} has unknown column {unknown[0]!r}",
                  (f"did you mean {close[0]!r}? " if close else "")
                  + "columns: " + ", ".join(REGION_COLUMNS))
    missing = [c for c in REGION_REQUIRED if c not in df.columns]
    if missing:
        raise err(f"{name} lacks column(s) {missing}",
                  "required: " + ", ".join(REGION_REQUIRED))
    if df.empty:
        raise err(f"{name} has no rows", "give one row per region")
    regions = df["region"]
    out = pd.DataFrame(index=df.index)
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(regions):
        text = "" if r is None or (not isinstance(r, str) and pd.isna(r)) else str(r).strip()
        if not text:
            raise err(f"{name}: {_row_text(i, r, lines)}, column 'region' is empty",
                      "every row names its region")
        key = text.casefold()
        if key in seen:
            raise err(f"{name}: {_row_text(i, r, lines)}, column 'region': {text!r} is also "
                      f"row {seen[key]}", "each region appears once")
        seen[key] = i
        names.append(text)
    out["region"] = pd.array(names, dtype="str")
    for col, (lo, hi) in (("value", VALUE_RANGE), ("advantage_a", ADVANTAGE_RANGE),
                          ("advantage_b", ADVANTAGE_RANGE), ("advantage_c", ADVANTAGE_RANGE)):
        raw = df[col] if col in df.columns else pd.Series([pd.NA] * len(df), dtype=object)
        cells = raw.astype("string").str.strip()
        blank = raw.isna() | cells.isna() | (cells == "")
        num = pd.to_numeric(cells.where(~blank), errors="coerce")
        bad_text = ~blank & num.isna()
        bad_missing = blank & (col != "advantage_c")
        out_of_range = ~blank & num.notna() & ~(np.isfinite(num.astype(float))
                                                 & num.between(lo, hi))
        for mask, what in ((bad_missing, "is empty"), (bad_text, "is not a number"),
                           (out_of_range, f"is outside {lo:g}-{hi:g}")):
            if mask.any():
                i = int(np.flatnonzero(mask.to_numpy())[0])
                shown = "" if what == "is empty" else f"{cells.iloc[i]!r} "
                raise err(f"{name}: {_row_text(i, regions.iloc[i], lines)}, column {col!r}: "
                          f"{shown}{what}", _HINTS[col])
        out[col] = num.astype("Float64") if col == "advantage_c" else num.astype(float)
    neither = (out["advantage_a"] + out["advantage_b"]) <= 0
    if neither.any():
        i = int(np.flatnonzero(neither.to_numpy())[0])
        raise err(f"{name}: {_row_text(i, regions.iloc[i], lines)}, columns 'advantage_a' and "
                  "'advantage_b' are both 0: neither partner holds anything there",
                  "drop the row, or give A or B a positive advantage")
    for col in ("source", "note"):
        vals = df[col] if col in df.columns else pd.Series([""] * len(df))
        out[col] = vals.fillna("").astype(str).str.strip().to_numpy()
    out.attrs = dict(frame.attrs)
    return out[list(REGION_COLUMNS)]


def regions_table(path: str | Path | None = None) -> pd.DataFrame:
    """The regions of the leeway game, validated (see :func:`check_regions` for the columns).

    ``path`` None: the shipped ``data/tables/regions.csv`` (China = A, Russia = B, USA = C;
    the essay's eight regions). Otherwise a user's CSV file with the same columns (``region,
    value, advantage_a, advantage_b`` required); a bad row raises :class:`InputError` naming
    the row, its line and the column. ``attrs["regions_source"]`` records which file was read.
    """
    if path is None:
        file = table_path(REGIONS_FILE)
        err: type[RealpolitikError] = DataIntegrityError
        label = "package table regions.csv"
    else:
        file = Path(path)
        err = InputError
        label = f"regions file {str(file)!r}"
        if not file.is_file():
            raise InputError(f"regions file {str(file)!r} does not exist",
                             "give the path of a CSV file with columns "
                             + ", ".join(REGION_COLUMNS))
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise err(f"cannot read {label}: {exc}",
                  "a UTF-8 CSV file with a header row: " + ", ".join(REGION_COLUMNS)) from exc
    out = check_regions(raw, label, err=err, lines=True)
    out.attrs["regions_source"] = "default" if path is None else str(file)
    return out
