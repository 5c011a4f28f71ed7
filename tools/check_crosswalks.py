"""Check the hand-made crosswalk tables in ``src/realpolitik/data/crosswalks/`` against the data.

Run from the repository root, with the shared data folder beside it::

    python tools/check_crosswalks.py [--shared ../shared/data]

Four tables map a source's own identifiers to Correlates of War (COW) state codes (``ccode``):

* ``sipri_ccode.csv``     SIPRI country name        -> ccode, per inclusive year range
* ``maddison_ccode.csv``  Maddison 2023 ISO-3 code  -> ccode, per inclusive year range
* ``unvotes_ccode.csv``   un_votes (country, ISO-2) -> ccode, per inclusive year range
* ``iso3_ccode.csv``      ISO 3166 alpha-3/alpha-2  <-> ccode (one row per ccode, no years)

What is proved (any failure makes the script exit with status 1):

* each CSV has exactly the expected columns, integer codes and years, first_year <= last_year;
* every ccode exists in COW states2016;
* within a crosswalk, no two rows of the same ccode overlap in years (unless listed in
  ``ALLOWED_OVERLAPS`` with a note that says why), and no identifier-year maps to two ccodes;
* every source identifier that has data is covered, year by year, or is listed here as
  deliberately unmapped (``*_UNMAPPED*``) with the reason;
* the Maddison ranges stay inside COW membership years (1816 at the earliest);
* the special cases spelled out in the brief (USSR/Russia, the two Germanies, the Yemens,
  Yugoslavia/Serbia, China's UN seat, ...) are mapped as intended, and the dates that their
  notes rely on are true in the data;
* the ISO table is one-to-one and agrees with the ISO codes used by the ideal-point file and
  un_votes, except for the differences listed (and explained) here.

Source years that are covered but fall outside the mapped state's COW membership are
information, not errors: they are counted and printed.

COW membership: a state is a member in every calendar year that one of its spells touches;
spells that end on 2016-12-31 (the end of states2016) are treated as continuing to 2024.

Crosswalk CSVs must be read with ``keep_default_na=False``: Namibia's ISO-2 code is ``NA``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
XW = ROOT / "src" / "realpolitik" / "data" / "crosswalks"
LAST_COW_YEAR = 2024  # spells ending 2016-12-31 are treated as continuing to here

COLUMNS = {
    "sipri_ccode.csv": ["sipri_name", "ccode", "first_year", "last_year", "note"],
    "maddison_ccode.csv": ["iso3", "ccode", "first_year", "last_year", "note"],
    "iso3_ccode.csv": ["iso3", "ccode", "iso2", "name"],
    "unvotes_ccode.csv": ["country", "country_code", "ccode", "first_year", "last_year", "note"],
}

# ---------------------------------------------------------------------------------------------
# Deliberately unmapped identifiers / years, with the reason
# ---------------------------------------------------------------------------------------------

SIPRI_UNMAPPED_NAMES = {
    "European Union": "not a state; SIPRI lists EU-level spending (2022-2023) separately",
}
# (name, first_year, last_year) -> reason
SIPRI_UNMAPPED_YEARS = {
    ("Russia", 1987, 1990): (
        "SIPRI's 'Russia' row repeats the USSR's local-currency totals (in post-1998 roubles) "
        "with current US$ = 0.0; the USSR row (365) already covers these years"
    ),
}

MADDISON_UNMAPPED_ISO = {
    "HKG": "Hong Kong SAR: part of China, not a COW state",
    "PRI": "Puerto Rico: US territory, not a COW state",
    "PSE": "State of Palestine: no COW state code",
}
# (iso3, first_year, last_year) -> reason; years in COW membership of a ccode the code maps to,
# but left unmapped on purpose
MADDISON_UNMAPPED_YEARS = {
    ("RUS", 1816, 1991): (
        "RUS back-casts present Russian territory; COW 365 was the USSR / Russian Empire "
        "then (SUN is mapped)"
    ),
    ("SUN", 1992, 2022): "aggregate of the former USSR after its breakup; RUS is 365's series",
    ("YUG", 1992, 2022): "aggregate of former Yugoslavia after its breakup; SRB is 345's series",
    ("DEU", 1816, 1870): "all German lands back-cast; COW 255 is Prussia alone before 1871",
    ("ITA", 1816, 1860): "all of Italy back-cast; COW 325 is Sardinia-Piedmont alone before 1861",
    ("YUG", 1878, 1917): "all of Yugoslavia back-cast; COW 345 is Serbia alone before 1918",
    ("SRB", 1816, 1991): "Serbia back-cast; COW 345 was all of Yugoslavia then (YUG is mapped)",
}

# (crosswalk file, ccode, identifier A, identifier B) -> why the overlap is fine. None today.
ALLOWED_OVERLAPS: dict[tuple[str, int, str, str], str] = {}

# ISO table: ccodes of COW states that continue to 2016-12-31 but have no ISO code. None today.
ISO_NO_CODE: dict[int, str] = {}
# Codes that are not official ISO 3166-1 but are used for the state anyway.
ISO_USER_ASSIGNED = {
    347: "Kosovo has no official ISO 3166-1 code; XKX/XK are the user-assigned codes in wide use",
}
# Ideal-point (ccode, iso3c) pairs that the ISO table does not follow, and why.
IDEAL_EXCEPTIONS = {
    (260, "DEU"): "DEU belongs to united Germany (255) in the alias table; FRG has no own code",
    (265, "DDR"): "DDR is a withdrawn ISO 3166 code (ISO 3166-3), not a modern one",
    (315, "CSK"): "CSK is a withdrawn ISO 3166 code; its modern successors are CZE/SVK",
    (345, "YUG"): "YUG is withdrawn; COW 345 continues as Serbia, modern code SRB",
    (678, "YAR"): "YAR is not an ISO code (North Yemen's was YEM/YE, now unified Yemen's, 679)",
    (680, "YAR"): "the ideal-point file also labels South Yemen 'YAR' (not an ISO code; "
    "South Yemen's withdrawn code was YMD/YD); 680 has no modern code",
}
# Table codes that differ from the ideal-point file for the same ccode (ccode -> table iso3).
TABLE_NOT_IN_IDEAL = {345: "SRB"}  # the ideal points use the withdrawn YUG for 345
# un_votes ISO-2 codes that are not in the alias table, and why.
UNVOTES_ISO2_NOT_IN_TABLE = {
    "CS": "withdrawn code of Czechoslovakia (315)",
    "DD": "withdrawn code of the German Democratic Republic (265)",
    "YD": "withdrawn code of the Yemen People's Republic (680)",
    "YU": "withdrawn code of Yugoslavia (345, modern code RS)",
}
# (un_votes ISO-2, ccode) pairs that differ from the alias table on purpose.
UNVOTES_ISO2_EXCEPTIONS = {
    ("TW", 710): "China's seat 1946-1949 was held by the ROC government, COW 710; TW is 713",
}


class Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []

    def check(self, ok: object, msg: str) -> bool:
        if not ok:
            self.errors.append(msg)
        return bool(ok)

    def info(self, msg: str) -> None:
        self.infos.append(msg)


def tuples(df: pd.DataFrame, index: bool = True) -> list[Any]:
    """``df.itertuples()`` as a list of untyped rows (keeps the type checker quiet)."""
    return list(df.itertuples(index=index))


def fmt_runs(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    out: list[list[int]] = []
    for y in ys:
        if out and y == out[-1][1] + 1:
            out[-1][1] = y
        else:
            out.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


# ---------------------------------------------------------------------------------------------
# COW states
# ---------------------------------------------------------------------------------------------


class States:
    def __init__(self, path: Path) -> None:
        st = pd.read_csv(path)
        cont = (st.endyear == 2016) & (st.endmonth == 12) & (st.endday == 31)
        st["end_eff"] = st.endyear.where(~cont, LAST_COW_YEAR)
        self.table = st
        first = st.drop_duplicates("ccode")
        self.names: dict[int, str] = {
            int(k): str(v) for k, v in zip(first.ccode, first.statenme, strict=True)
        }
        self.years: dict[int, set[int]] = defaultdict(set)
        for r in tuples(st):
            self.years[int(r.ccode)] |= set(range(int(r.styear), int(r.end_eff) + 1))
        self.continuing = {int(c) for c in st.loc[cont, "ccode"]}

    def member(self, ccode: int) -> set[int]:
        return self.years.get(ccode, set())


# ---------------------------------------------------------------------------------------------
# Generic checks
# ---------------------------------------------------------------------------------------------


def load_crosswalk(ck: Checker, fname: str, states: States) -> pd.DataFrame:
    path = XW / fname
    if not ck.check(path.exists(), f"{fname}: missing"):
        return pd.DataFrame(columns=COLUMNS[fname])
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if not ck.check(list(df.columns) == COLUMNS[fname], f"{fname}: columns {list(df.columns)}"):
        return pd.DataFrame(columns=COLUMNS[fname])
    ck.check(not df.empty, f"{fname}: no rows")
    int_cols = [c for c in ("ccode", "first_year", "last_year") if c in df.columns]
    for c in int_cols:
        bad = df[~df[c].str.fullmatch(r"-?\d+")]
        if ck.check(bad.empty, f"{fname}: non-integer {c} in rows {bad.index.tolist()}"):
            df[c] = df[c].astype(int)
    if not all(pd.api.types.is_integer_dtype(df[c]) for c in int_cols):
        return df
    unknown = sorted(set(df.ccode) - set(states.names))
    ck.check(not unknown, f"{fname}: ccodes not in states2016: {unknown}")
    if "first_year" in df.columns:
        bad = df[df.first_year > df.last_year]
        ck.check(bad.empty, f"{fname}: first_year > last_year in rows {bad.index.tolist()}")
    ck.check(not df.duplicated().any(), f"{fname}: duplicate rows")
    return df


def check_ranges(ck: Checker, fname: str, df: pd.DataFrame, key: list[str]) -> None:
    """No overlap for one ccode across rows, and no identifier-year mapped twice."""

    def ident(r: pd.Series) -> str:
        return "/".join(str(r[k]) for k in key)

    for ccode, g in df.groupby("ccode"):
        g = g.sort_values(["first_year", "last_year"])
        rows = list(g.iterrows())
        for i, (_, a) in enumerate(rows):
            for _, b in rows[i + 1 :]:
                if b.first_year > a.last_year:
                    break
                ia, ib = ident(a), ident(b)
                allowed = (fname, int(str(ccode)), ia, ib) in ALLOWED_OVERLAPS or (
                    fname,
                    int(str(ccode)),
                    ib,
                    ia,
                ) in ALLOWED_OVERLAPS
                noted = "overlap" in (a.note + b.note).lower()
                ck.check(
                    allowed and noted,
                    f"{fname}: ccode {ccode} overlaps: {ia} {a.first_year}-{a.last_year} "
                    f"and {ib} {b.first_year}-{b.last_year}",
                )
    for k, g in df.groupby(key):
        g = g.sort_values("first_year")
        prev = None
        for _, r in g.iterrows():
            if prev is not None:
                ck.check(
                    r.first_year > prev.last_year,
                    f"{fname}: {k} has overlapping rows {prev.first_year}-{prev.last_year} "
                    f"and {r.first_year}-{r.last_year}",
                )
            prev = r


def covering(df: pd.DataFrame, keycols: list[str]) -> dict[tuple, dict[int, int]]:
    """(identifier...) -> {year: ccode} from the crosswalk rows."""
    out: dict[tuple, dict[int, int]] = defaultdict(dict)
    for r in tuples(df, index=False):
        k = tuple(getattr(r, c) for c in keycols)
        for y in range(r.first_year, r.last_year + 1):
            out[k][y] = r.ccode
    return out


def one_row(df: pd.DataFrame, **kw: object) -> pd.DataFrame:
    m = pd.Series(True, index=df.index)
    for k, v in kw.items():
        m &= df[k] == v
    return df[m]


# ---------------------------------------------------------------------------------------------
# SIPRI
# ---------------------------------------------------------------------------------------------


def check_sipri(ck: Checker, shared: Path, states: States) -> dict[str, object]:
    fname = "sipri_ccode.csv"
    xw = load_crosswalk(ck, fname, states)
    if xw.empty:
        return {}
    check_ranges(ck, fname, xw, ["sipri_name"])
    d = pd.read_csv(shared / "milex" / "sipri_milex_1949_2023_long.csv")
    vcols = [c for c in d.columns if c not in ("country", "year") and not c.endswith("_flag")]
    ck.check(len(vcols) == 6, f"SIPRI: expected 6 value columns, got {vcols}")
    # "has data": some value column is present. Zeros count: Costa Rica and Iceland report 0.0
    # (no armed forces); the 0.0 artifacts of the current-US$ sheet sit next to real values.
    has = d[vcols].notna().any(axis=1)
    data_years = d[has].groupby("country").year.apply(set).to_dict()
    names = set(d.country)
    ck.check(len(names) == 174, f"SIPRI: expected 174 names, got {len(names)}")
    mapped = set(xw.sipri_name)
    ck.check(not (mapped - names), f"SIPRI: crosswalk names not in data: {mapped - names}")
    ck.check(
        not (mapped & set(SIPRI_UNMAPPED_NAMES)),
        f"SIPRI: names both mapped and unmapped: {mapped & set(SIPRI_UNMAPPED_NAMES)}",
    )
    missing = names - mapped - set(SIPRI_UNMAPPED_NAMES)
    ck.check(not missing, f"SIPRI: names neither mapped nor listed as unmapped: {missing}")
    ck.check(
        xw.first_year.min() >= 1949 and xw.last_year.max() <= 2023, "SIPRI: years outside 1949-2023"
    )

    cov = covering(xw, ["sipri_name"])
    unm: dict[str, set[int]] = defaultdict(set)
    for (n, a, b), _why in SIPRI_UNMAPPED_YEARS.items():
        unm[n] |= set(range(a, b + 1))
    outside: dict[str, set[int]] = {}
    for n in sorted(mapped):
        ys = data_years.get(n, set())
        cy = cov[(n,)]
        not_cov = ys - set(cy) - unm[n]
        ck.check(not not_cov, f"SIPRI: {n!r} data years not covered: {fmt_runs(not_cov)}")
        both = unm[n] & set(cy)
        ck.check(not both, f"SIPRI: {n!r} years both mapped and unmapped: {fmt_runs(both)}")
        ck.check(not (unm[n] - ys), f"SIPRI: {n!r} unmapped years without data")
        out = {y for y in ys if y in cy and y not in states.member(cy[y])}
        if out:
            outside[n] = out
    for r in tuples(xw):
        ys = {y for y in data_years.get(r.sipri_name, set()) if r.first_year <= y <= r.last_year}
        ck.check(bool(ys), f"SIPRI: row {r.sipri_name} {r.first_year}-{r.last_year} has no data")
    for n in SIPRI_UNMAPPED_NAMES:
        ck.check(n in names, f"SIPRI: unmapped name {n!r} not in data")

    # special cases from the brief
    def rows(name: str) -> list[tuple[int, int, int]]:
        g = one_row(xw, sipri_name=name).sort_values("first_year")
        return [(r.ccode, r.first_year, r.last_year) for r in tuples(g)]

    def note(name: str, ccode: int) -> str:
        return " ".join(one_row(xw, sipri_name=name, ccode=ccode).note)

    ck.check(
        all(c == 365 and b <= 1991 for c, _, b in rows("USSR")) and rows("USSR")[-1][2] == 1991,
        f"SIPRI: USSR must be 365 up to 1991: {rows('USSR')}",
    )
    ck.check(rows("Russia") == [(365, 1992, 2023)], f"SIPRI: Russia: {rows('Russia')}")
    ger = rows("Germany")
    ck.check(
        len(ger) == 2 and ger[0][0] == 260 and ger[0][2] == 1989 and ger[1][:2] == (255, 1990),
        f"SIPRI: Germany must be 260 up to 1989 and 255 from 1990: {ger}",
    )
    ck.check("1990" in note("Germany", 255), "SIPRI: Germany 255 note must explain 1990")
    ck.check({c for c, _, _ in rows("German Democratic Republic")} == {265}, "SIPRI: GDR != 265")
    ck.check({c for c, _, _ in rows("Yemen, North")} == {678}, "SIPRI: Yemen, North != 678")
    ck.check(rows("Yemen")[0][:2] == (679, 1990), f"SIPRI: Yemen: {rows('Yemen')}")
    ck.check(
        min(data_years["Yemen"]) >= 1990 and "680" in note("Yemen", 679),
        "SIPRI: Yemen has data before 1990 (South Yemen, 680?) or the note does not say so",
    )
    ck.check({c for c, _, _ in rows("Yugoslavia")} == {345}, "SIPRI: Yugoslavia != 345")
    ck.check(
        {c for c, _, _ in rows("Serbia")} == {345}
        and any(a == 2006 for _, a, _ in rows("Serbia"))
        and "345" in note("Serbia", 345),
        f"SIPRI: Serbia must be 345 with a row from 2006 and a note: {rows('Serbia')}",
    )
    for name, c in [
        ("Czechoslovakia", 315),
        ("Czechia", 316),
        ("Viet Nam", 816),
        ("Taiwan", 713),
        ("Kosovo", 347),
        ("China", 710),
        ("United States of America", 2),
    ]:
        ck.check({x for x, _, _ in rows(name)} == {c}, f"SIPRI: {name} must map to {c}")

    n_out = sum(len(v) for v in outside.values())
    for n, ys in sorted(outside.items()):
        ck.info(f"  SIPRI {n}: {len(ys)} data year(s) outside COW membership: {fmt_runs(ys)}")
    n_data = sum(len(v) for k, v in data_years.items() if k in mapped)
    unm_years = sum(len(v & data_years.get(k, set())) for k, v in unm.items())
    return {
        "rows": len(xw),
        "names mapped": len(mapped),
        "names unmapped": len(SIPRI_UNMAPPED_NAMES),
        "name-years with data (mapped names)": n_data,
        "name-years deliberately unmapped": unm_years,
        "name-years outside COW membership (info)": f"{n_out} in {len(outside)} names",
    }


# ---------------------------------------------------------------------------------------------
# Maddison
# ---------------------------------------------------------------------------------------------


def check_maddison(ck: Checker, shared: Path, states: States) -> dict[str, object]:
    fname = "maddison_ccode.csv"
    xw = load_crosswalk(ck, fname, states)
    if xw.empty:
        return {}
    check_ranges(ck, fname, xw, ["iso3"])
    countries = pd.read_csv(shared / "gdp" / "mpd2023_MaddisonCountries.csv")
    d = pd.read_csv(shared / "gdp" / "mpd2023_MaddisonData.csv")
    d = d[(d["gdppc"].notna() | d["pop"].notna()) & (d.year >= 1816)]
    data_years = d.groupby("ISO").year.apply(set).to_dict()
    isos = set(countries.ISO)
    ck.check(len(isos) == 169, f"Maddison: expected 169 ISO codes, got {len(isos)}")
    mapped = set(xw.iso3)
    ck.check(not (mapped - isos), f"Maddison: crosswalk codes not in data: {mapped - isos}")
    missing = {i for i in isos if i in data_years} - mapped - set(MADDISON_UNMAPPED_ISO)
    ck.check(not missing, f"Maddison: codes with data neither mapped nor unmapped: {missing}")
    ck.check(not (mapped & set(MADDISON_UNMAPPED_ISO)), "Maddison: codes both mapped and unmapped")
    ck.check(xw.first_year.min() >= 1816, "Maddison: a row starts before 1816")
    ck.check(xw.last_year.max() <= int(d.year.max()), "Maddison: a row ends after the data")

    # ranges restricted to COW membership
    for r in tuples(xw):
        span = set(range(r.first_year, r.last_year + 1))
        out = span - states.member(r.ccode)
        ck.check(
            not out,
            f"Maddison: {r.iso3}->{r.ccode} {r.first_year}-{r.last_year} outside COW "
            f"membership: {fmt_runs(out)}",
        )
        ys = {y for y in data_years.get(r.iso3, set()) if r.first_year <= y <= r.last_year}
        ck.check(bool(ys), f"Maddison: row {r.iso3} {r.first_year}-{r.last_year} has no data")

    # coverage: an uncovered data year must be outside the membership of every ccode the code
    # maps to, or be listed as deliberately unmapped
    cov = covering(xw, ["iso3"])
    unm: dict[str, set[int]] = defaultdict(set)
    for (i, a, b), _why in MADDISON_UNMAPPED_YEARS.items():
        unm[i] |= set(range(a, b + 1))
    not_cow: dict[str, set[int]] = {}
    for i in sorted(mapped):
        ys = data_years.get(i, set())
        cy = cov[(i,)]
        ccodes = set(one_row(xw, iso3=i).ccode)
        member = set().union(*(states.member(c) for c in ccodes))
        gap = {y for y in ys - set(cy) if y in member} - unm[i]
        ck.check(
            not gap,
            f"Maddison: {i} data years inside COW membership of {sorted(ccodes)} but not "
            f"mapped: {fmt_runs(gap)}",
        )
        ck.check(not (unm[i] & set(cy)), f"Maddison: {i} years both mapped and unmapped")
        rest = ys - set(cy) - unm[i]
        if rest:
            not_cow[i] = rest

    def rows(iso: str) -> list[tuple[int, int, int]]:
        g = one_row(xw, iso3=iso).sort_values("first_year")
        return [(r.ccode, r.first_year, r.last_year) for r in tuples(g)]

    def notes(iso: str) -> str:
        return " ".join(one_row(xw, iso3=iso).note)

    ck.check(
        {c for c, _, _ in rows("SUN")} == {365} and rows("SUN")[-1][2] == 1991,
        f"Maddison: SUN must be 365 up to 1991: {rows('SUN')}",
    )
    ck.check(rows("RUS") == [(365, 1992, 2022)], f"Maddison: RUS: {rows('RUS')}")
    ck.check("unmapped" in notes("RUS"), "Maddison: RUS note must say pre-1992 is unmapped")
    ck.check(
        rows("DEU") == [(255, 1871, 1945), (260, 1955, 1989), (255, 1990, 2022)],
        f"Maddison: DEU: {rows('DEU')}",
    )
    ck.check("all of germany" in notes("DEU").lower(), "Maddison: DEU note must say all Germany")
    ck.check(
        {c for c, _, _ in rows("YUG")} == {345} and rows("YUG")[-1][2] == 1991,
        f"Maddison: YUG: {rows('YUG')}",
    )
    ck.check(
        {c for c, _, _ in rows("CSK")} == {315} and rows("CSK")[-1][2] == 1992,
        f"Maddison: CSK: {rows('CSK')}",
    )
    for iso in ("YUG", "CSK", "SRB", "SUN"):
        ck.check(bool(notes(iso)), f"Maddison: {iso} needs a note")
    for iso, c in [("CHN", 710), ("TWN", 713), ("USA", 2), ("CZE", 316), ("SVK", 317)]:
        ck.check({x for x, _, _ in rows(iso)} == {c}, f"Maddison: {iso} must map to {c}")
    names = countries.set_index("ISO").country.to_dict()
    ck.check(names.get("SUN") == "Former USSR", "Maddison: SUN is not 'Former USSR'")

    n_out = sum(len(v) for v in not_cow.values())
    for i, ys in sorted(not_cow.items()):
        ck.info(f"  Maddison {i}: {len(ys)} data year(s) outside COW membership: {fmt_runs(ys)}")
    return {
        "rows": len(xw),
        "ISO codes mapped": len(mapped),
        "ISO codes unmapped": len(MADDISON_UNMAPPED_ISO),
        "code-years with data >= 1816 (mapped codes)": sum(
            len(v) for k, v in data_years.items() if k in mapped
        ),
        "code-years mapped": sum(len(set(cov[(i,)]) & data_years.get(i, set())) for i in mapped),
        "code-years deliberately unmapped": sum(
            len(v & data_years.get(k, set())) for k, v in unm.items()
        ),
        "code-years outside COW membership (info)": f"{n_out} in {len(not_cow)} codes",
    }


# ---------------------------------------------------------------------------------------------
# un_votes
# ---------------------------------------------------------------------------------------------


def load_votes(shared: Path) -> pd.DataFrame:
    v = pd.read_csv(shared / "unga" / "un_votes.csv.gz", keep_default_na=False)
    rc = pd.read_csv(shared / "unga" / "un_roll_calls.csv", usecols=["rcid", "date"])
    v = v.merge(rc, on="rcid", how="left")
    v["year"] = v.date.str[:4].astype(int)
    return v


def check_unvotes(ck: Checker, v: pd.DataFrame, states: States) -> dict[str, object]:
    fname = "unvotes_ccode.csv"
    xw = load_crosswalk(ck, fname, states)
    if xw.empty:
        return {}
    check_ranges(ck, fname, xw, ["country", "country_code"])
    ck.check(v.date.notna().all(), "un_votes: roll calls without a date")
    ck.check("NA" in set(v.country_code), "un_votes: Namibia's 'NA' lost (keep_default_na)")
    pairs: dict[Any, set[int]] = v.groupby(["country", "country_code"]).year.apply(set).to_dict()
    mapped = set(zip(xw.country, xw.country_code, strict=True))
    ck.check(
        not (mapped - set(pairs)), f"un_votes: crosswalk pairs not in data: {mapped - set(pairs)}"
    )
    ck.check(not (set(pairs) - mapped), f"un_votes: pairs not mapped: {set(pairs) - mapped}")
    empty = {c for c, cc in pairs if cc == ""}
    ck.check(
        empty == {"Yemen Arab Republic", "Zanzibar", "Federal Republic of Germany"},
        f"un_votes: empty country_code rows are {empty}",
    )
    cov = covering(xw, ["country", "country_code"])
    outside: dict[str, set[int]] = {}
    for k, ys in pairs.items():
        cy = cov.get(k, {})
        nc = ys - set(cy)
        ck.check(not nc, f"un_votes: {k} vote years not covered: {fmt_runs(nc)}")
        out = {y for y in ys if y in cy and y not in states.member(cy[y])}
        if out:
            outside[f"{k[0]} ({k[1] or 'empty'})"] = out
    for r in tuples(xw):
        ys = {
            y
            for y in pairs.get((r.country, r.country_code), set())
            if r.first_year <= y <= r.last_year
        }
        ck.check(bool(ys), f"un_votes: row {r.country} {r.first_year}-{r.last_year} has no votes")

    def rows(country: str) -> list[tuple[int, int, int]]:
        g = one_row(xw, country=country).sort_values("first_year")
        return [(r.ccode, r.first_year, r.last_year) for r in tuples(g)]

    def dates(country: str, year: int) -> pd.Series:
        return v.loc[(v.country == country) & (v.year == year), "date"]

    ck.check(rows("Russia") == [(365, 1946, 2020)], f"un_votes: Russia: {rows('Russia')}")
    tw = rows("Taiwan")
    ck.check(
        tw == [(710, 1946, 1949), (713, 1950, 1971)],
        f"un_votes: Taiwan must be 710 for 1946-1949 (ROC on the mainland) and 713 after: {tw}",
    )
    ck.check(dates("Taiwan", 1949).max() < "1949-12-08", "un_votes: Taiwan 1949 vote after 12-08")
    ck.check(
        v.loc[v.country == "Taiwan", "date"].max() < "1971-10-25", "un_votes: Taiwan after 1971-10"
    )
    ck.check(
        v.loc[v.country == "China", "date"].min() >= "1971-10-25", "un_votes: China before 1971-10"
    )
    ck.check(rows("China") == [(710, 1971, 2020)], f"un_votes: China: {rows('China')}")
    ck.check(
        "1971-10-25" in " ".join(one_row(xw, country="Taiwan").note),
        "un_votes: Taiwan note must give 1971-10-25",
    )
    frg = rows("Federal Republic of Germany")
    ck.check(frg == [(260, 1973, 1989), (255, 1990, 1990)], f"un_votes: FRG: {frg}")
    ck.check(
        dates("Federal Republic of Germany", 1990).min() >= "1990-10-03",
        "un_votes: FRG 1990 votes before unification: 1990 cannot go to 255",
    )
    yar = rows("Yemen Arab Republic")
    ck.check(yar == [(678, 1947, 1989), (679, 1990, 1990)], f"un_votes: YAR: {yar}")
    ck.check(
        dates("Yemen Arab Republic", 1990).min() >= "1990-05-22",
        "un_votes: YAR 1990 votes before unification: 1990 cannot go to 679",
    )
    for country, c in [
        ("Zanzibar", 511),
        ("German Democratic Republic", 265),
        ("Germany", 255),
        ("Yugoslavia", 345),
        ("Czechoslovakia", 315),
        ("Czechia", 316),
        ("Yemen", 679),
        ("Yemen People's Republic", 680),
        ("United States", 2),
        ("Namibia", 565),
    ]:
        ck.check({x for x, _, _ in rows(country)} == {c}, f"un_votes: {country} must map to {c}")

    n_out = sum(len(y) for y in outside.values())
    for k, ys in sorted(outside.items()):
        ck.info(f"  un_votes {k}: {len(ys)} vote year(s) outside COW membership: {fmt_runs(ys)}")
    return {
        "rows": len(xw),
        "(country, country_code) pairs mapped": len(mapped),
        "pair-years with votes": sum(len(y) for y in pairs.values()),
        "pair-years outside COW membership (info)": f"{n_out} in {len(outside)} pairs",
    }


# ---------------------------------------------------------------------------------------------
# ISO alias table
# ---------------------------------------------------------------------------------------------


def check_iso(
    ck: Checker, shared: Path, states: States, unv: pd.DataFrame, mad: pd.DataFrame
) -> dict[str, object]:
    fname = "iso3_ccode.csv"
    xw = load_crosswalk(ck, fname, states)
    if xw.empty:
        return {}
    ck.check(xw.iso3.str.fullmatch(r"[A-Z]{3}").all(), "ISO: iso3 not three capitals")
    ck.check(xw.iso2.str.fullmatch(r"[A-Z]{2}").all(), "ISO: iso2 not two capitals")
    for col in ("iso3", "iso2", "ccode"):
        dup = xw[xw[col].duplicated(keep=False)]
        ck.check(dup.empty, f"ISO: {col} not unique: {dup.to_dict('records')}")
    for r in tuples(xw):
        ck.check(
            r.name == states.names.get(r.ccode),
            f"ISO: name {r.name!r} != COW name {states.names.get(r.ccode)!r}",
        )
    have = set(xw.ccode)
    miss = states.continuing - have - set(ISO_NO_CODE)
    ck.check(not miss, f"ISO: continuing COW states without a row: {sorted(miss)}")
    extra = have - states.continuing
    ck.check(not extra, f"ISO: rows for states that ended before 2016: {sorted(extra)}")
    by3: dict[Any, Any] = xw.set_index("iso3").ccode.to_dict()
    by2: dict[Any, Any] = xw.set_index("iso2").ccode.to_dict()
    c2iso3: dict[Any, Any] = xw.set_index("ccode").iso3.to_dict()
    c2iso2: dict[Any, Any] = xw.set_index("ccode").iso2.to_dict()

    # ideal points: every (ccode, iso3c) pair agrees with the table or is an explained exception
    ip = pd.read_csv(shared / "unga" / "IdealpointsJuly2025.csv", usecols=["ccode", "iso3c"])
    ip_pairs = {(int(c), str(i)) for c, i in tuples(ip.dropna().drop_duplicates(), index=False)}
    for c, i in sorted(ip_pairs):
        if (c, i) in IDEAL_EXCEPTIONS:
            continue
        ck.check(by3.get(i) == c, f"ISO: ideal points pair ({c}, {i}) not in table")
    ip_codes = {c for c, _ in ip_pairs}
    for c in have:
        if c in ip_codes:
            ok = (c, c2iso3[c]) in ip_pairs or TABLE_NOT_IN_IDEAL.get(c) == c2iso3[c]
            ck.check(ok, f"ISO: {c} {c2iso3[c]} differs from the ideal points file")
    not_in_ip = sorted(have - ip_codes)

    # un_votes ISO-2 codes, through the un_votes crosswalk
    for r in tuples(unv):
        if r.country_code == "":
            continue
        if r.country_code in UNVOTES_ISO2_NOT_IN_TABLE:
            ck.check(r.country_code not in by2, f"ISO: {r.country_code} unexpectedly in table")
            continue
        if (r.country_code, r.ccode) in UNVOTES_ISO2_EXCEPTIONS:
            continue
        ck.check(
            by2.get(r.country_code) == r.ccode,
            f"ISO: un_votes {r.country} {r.country_code}->{r.ccode}, table "
            f"{by2.get(r.country_code)}",
        )
    latest = unv[unv.country_code != ""].sort_values("last_year").groupby("ccode").last()
    for ccode, code in zip(latest.index, latest.country_code, strict=True):
        if ccode in c2iso2 and code not in UNVOTES_ISO2_NOT_IN_TABLE:
            ck.check(c2iso2[ccode] == code, f"ISO: {ccode} iso2 != un_votes code")

    # Maddison codes that are in the table map to the same (current) ccode
    for iso, g in mad.groupby("iso3"):
        if iso in by3:
            cur = int(g.sort_values("last_year").ccode.iloc[-1])
            ck.check(by3[iso] == cur, f"ISO: Maddison {iso} -> {cur} but table -> {by3[iso]}")

    # well-known anchors
    for i3, i2, c in [
        ("USA", "US", 2),
        ("RUS", "RU", 365),
        ("CHN", "CN", 710),
        ("DEU", "DE", 255),
        ("SRB", "RS", 345),
        ("TWN", "TW", 713),
        ("NAM", "NA", 565),
        ("YEM", "YE", 679),
        ("VNM", "VN", 816),
    ]:
        ck.check(by3.get(i3) == c and by2.get(i2) == c, f"ISO: {i3}/{i2} must be {c}")

    # optional: official ISO 3166 pairs, if pycountry happens to be installed
    iso_note = "pycountry not installed: alpha-3/alpha-2 pairing not checked against ISO 3166"
    try:
        import pycountry  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        bad = []
        for r in tuples(xw):
            if r.ccode in ISO_USER_ASSIGNED:
                continue
            pc = pycountry.countries.get(alpha_3=r.iso3)
            if pc is None or pc.alpha_2 != r.iso2:
                bad.append((r.iso3, r.iso2))
        ck.check(not bad, f"ISO: pairs not in ISO 3166-1 (pycountry): {bad}")
        iso_note = "alpha-3/alpha-2 pairs agree with ISO 3166-1 (pycountry)"
    ck.info(f"  ISO: {iso_note}")
    for ccode, why in ISO_USER_ASSIGNED.items():
        ck.info(f"  ISO: {ccode} {c2iso3.get(ccode)}/{c2iso2.get(ccode)}: {why}")
    return {
        "rows": len(xw),
        "continuing COW states covered": f"{len(have & states.continuing)}/"
        f"{len(states.continuing)}",
        "ideal-point pairs explained as exceptions": len(IDEAL_EXCEPTIONS),
        "ccodes not in the ideal-point file": not_in_ip,
    }


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the information lines")
    args = ap.parse_args(argv)
    shared: Path = args.shared
    if not (shared / "cow" / "states2016.csv").exists():
        print(f"shared data not found at {shared}", file=sys.stderr)
        return 2
    ck = Checker()
    states = States(shared / "cow" / "states2016.csv")
    votes = load_votes(shared)
    summaries = {
        "sipri_ccode.csv": check_sipri(ck, shared, states),
        "maddison_ccode.csv": check_maddison(ck, shared, states),
        "unvotes_ccode.csv": check_unvotes(ck, votes, states),
    }
    unv = load_crosswalk(Checker(), "unvotes_ccode.csv", states)
    mad = load_crosswalk(Checker(), "maddison_ccode.csv", states)
    summaries["iso3_ccode.csv"] = check_iso(ck, shared, states, unv, mad)

    for f, s in summaries.items():
        print(f"{f}")
        for k, val in s.items():
            print(f"  {k}: {val}")
    print("deliberately unmapped:")
    for n, why in SIPRI_UNMAPPED_NAMES.items():
        print(f"  SIPRI {n!r}: {why}")
    for (n, a, b), why in SIPRI_UNMAPPED_YEARS.items():
        print(f"  SIPRI {n!r} {a}-{b}: {why}")
    for i, why in MADDISON_UNMAPPED_ISO.items():
        print(f"  Maddison {i}: {why}")
    for (i, a, b), why in MADDISON_UNMAPPED_YEARS.items():
        print(f"  Maddison {i} {a}-{b}: {why}")
    if args.verbose:
        print("information (covered years outside COW membership etc.):")
        for line in ck.infos:
            print(line)
    else:
        print(f"{len(ck.infos)} information lines (use -v to list them)")
    if ck.errors:
        print(f"\nFAILED: {len(ck.errors)} problem(s)")
        for e in ck.errors:
            print(f"  - {e}")
        return 1
    print("\nOK: all crosswalk checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
