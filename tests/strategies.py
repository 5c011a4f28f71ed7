"""Hypothesis strategies for the realpolitik test suite, in one module (as Axelrod's
``axelrod/tests/property.py``), plus the small oracles they are built from.

The oracles are read straight from the package's data files (the COW v2016 state list in the
bundle, ``crosswalks/iso3_ccode.csv``, ``tables/state_aliases.csv``) with the rules the
documentation states, not through :mod:`realpolitik.data.states`, so the resolver is checked
against an independent reading of the same sources:

* a state's membership years are its COW spells, a spell ending on 2016-12-31 (the end of the
  COW list) running on to 2024 (``SYSTEM_END_YEAR``);
* where a COW abbreviation and an ISO code collide (``AUS``: Austria in COW, Australia in ISO),
  the bare code is COW's; ``iso:`` forces the ISO reading.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

import realpolitik.data
from realpolitik.data.bundle import read_bundled

#: First and last year of the state system as the package models it (COW v2016 extended).
FIRST_YEAR = 1816
LAST_YEAR = 2024
LIST_END_YEAR = 2016

DATA_DIR = Path(realpolitik.data.__file__).parent
CROSSWALK_DIR = DATA_DIR / "crosswalks"


def crosswalk_available(name: str) -> bool:
    """Whether ``crosswalks/{name}_ccode.csv`` exists (another engineer is writing them)."""
    return (CROSSWALK_DIR / f"{name}_ccode.csv").exists()


@dataclass(frozen=True)
class StateRecord:
    """One COW state as the oracle reads it."""

    ccode: int
    abb: str
    name: str
    spells: tuple[tuple[int, int], ...]
    iso3: str | None = None
    iso2: str | None = None
    aliases: tuple[str, ...] = ()

    def is_member(self, year: int) -> bool:
        return any(a <= year <= b for a, b in self.spells)

    def spell_texts(self) -> list[str]:
        """Membership spells as the error messages quote them (``"1816–1945"``)."""
        return [f"{a}–{b}" for a, b in self.spells]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def state_records() -> tuple[StateRecord, ...]:
    """Every state of the COW v2016 list, by code, with ISO codes and aliases attached."""
    raw = read_bundled("states")
    spells: dict[int, list[tuple[int, int]]] = {}
    meta: dict[int, tuple[str, str]] = {}
    for row in raw.sort_values(["ccode", "styear"]).itertuples():
        end = int(row.endyear)
        if (end, int(row.endmonth), int(row.endday)) == (LIST_END_YEAR, 12, 31):
            end = LAST_YEAR
        spells.setdefault(int(row.ccode), []).append((int(row.styear), end))
        meta[int(row.ccode)] = (str(row.stateabb), str(row.statenme))
    iso: dict[int, tuple[str, str]] = {}
    if crosswalk_available("iso3"):
        for r in _read_csv(CROSSWALK_DIR / "iso3_ccode.csv"):
            iso[int(r["ccode"])] = (r["iso3"].strip(), r.get("iso2", "").strip())
    aliases: dict[int, list[str]] = {}
    for r in _read_csv(DATA_DIR / "tables" / "state_aliases.csv"):
        aliases.setdefault(int(r["ccode"]), []).append(r["alias"])
    out = []
    for code in sorted(spells):
        iso3, iso2 = iso.get(code, ("", ""))
        out.append(StateRecord(code, meta[code][0], meta[code][1], tuple(spells[code]),
                               iso3 or None, iso2 or None, tuple(aliases.get(code, ()))))
    return tuple(out)


@cache
def records_by_code() -> dict[int, StateRecord]:
    return {r.ccode: r for r in state_records()}


@cache
def cow_abbreviations() -> dict[str, int]:
    return {r.abb.upper(): r.ccode for r in state_records()}


@cache
def iso_codes() -> dict[str, int]:
    out: dict[str, int] = {}
    for r in state_records():
        for code in (r.iso3, r.iso2):
            if code:
                out[code.upper()] = r.ccode
    return out


def skeleton(text: str) -> str:
    """Letters and digits only, lower case: two forms with different skeletons can't be confused
    by any normalisation that only drops case, spacing and punctuation."""
    return re.sub(r"[^a-z0-9]", "", text.strip().lower().replace("&", "and"))


@cache
def known_skeletons() -> frozenset[str]:
    keys: set[str] = set()
    for r in state_records():
        for form in (r.abb, r.name, str(r.ccode), r.iso3 or "", r.iso2 or "", *r.aliases):
            if form:
                keys.add(skeleton(form))
    return frozenset(keys)


def looks_like_state(text: str) -> bool:
    """Conservative oracle: True if ``text`` might name a state in some accepted form.

    Anything with a digit (codes, including non-ASCII digits) or a ``cow:``/``iso:`` prefix counts
    as state-like; those inputs are tested by explicit examples instead.
    """
    t = text.strip()
    if t.lower().startswith(("cow:", "iso:")) or any(ch.isdigit() for ch in t):
        return True
    up = t.upper()
    if up in cow_abbreviations() or up in iso_codes():
        return True
    return skeleton(t) in known_skeletons()


# ------------------------------------------------------------------------------------------
# strategies: states
# ------------------------------------------------------------------------------------------
def states() -> st.SearchStrategy[StateRecord]:
    """A state of the COW list."""
    return st.sampled_from(state_records())


@st.composite
def random_case(draw: st.DrawFn, text: str) -> str:
    """``text`` with each letter's case flipped at random."""
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if f else c for c, f in zip(text, flips, strict=True))


def padding() -> st.SearchStrategy[str]:
    return st.sampled_from(["", " ", "  ", "\t", " \n"])


def query_forms(rec: StateRecord) -> list[tuple[str, str | int]]:
    """(form, query) pairs that must resolve to ``rec``, by the documented rules."""
    abbs, names = cow_abbreviations(), {skeleton(r.name): r.ccode for r in state_records()}
    forms: list[tuple[str, str | int]] = [
        ("code_int", rec.ccode),
        ("code_str", str(rec.ccode)),
        ("cow_code", f"cow:{rec.ccode}"),
        ("abb", rec.abb),
        ("cow_abb", f"cow:{rec.abb}"),
    ]
    if rec.name.upper() not in abbs and rec.name.upper() not in iso_codes():
        forms.append(("name", rec.name))
    for iso, label in ((rec.iso3, "iso3"), (rec.iso2, "iso2")):
        if not iso:
            continue
        forms.append((f"iso:{label}", f"iso:{iso}"))
        # a bare ISO code is read as COW's abbreviation first (AUS is Austria)
        if abbs.get(iso.upper(), rec.ccode) == rec.ccode:
            forms.append((label, iso))
    for alias in rec.aliases:
        up = alias.upper()
        clash = (abbs.get(up, rec.ccode) != rec.ccode or iso_codes().get(up, rec.ccode)
                 != rec.ccode or names.get(skeleton(alias), rec.ccode) != rec.ccode)
        if not clash:
            forms.append(("alias", alias))
    return forms


@st.composite
def state_queries(draw: st.DrawFn, rec: StateRecord | None = None) -> tuple[str | int, int]:
    """A valid query in any accepted form and the COW code it must resolve to.

    Text forms get random letter case and surrounding whitespace (the resolver is documented as
    case-insensitive); ``cow:``/``iso:`` prefixes are cased at random too.
    """
    rec = rec if rec is not None else draw(states())
    _, query = draw(st.sampled_from(query_forms(rec)))
    if isinstance(query, str):
        query = draw(padding()) + draw(random_case(query)) + draw(padding())
    return query, rec.ccode


# ------------------------------------------------------------------------------------------
# strategies: years
# ------------------------------------------------------------------------------------------
def years_in_coverage() -> st.SearchStrategy[int]:
    return st.integers(FIRST_YEAR, LAST_YEAR)


def years_outside_coverage() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1000, FIRST_YEAR - 1), st.integers(LAST_YEAR + 1, 3000))


def any_years() -> st.SearchStrategy[int]:
    """Years inside and around the coverage (for membership checks)."""
    return st.integers(1700, 2100)


@st.composite
def year_ranges(
    draw: st.DrawFn, lo: int = FIRST_YEAR, hi: int = LAST_YEAR, max_width: int | None = None
) -> tuple[int, int]:
    """(first, last) with ``lo <= first <= last <= hi`` and at most ``max_width`` years wide."""
    a = draw(st.integers(lo, hi))
    top = hi if max_width is None else min(hi, a + max_width - 1)
    return a, draw(st.integers(a, top))


@st.composite
def year_ranges_outside(draw: st.DrawFn) -> tuple[int, int]:
    """(first, last), first <= last, entirely before or entirely after the coverage."""
    if draw(st.booleans()):
        return draw(year_ranges(1000, FIRST_YEAR - 1))
    return draw(year_ranges(LAST_YEAR + 1, 3000))


@st.composite
def year_ranges_straddling(draw: st.DrawFn) -> tuple[int, int]:
    """(first, last) overlapping the coverage but reaching outside it on at least one side."""
    a = draw(st.integers(1700, LAST_YEAR))
    b = draw(st.integers(max(a, FIRST_YEAR), 2100))
    if a >= FIRST_YEAR and b <= LAST_YEAR:
        b = LAST_YEAR + 1 + (b % 50)
    return a, b


@st.composite
def reversed_year_ranges(draw: st.DrawFn) -> tuple[int, int]:
    a, b = draw(year_ranges(1700, 2100))
    if a == b:
        b += 1
    return b, a


# ------------------------------------------------------------------------------------------
# strategies: junk
# ------------------------------------------------------------------------------------------
#: Hand-picked strings that name no state (checked by ``looks_like_state`` or by hand).
CURATED_JUNK: tuple[str, ...] = (
    "", " ", "\t\n", "Atlantis", "xyzzy", "Chinaa", "Untied Kingdom", "Soviet Onion",
    "cow:", "iso:", "cow:XYZ", "iso:ZZZ", "cow:Atlantis", "iso:", "-", "'", "&", "???",
    "Republic of", "the", "NAN", "null", "None",
)


@st.composite
def misspelt_names(draw: st.DrawFn) -> str:
    """A state name with letters inserted: close to real names, so suggestions are made."""
    rec = draw(states())
    name = rec.name
    pos = draw(st.integers(0, len(name)))
    extra = draw(st.text(alphabet="qxzj", min_size=2, max_size=3))
    return name[:pos] + extra + name[pos:]


def junk_strings() -> st.SearchStrategy[str]:
    """Strings that name no state: curated ones, near misses of real names, random text."""
    return st.one_of(
        st.sampled_from(CURATED_JUNK),
        misspelt_names(),
        st.text(max_size=24),
        st.text(alphabet=st.characters(codec="ascii"), max_size=12),
    ).filter(lambda s: not looks_like_state(s) or s in CURATED_JUNK)


# ------------------------------------------------------------------------------------------
# strategies: the alignment plane (realpolitik.models.plane)
# ------------------------------------------------------------------------------------------
def plane_coordinates(extremes: bool = True) -> st.SearchStrategy[float]:
    """An Rg or Ar value: mostly in the plane's interesting range, with boundary-hugging
    values and (if ``extremes``) huge, tiny and infinite floats."""
    parts = [st.floats(-3.0, 3.0, allow_nan=False),
             st.sampled_from([0.0, -0.0, 0.25, 0.6, 0.8, 0.4, -0.3, 0.295])]
    if extremes:
        parts.append(st.floats(allow_nan=False, allow_infinity=True))
    return st.one_of(*parts)


def plane_points(extremes: bool = True) -> st.SearchStrategy[tuple[float, float]]:
    """A point (Rg, Ar) of the alignment plane."""
    return st.tuples(plane_coordinates(extremes), plane_coordinates(extremes))


@st.composite
def region_map_dicts(draw: st.DrawFn) -> dict[str, object]:
    """Keyword arguments of a valid region map (every constraint of RegionMap satisfied)."""
    a_s = draw(st.floats(0.01, 1.0))
    a_h = a_s + draw(st.floats(0.02, 1.0))
    a_c = a_h + draw(st.floats(0.0, 1.0))
    r_b0 = draw(st.floats(-0.5, 1.0))
    return {
        "kind": draw(st.sampled_from(["ordered-rules", "quadrant"])),
        "a_S": a_s, "a_H": a_h, "a_C": a_c, "r_B0": r_b0,
        "beta": draw(st.floats(0.0, 1.0)),
        "r_P": draw(st.floats(-1.0, -0.01)),
        "r_C": r_b0 - draw(st.floats(0.0, 1.0)),
        "hysteresis": draw(st.floats(0.0, 0.3)),
        "front_asymmetry": draw(st.booleans()),
        "front_gap": draw(st.floats(0.0, 1.0)),
        "offense_shift": draw(st.floats(-0.5, (a_h - a_s) * 0.9)),
        "temperature": draw(st.floats(0.005, 0.5)),
    }
