"""State identity: one resolver for every place a user names a state.

Accepted forms, case-insensitive: a COW code (``710`` or ``"710"``), a COW abbreviation
(``"CHN"``), an ISO 3166 alpha-3 or alpha-2 code (``"DEU"``, ``"DE"``), an English name from the
COW list (``"China"``), or an alias from ``data/tables/state_aliases.csv`` (``"PRC"``,
``"USSR"``). Where a COW abbreviation and an ISO-3 code collide (``AUS`` is Austria in COW and
Australia in ISO), the COW reading wins; write ``iso:AUS`` or ``cow:AUS`` to be explicit.

>>> from realpolitik.data.states import resolve_state
>>> resolve_state("prc").ccode, resolve_state(365).abb, resolve_state("United States").name
(710, 'RUS', 'United States of America')
>>> resolve_state("iso:AUS").abb
'AUL'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.bundle import table_path
from realpolitik.errors import InputError, StateYearError, UnknownStateError


@dataclass(frozen=True)
class State:
    """A state of the COW system.

    ``spells`` are (first year, last year) of membership, inclusive, with spells that reach the
    end of the COW list (2016) extended to :data:`realpolitik.data.loaders.SYSTEM_END_YEAR`.
    """

    ccode: int
    abb: str
    name: str
    iso3: str | None
    spells: tuple[tuple[int, int], ...]

    def is_member(self, year: int) -> bool:
        """Whether the state was a system member on at least one day of ``year``."""
        return any(a <= year <= b for a, b in self.spells)

    def membership(self) -> str:
        """Membership years as text, e.g. ``"1816–1945, 1990–2024"``."""
        return ", ".join(f"{a}–{b}" for a, b in self.spells)

    def __str__(self) -> str:
        return f"{self.abb} ({self.ccode}, {self.name})"


_DIGITS = re.compile(r"[0-9]+\Z")


def _norm(text: str) -> str:
    text = text.strip().lower().replace("&", "and")
    text = re.sub(r"[’'`]", "'", text)
    text = re.sub(r"[^a-z0-9' -]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class _Index:
    states: dict[int, State]
    cow_abb: dict[str, int]
    iso: dict[str, int]
    names: dict[str, int]


@cache
def _index() -> _Index:
    spells = loaders.states()
    iso = pd.DataFrame(columns=["iso3", "ccode", "iso2"])
    try:
        iso = loaders.crosswalk("iso3")
    except Exception:  # the crosswalk is optional for the resolver's core
        pass
    iso_rows: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in iso.to_dict("records")
    ]
    iso3_of = {int(r["ccode"]): str(r["iso3"]) for r in iso_rows if r["iso3"]}
    states: dict[int, State] = {}
    for ccode, grp in spells.groupby("ccode", sort=True):
        grp = grp.sort_values("start")
        last: dict[str, Any] = {str(k): v for k, v in grp.iloc[-1].to_dict().items()}
        code = int(str(ccode))
        states[code] = State(
            ccode=code,
            abb=str(last["stateabb"]),
            name=str(last["statenme"]),
            iso3=iso3_of.get(code),
            spells=tuple(zip(grp["styear"].astype(int).tolist(),
                             grp["endyear"].astype(int).tolist(), strict=True)),
        )
    cow_abb = {s.abb.upper(): c for c, s in states.items()}
    iso_map: dict[str, int] = {}
    for r in iso_rows:
        if r["iso3"]:
            iso_map[str(r["iso3"]).upper()] = int(r["ccode"])
        if r.get("iso2"):
            iso_map[str(r["iso2"]).upper()] = int(r["ccode"])
    names = {_norm(s.name): c for c, s in states.items()}
    aliases = pd.read_csv(table_path("state_aliases.csv"), dtype=str, keep_default_na=False)
    for alias, code in zip(aliases["alias"].tolist(), aliases["ccode"].tolist(), strict=True):
        names.setdefault(_norm(str(alias)), int(code))
    return _Index(states, cow_abb, iso_map, names)


def all_states() -> list[State]:
    """Every state of the COW list, ordered by COW code."""
    return list(_index().states.values())


def _suggest(query: str) -> list[str]:
    idx = _index()
    q = _norm(query)
    keys = {**{k.lower(): v for k, v in idx.cow_abb.items()}, **idx.names}
    close = difflib.get_close_matches(q, list(keys), n=8, cutoff=0.6)
    seen: list[str] = []
    for k in close:
        s = str(idx.states[keys[k]])
        if s not in seen:
            seen.append(s)
    return seen[:4]


def resolve_state(query: str | int | np.integer | State, year: int | None = None) -> State:
    """Resolve a user's name or code of a state to a :class:`State`.

    Parameters
    ----------
    query:
        COW code, COW abbreviation, ISO-3/ISO-2 code, English name or alias (case-insensitive);
        prefix ``cow:`` or ``iso:`` to force one reading.
    year:
        If given, the state must be a system member on some day of that year.

    Raises
    ------
    UnknownStateError
        No state matches; the message lists the closest matches.
    StateYearError
        The state exists but was not a member in ``year``; the message gives its membership.
    """
    if isinstance(query, State):
        state = query
    else:
        state = _lookup(query)
    if year is not None and not state.is_member(int(year)):
        raise StateYearError(
            f"{state} was not a member of the state system in {year}",
            f"its years of membership are {state.membership()}",
        )
    return state


def _lookup(query: str | int | np.integer) -> State:
    idx = _index()
    if isinstance(query, (bool, np.bool_)):
        raise UnknownStateError(query, [])
    if isinstance(query, (int, np.integer)):
        if int(query) in idx.states:
            return idx.states[int(query)]
        raise UnknownStateError(query, [])
    if not isinstance(query, str):
        raise InputError(f"a state must be a name or a COW code, not {type(query).__name__}")
    text = query.strip()
    if not text:
        raise UnknownStateError(query, [])
    lower = text.lower()
    if lower.startswith(("cow:", "iso:")):
        scheme, code = lower[:3], text[4:].strip().upper()
        table = idx.cow_abb if scheme == "cow" else idx.iso
        if _DIGITS.match(code) and scheme == "cow":
            return _lookup(int(code))
        if code in table:
            return idx.states[table[code]]
        raise UnknownStateError(query, _suggest(code))
    if _DIGITS.match(text):
        return _lookup(int(text))
    up = text.upper()
    if up in idx.cow_abb:
        return idx.states[idx.cow_abb[up]]
    if up in idx.iso:
        return idx.states[idx.iso[up]]
    key = _norm(text)
    if key in idx.names:
        return idx.states[idx.names[key]]
    raise UnknownStateError(query, _suggest(text))


def resolve_states(queries: Iterable[str | int | State], year: int | None = None) -> list[State]:
    """Resolve several states; duplicates (the same state named twice) are an error."""
    out = [resolve_state(q, year) for q in queries]
    codes = [s.ccode for s in out]
    if len(set(codes)) != len(codes):
        dup = next(s for s in out if codes.count(s.ccode) > 1)
        raise InputError(f"{dup} is named more than once", "name each state once")
    return out


def ccodes(queries: Sequence[str | int | State] | str | int | State | None) -> list[int] | None:
    """COW codes of one or several states (``None`` passes through, meaning "all")."""
    if queries is None:
        return None
    if isinstance(queries, (str, int, State)):
        queries = [queries]
    return [resolve_state(q).ccode for q in queries]
