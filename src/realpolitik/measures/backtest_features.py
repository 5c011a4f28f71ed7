"""Labelled alignment episodes for the backtest: reading, validating, and level features.

This module is the backtest's only access to files and data (DESIGN §5 "Backtest"); the
scoring in :mod:`realpolitik.simulate.backtest` is pure arithmetic on what it returns.

**Cases file.** A CSV with the columns of ``shared/cases/dev_cases.csv`` (see
``shared/cases/README.md``): ``case_id, state_a, state_b, adversary, year_start, year_end,
outcome, confidence`` are required; ``who_bandwagons_toward_whom, source, note`` are optional.
States are written ``ABB/ccode`` (``RUS/365``; a bare COW code, abbreviation or name is also
accepted), several adversaries are separated by ``;``, years are whole numbers with
``year_end ≥ year_start``, ``outcome`` is one of the six labels and ``confidence`` one of
``high, medium, low``. Every problem is an :class:`~realpolitik.errors.InputError` that names
the data row (1-based, the header not counted) and the case: ``row 3 (DEV-003): …``.
:func:`read_cases` reads a file (``"dev"`` is the copy of the development cases that ships in
``realpolitik/data/tables/dev_cases.csv``); :func:`parse_cases` validates a frame.

**Level features** (:func:`case_features`), all from data of the episode's start year t
(``year_start``) or earlier, never from its later years:

* the level gap ``g = ln(P_strong / P_weak) ≥ 0`` of the pair under a power index (CINC by
  default) at t. The pair is oriented by power at t, never by the label: the README's
  ``who_bandwagons_toward_whom`` is read only to validate the file;
* the threat components ``z_power, z_proximity, z_offense, z_intentions`` of the adversaries
  towards the pair at t from :func:`realpolitik.measures.threat.threat_for_cases` with
  ``causal=True`` (z-scores standardised on reference rows of years ≤ t; several adversaries as
  one coalition: power and offense summed, proximity the nearest, disputes summed, rivalry any)
  and ``ar_level``, their equally weighted sum (the backtest recombines them with fitted
  weights, Ar_level = Σ_c w_c z_c);
* ``great_power``: both partners were COW major powers in t (the README's great-power subset).

A case the data cannot cover is kept and flagged, never dropped or guessed: ``reason`` says why
(a state not a system member in t, no power value for a partner in t) and ``threat_missing``
names the threat components without data in t (a case is unscorable under weights that give
such a component a positive weight).

>>> cases = read_cases("dev")
>>> len(cases), cases.loc[0, "case_id"], cases.loc[2, "adversaries"]
(47, 'DEV-001', ('RUS/365', 'YUG/345'))
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data.bundle import table_path
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_state
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.measures.power import _check_index, _power_table
from realpolitik.measures.threat import (
    COMPONENTS,
    ReferenceDistribution,
    ThreatOptions,
    threat_for_cases,
)
from realpolitik.models.labels import LABELS

__all__ = [
    "COMPONENT_GAPS",
    "CONFIDENCES",
    "DEV_CASES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "case_features",
    "case_keys",
    "dev_cases_path",
    "parse_cases",
    "read_cases",
]

#: Columns a cases file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("case_id", "state_a", "state_b", "adversary", "year_start",
                                     "year_end", "outcome", "confidence")
#: Columns a cases file may have (kept as text, never used for prediction).
OPTIONAL_COLUMNS: tuple[str, ...] = ("who_bandwagons_toward_whom", "source", "note")
#: Confidence levels, strongest first.
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
#: Name by which the shipped development cases are requested (``realpolitik backtest dev``).
DEV_CASES = "dev"
#: What a threat component needs, for the reason of an unscorable case.
COMPONENT_GAPS: dict[str, str] = {
    "power": "no power value for a partner or an adversary",
    "proximity": "no capital distance or contiguity data",
    "offense": "no military expenditure and personnel of the adversaries over the growth window "
               "before the start year",
    "intentions": "no dispute or rivalry data",
}

_STATE = re.compile(r"^\s*([A-Za-z]{2,4})\s*/\s*([0-9]{1,4})\s*$")
_YEAR = re.compile(r"^\s*[0-9]{3,4}\s*$")


def dev_cases_path() -> Path:
    """Path of the development cases shipped with the package (a copy of
    ``shared/cases/dev_cases.csv``)."""
    return table_path("dev_cases.csv")


# --------------------------------------------------------------------------------------------
# Reading and validating
# --------------------------------------------------------------------------------------------
def read_cases(path: str | Path = DEV_CASES) -> pd.DataFrame:
    """Read and validate a cases CSV (``"dev"``: the shipped development cases).

    Returns the frame of :func:`parse_cases`; ``attrs`` carry ``source`` (the file name) and
    ``sha256`` (of the file's bytes), which a parameter file records as what it was fitted on.
    """
    p = dev_cases_path() if str(path) == DEV_CASES else Path(path)
    if not p.is_file():
        raise InputError(f"cases file {str(path)!r} not found",
                         "give a CSV with the columns of dev_cases.csv, or 'dev' for the "
                         "development cases shipped with realpolitik")
    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read cases file {p}: {exc}",
                         "the file must be UTF-8 (or ASCII) CSV") from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"{p.name}: not a readable CSV file ({str(exc).strip()})",
                         "comma-separated, one header row, quotes around fields with commas"
                         ) from None
    out = parse_cases(frame, source=p.name)
    out.attrs["source"] = "dev_cases.csv (shipped)" if str(path) == DEV_CASES else str(p)
    out.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
    return out


def _row_error(row: int, case_id: str, message: str, hint: str | None = None) -> InputError:
    who = f" ({case_id})" if case_id else ""
    return InputError(f"row {row}{who}: {message}", hint)


def _state(text: str, column: str, row: int, cid: str) -> State:
    raw = text.strip()
    if not raw:
        raise _row_error(row, cid, f"{column} is empty", "write states as ABB/ccode, e.g. "
                         "RUS/365")
    m = _STATE.match(raw)
    try:
        if m:
            st = resolve_state(int(m.group(2)))
        else:
            st = resolve_state(raw)
    except RealpolitikError as exc:
        raise _row_error(row, cid, f"{column} {raw!r}: unknown state code",
                         exc.hint or "see `realpolitik data states`") from None
    if m and st.abb.upper() != m.group(1).upper():
        raise _row_error(row, cid, f"{column} {raw!r}: COW code {st.ccode} is {st.abb} "
                         f"({st.name}), not {m.group(1).upper()}",
                         f"write {st.abb}/{st.ccode}, or the code of {m.group(1).upper()}")
    return st


def _year(text: str, column: str, row: int, cid: str) -> int:
    if not _YEAR.match(text):
        raise _row_error(row, cid, f"{column} {text!r} is not a year",
                         "write whole calendar years, e.g. 1907")
    return int(text)


def parse_cases(frame: pd.DataFrame, source: str = "cases") -> pd.DataFrame:
    """Validate a cases frame (all columns text) and return it typed.

    Output columns: ``row`` (1-based data row), the required and optional columns as given
    (states normalised to ``ABB/ccode``; ``outcome`` and ``confidence`` lower-case), integer
    ``year_start``/``year_end``, ``ccode_a``, ``ccode_b``, ``adversaries`` (tuple of
    ``ABB/ccode``, principal first) and ``adversary_ccodes`` (tuple of ints).

    Raises
    ------
    InputError
        A missing column, an empty file, a duplicated ``case_id``, an unknown state code or an
        abbreviation that does not match its code, the same state twice in a row, a year that
        is not a whole number, ``year_end`` before ``year_start``, an unknown label or
        confidence, or a ``who_bandwagons_toward_whom`` that does not name the pair; the message
        starts with ``row N (CASE_ID):``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{source}: cases must be a DataFrame, not {type(frame).__name__}")
    cols = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise InputError(f"{source}: missing column(s) {', '.join(missing)}",
                         "a cases file needs the columns " + ", ".join(REQUIRED_COLUMNS)
                         + " (optional: " + ", ".join(OPTIONAL_COLUMNS) + ")")
    df = frame.copy()
    df.columns = cols
    if len(df) == 0:
        raise InputError(f"{source}: no cases (only a header)", "add one row per episode")
    df = df.fillna("").astype(str)
    for c in OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records"), start=1):
        cid = rec["case_id"].strip()
        if not cid:
            raise _row_error(i, "", "case_id is empty", "give every episode an identifier")
        if cid in seen:
            raise _row_error(i, cid, f"case_id repeats row {seen[cid]}",
                             "case identifiers must be unique")
        seen[cid] = i
        sa = _state(rec["state_a"], "state_a", i, cid)
        sb = _state(rec["state_b"], "state_b", i, cid)
        advs_text = [x for x in rec["adversary"].split(";")]
        if not rec["adversary"].strip() or any(not x.strip() for x in advs_text):
            raise _row_error(i, cid, f"adversary {rec['adversary']!r} has an empty entry",
                             "list one or more states separated by ';', e.g. GMY/255;RUS/365")
        advs = [_state(x, "adversary", i, cid) for x in advs_text]
        codes = [sa.ccode, sb.ccode, *[s.ccode for s in advs]]
        if len(set(codes)) != len(codes):
            dup = next(s for s in (sa, sb, *advs) if codes.count(s.ccode) > 1)
            raise _row_error(i, cid, f"{dup.abb}/{dup.ccode} is named twice (partners and "
                             "adversaries must be different states)")
        y0 = _year(rec["year_start"], "year_start", i, cid)
        y1 = _year(rec["year_end"], "year_end", i, cid)
        if y1 < y0:
            raise _row_error(i, cid, f"year_end {y1} is before year_start {y0}",
                             "year_end is the last year of the episode, inclusive")
        outcome = rec["outcome"].strip().lower()
        if outcome not in LABELS:
            raise _row_error(i, cid, f"unknown outcome label {rec['outcome']!r}",
                             "use one of " + ", ".join(LABELS))
        conf = rec["confidence"].strip().lower()
        if conf not in CONFIDENCES:
            raise _row_error(i, cid, f"unknown confidence {rec['confidence']!r}",
                             "use one of " + ", ".join(CONFIDENCES))
        who = rec["who_bandwagons_toward_whom"].strip()
        if who:
            _check_direction(who, outcome, sa, sb, i, cid)
        records.append({
            "row": i, "case_id": cid,
            "state_a": f"{sa.abb}/{sa.ccode}", "state_b": f"{sb.abb}/{sb.ccode}",
            "adversary": ";".join(f"{s.abb}/{s.ccode}" for s in advs),
            "year_start": y0, "year_end": y1, "outcome": outcome, "confidence": conf,
            "who_bandwagons_toward_whom": who, "source": rec["source"], "note": rec["note"],
            "ccode_a": sa.ccode, "ccode_b": sb.ccode,
            "adversaries": tuple(f"{s.abb}/{s.ccode}" for s in advs),
            "adversary_ccodes": tuple(s.ccode for s in advs),
        })
    out = pd.DataFrame.from_records(records)
    out[["row", "year_start", "year_end", "ccode_a", "ccode_b"]] = out[
        ["row", "year_start", "year_end", "ccode_a", "ccode_b"]].astype(np.int64)
    text = out[["case_id", "state_a", "state_b", "adversary", "year_start", "year_end",
                "outcome", "confidence"]].to_csv(index=False)
    out.attrs["source"] = source
    out.attrs["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _check_direction(who: str, outcome: str, sa: State, sb: State, row: int, cid: str) -> None:
    if outcome != "bandwagoning":
        raise _row_error(row, cid, f"who_bandwagons_toward_whom is set ({who!r}) on a "
                         f"{outcome} row", "leave it empty for every outcome but bandwagoning")
    parts = who.split("->")
    if len(parts) != 2:
        raise _row_error(row, cid, f"who_bandwagons_toward_whom {who!r} is not 'A->B'",
                         "e.g. BUL/355->GMY/255")
    ends = [_state(p, "who_bandwagons_toward_whom", row, cid).ccode for p in parts]
    if sorted(ends) != sorted([sa.ccode, sb.ccode]):
        raise _row_error(row, cid, f"who_bandwagons_toward_whom {who!r} does not name "
                         "state_a and state_b", "write state_a->state_b")


def case_keys(cases: pd.DataFrame) -> list[str]:
    """A key per case that identifies the episode (not its label): case_id, the partners, the
    adversaries and the start year. A parameter file records the keys it was fitted on."""
    return [f"{r.case_id}|{r.state_a}|{r.state_b}|{r.adversary}|{r.year_start}"
            for r in cases.itertuples(index=False)]


# --------------------------------------------------------------------------------------------
# Level features
# --------------------------------------------------------------------------------------------
def _major_in(ccodes: Sequence[int], year: int) -> bool:
    from realpolitik.data import loaders

    m = loaders.majors()
    for c in ccodes:
        rows = m[(m["ccode"] == c) & (m["styear"] <= year) & (m["endyear"] >= year)]
        if rows.empty:
            return False
    return True


def case_features(
    cases: pd.DataFrame,
    index: str = "cinc",
    *,
    options: ThreatOptions | Mapping[str, Any] | None = None,
    reference: ReferenceDistribution | None = None,
) -> pd.DataFrame:
    """Level features of each case at its start year (see the module docstring).

    Parameters
    ----------
    cases:
        A frame from :func:`read_cases` / :func:`parse_cases`.
    index:
        Power index of the gap and of the threat's power component (``cinc``, ``cline``,
        ``haushofer``).
    options, reference:
        Passed to :func:`~realpolitik.measures.threat.threat_for_cases` (threat options; a
        reference distribution to use instead of the default one, e.g. in a test).

    Returns
    -------
    DataFrame, one row per case in order: ``row, case_id, state_a, state_b, adversary,
    year_start, year_end, outcome, confidence, great_power, stronger, weaker`` (abbreviations,
    oriented by power at ``year_start``), ``power_stronger, power_weaker, g``,
    ``z_power, z_proximity, z_offense, z_intentions, ar_level`` (equal weights),
    ``threat_missing`` (components without data, comma-separated), ``threat_partial``
    (indicators missing inside available components) and ``reason`` (why the data cannot cover
    the case regardless of weights; empty if they can). ``attrs``: provenance, ``index``,
    ``source``, ``sha256``.
    """
    idx = _check_index(index)
    if not isinstance(cases, pd.DataFrame) or "adversary_ccodes" not in cases.columns:
        raise InputError("cases must come from read_cases() or parse_cases()",
                         "e.g. case_features(read_cases('dev'))")
    table, sidx = _power_table(idx, {})
    power = np.append(table["power"].to_numpy(float), np.nan)
    n = len(cases)
    ca = cases["ccode_a"].to_numpy(np.int64)
    cb = cases["ccode_b"].to_numpy(np.int64)
    year = cases["year_start"].to_numpy(np.int64)
    pa = power[sidx.rows(ca, year)]
    pb = power[sidx.rows(cb, year)]
    reasons: list[str] = []
    strong_first = np.ones(n, dtype=bool)
    g = np.full(n, np.nan)
    stronger: list[str] = []
    weaker: list[str] = []
    great: list[bool] = []
    adversaries: list[tuple[int, ...]] = [tuple(int(c) for c in t)
                                          for t in cases["adversary_ccodes"]]
    for i in range(n):
        y = int(year[i])
        states = [resolve_state(int(c)) for c in (ca[i], cb[i], *adversaries[i])]
        why = [f"{s.abb}/{s.ccode} was not a member of the state system in {y} (member "
               f"{s.membership()})" for s in states if not s.is_member(y)]
        sa, sb = states[0], states[1]
        for s, p in ((sa, pa[i]), (sb, pb[i])):
            if not (p > 0):
                why.append(f"no {idx} power value for {s.abb}/{s.ccode} in {y}")
        if not why:
            strong_first[i] = bool(pa[i] >= pb[i])
            g[i] = abs(math.log(pa[i] / pb[i]))
        first, second = (sa, sb) if strong_first[i] else (sb, sa)
        stronger.append(first.abb)
        weaker.append(second.abb)
        great.append(_major_in([sa.ccode, sb.ccode], y))
        reasons.append("; ".join(why))
    threat_rows = [
        (int(a), int(b), list(c), int(y)) if s else (int(b), int(a), list(c), int(y))
        for a, b, c, y, s in zip(ca, cb, adversaries, year, strong_first, strict=True)]
    th = threat_for_cases(threat_rows, None, idx, causal=True, options=options,
                          reference=reference)
    z = {f"z_{k}": th[f"z_{k}"].to_numpy(float) for k in COMPONENTS}
    miss = [", ".join(k for k in COMPONENTS if np.isnan(z[f"z_{k}"][i])) for i in range(n)]
    out = pd.DataFrame({
        "row": cases["row"].to_numpy(np.int64),
        "case_id": cases["case_id"].to_numpy(),
        "state_a": cases["state_a"].to_numpy(),
        "state_b": cases["state_b"].to_numpy(),
        "adversary": cases["adversary"].to_numpy(),
        "year_start": year,
        "year_end": cases["year_end"].to_numpy(np.int64),
        "outcome": cases["outcome"].to_numpy(),
        "confidence": cases["confidence"].to_numpy(),
        "great_power": np.array(great, dtype=bool),
        "stronger": stronger,
        "weaker": weaker,
        "power_stronger": np.where(strong_first, pa, pb),
        "power_weaker": np.where(strong_first, pb, pa),
        "g": g,
        **z,
        "ar_level": th["ar_level"].to_numpy(float),
        "threat_missing": miss,
        "threat_partial": th["partial"].to_numpy(),
        "reason": reasons,
    })
    out.attrs = {"provenance": dict(th.attrs.get("provenance", {}))}
    stamp(out, config={"backtest_features": {
        "index": idx, "causal": True, "source": cases.attrs.get("source"),
        "sha256": cases.attrs.get("sha256"), "n_cases": n}})
    out.attrs.update({"index": idx, "source": cases.attrs.get("source"),
                      "sha256": cases.attrs.get("sha256")})
    return out
