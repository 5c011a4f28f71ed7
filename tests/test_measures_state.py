"""State-level measures joined onto every actor: UN ideal points, power status, regime,
military expenditure, GDP (sanity figures from shared/data/SOURCES.md, suffixes, NA not 0)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from realpolitik.data import loaders
from realpolitik.errors import InputError
from realpolitik.measures.status import (
    add_democracy,
    add_gdp,
    add_major_power,
    add_maoz_power,
    add_milex_sipri,
    add_polity,
)
from realpolitik.measures.unvotes import add_un_ideal_points
from realpolitik.units import dyad_years, state_years, triad_years

USA, RUS, CHN = 2, 365, 710

# every state-level add_* step with the columns it adds (suffix "" on state-years)
STATE_STEPS: dict[str, tuple[Callable[..., pd.DataFrame], dict[str, Any], list[str]]] = {
    "un_ideal_points": (add_un_ideal_points, {}, ["un_idealpoint"]),
    "major_power": (add_major_power, {}, ["major"]),
    "maoz_power": (add_maoz_power, {}, ["maoz_regional", "maoz_global"]),
    "polity": (add_polity, {}, ["polity2", "xconst"]),
    "democracy": (add_democracy, {}, ["polity2", "v2x_polyarchy", "aeuds"]),
    "milex_sipri": (add_milex_sipri, {}, ["sipri_milex", "sipri_milex_share"]),
    "gdp": (add_gdp, {}, ["pwtrgdp", "mrgdppc", "maddison_gdppc"]),
}


@pytest.fixture(scope="module")
def big3() -> pd.DataFrame:
    """State-years of the USA, Russia and China, 1816–2024."""
    return state_years(states=[USA, RUS, CHN])


def _at(frame: pd.DataFrame, col: str, ccode: int, year: int) -> Any:
    hit = frame.loc[(frame["ccode"] == ccode) & (frame["year"] == year), col]
    assert len(hit) == 1, (ccode, year)
    return hit.iloc[0]


def _future(ccodes: tuple[int, ...] = (USA, RUS, CHN), year: int = 2030) -> pd.DataFrame:
    """A state-year frame beyond every source's coverage (recognised by its columns)."""
    return pd.DataFrame({"ccode": list(ccodes), "year": [year] * len(ccodes)})


def test_ideal_points_sanity(big3: pd.DataFrame) -> None:
    o = add_un_ideal_points(big3)
    for year, figures in {2022: (2.146, -0.809, -1.351), 2016: (2.442, 0.198, -0.484)}.items():
        for cc, value in zip((USA, RUS, CHN), figures, strict=True):
            assert _at(o, "un_idealpoint", cc, year) == pytest.approx(value, abs=0.001)
    assert o.loc[o["year"] < 1946, "un_idealpoint"].isna().all()
    assert pd.notna(_at(o, "un_idealpoint", CHN, 2024))
    for variant in ("all", "legacy"):
        v = add_un_ideal_points(big3, variant=variant)
        assert v.loc[v["year"] == 2024, "un_idealpoint"].isna().all()
        assert v.loc[v["year"] == 2023, "un_idealpoint"].notna().all()
    with pytest.raises(InputError, match="variant"):
        add_un_ideal_points(big3, variant="xx")  # type: ignore[arg-type]


def test_major_power(big3: pd.DataFrame) -> None:
    o = add_major_power(big3)
    assert (_at(o, "major", USA, 1897), _at(o, "major", USA, 1898)) == (0, 1)
    assert (_at(o, "major", RUS, 1917), _at(o, "major", RUS, 1918)) == (1, 0)
    assert (_at(o, "major", RUS, 1921), _at(o, "major", RUS, 1922)) == (0, 1)
    assert (_at(o, "major", CHN, 1949), _at(o, "major", CHN, 1950)) == (0, 1)
    assert o["major"].notna().all()
    assert add_major_power(_future())["major"].isna().all()


def test_maoz_power(big3: pd.DataFrame) -> None:
    o = add_maoz_power(big3)
    assert (_at(o, "maoz_regional", USA, 1898), _at(o, "maoz_global", USA, 1898)) == (1, 0)
    assert (_at(o, "maoz_regional", USA, 1899), _at(o, "maoz_global", USA, 1899)) == (0, 1)
    assert (_at(o, "maoz_global", RUS, 1990), _at(o, "maoz_regional", RUS, 1991)) == (1, 1)
    assert (_at(o, "maoz_regional", CHN, 1950), _at(o, "maoz_regional", CHN, 1949)) == (1, 0)
    assert (o.loc[o["ccode"] == CHN, "maoz_global"].dropna() == 0).all()
    assert o.loc[o["year"] > 2019, ["maoz_regional", "maoz_global"]].isna().all().all()
    assert o.loc[o["year"] <= 2019, ["maoz_regional", "maoz_global"]].notna().all().all()


def test_polity_and_democracy(big3: pd.DataFrame) -> None:
    p = add_polity(big3)
    for cc, (p2, xc) in {USA: (8, 7), RUS: (4, 4), CHN: (-7, 3)}.items():
        assert (_at(p, "polity2", cc, 2018), _at(p, "xconst", cc, 2018)) == (p2, xc)
    assert (_at(p, "polity2", RUS, 1950), _at(p, "xconst", RUS, 1950)) == (-9, 1)  # USSR = 364
    assert _at(p, "polity2", USA, 2020) == 5
    assert pd.isna(_at(p, "polity2", CHN, 2019))
    d = add_democracy(big3)
    for cc, (poly, aeuds) in {USA: (0.843, 1.011), RUS: (0.171, -1.122),
                              CHN: (0.073, -1.310)}.items():
        assert _at(d, "v2x_polyarchy", cc, 2024) == pytest.approx(poly, abs=0.0005)
        assert _at(d, "aeuds", cc, 2024) == pytest.approx(aeuds, abs=0.0005)
    assert _at(d, "polity2", RUS, 1950) == -9  # filled from Polity's USSR rows
    both = p.merge(d, on=["ccode", "year"], suffixes=("_p5", "_cw"))
    pd.testing.assert_series_equal(both["polity2_p5"], both["polity2_cw"], check_names=False)
    e = add_democracy(big3, measures=["euds"])
    assert "euds" in e.columns and "aeuds" not in e.columns
    with pytest.raises(InputError, match="democracy measure"):
        add_democracy(big3, measures=["fh"])
    with pytest.raises(InputError, match="Polity component"):
        add_polity(big3, components=["polity3"])


def test_milex_sipri(big3: pd.DataFrame) -> None:
    o = add_milex_sipri(big3)
    for cc, share in {USA: 0.0336, CHN: 0.0167, RUS: 0.0586}.items():
        assert _at(o, "sipri_milex_share", cc, 2023) == pytest.approx(share, abs=0.0001)
    assert _at(o, "sipri_milex", USA, 2023) > _at(o, "sipri_milex", CHN, 2023) > 0
    assert o.loc[o["year"] < 1949, "sipri_milex"].isna().all()
    assert o.loc[o["year"] > 2023, ["sipri_milex", "sipri_milex_share"]].isna().all().all()
    assert pd.isna(_at(o, "sipri_milex", RUS, 1991))
    # NA, never 0: the only zeros are states without an army (Costa Rica, Iceland, Panama, Haiti)
    world = add_milex_sipri(state_years(years=(1949, 2023)))
    zero = world.loc[world["sipri_milex"] == 0, "ccode"]
    assert set(zero) <= {94, 395, 95, 41}


def test_gdp(big3: pd.DataFrame) -> None:
    o = add_gdp(big3)
    for cc, gdp in {CHN: 23_690_320, USA: 23_109_510, RUS: 4_112_083}.items():
        assert _at(o, "pwtrgdp", cc, 2019) == pytest.approx(gdp, rel=1e-6)
    for cc, pc in {CHN: 19_238, RUS: 25_437, USA: 58_487}.items():
        assert _at(o, "maddison_gdppc", cc, 2022) == pytest.approx(pc, abs=1)
    assert o.loc[o["year"] > 2019, ["pwtrgdp", "mrgdppc"]].isna().all().all()
    assert o.loc[o["year"] > 2022, "maddison_gdppc"].isna().all()
    f = add_gdp(big3, sources=["fariss"])
    assert "maddison_gdppc" not in f.columns and "gdppop" in f.attrs["provenance"]["data"]
    with pytest.raises(InputError, match="GDP source"):
        add_gdp(big3, sources=["wdi"])


@pytest.mark.parametrize("name", list(STATE_STEPS))
def test_state_measures_take_actor_suffixes(name: str) -> None:
    fn, kw, cols = STATE_STEPS[name]
    s = fn(state_years(years=(2010, 2012)), **kw)
    d = fn(dyad_years(years=(2010, 2012), states=[USA, RUS, CHN]), **kw)
    t = fn(triad_years("USA", "RUS", "CHN", years=(2010, 2012)), **kw)
    for col in cols:
        assert col in s.columns
        assert {f"{col}1", f"{col}2"} <= set(d.columns) and col not in d.columns
        assert {f"{col}_a", f"{col}_b", f"{col}_c"} <= set(t.columns)
        # the same state-year value whatever the unit
        sv = s.set_index(["ccode", "year"])[col]
        dv = d.set_index(["ccode2", "year"])[f"{col}2"]
        tv = t.set_index(["ccode_c", "year"])[f"{col}_c"]
        pd.testing.assert_series_equal(sv.reindex(dv.index), dv, check_names=False)
        pd.testing.assert_series_equal(sv.reindex(tv.index), tv, check_names=False)
    assert s.attrs["provenance"]["data"] and s.attrs["unit"]["kind"] == "state_year"


@pytest.mark.parametrize("name", list(STATE_STEPS))
def test_state_measures_na_outside_coverage(name: str) -> None:
    fn, kw, cols = STATE_STEPS[name]
    o = fn(_future(), **kw)
    assert o[cols].isna().all().all()


def test_loaders_used_are_stamped() -> None:
    o = add_gdp(add_milex_sipri(add_major_power(state_years(years=2000))))
    assert {"majors", "sipri_milex", "gdppop", "maddison"} <= set(o.attrs["provenance"]["data"])
    assert loaders.SYSTEM_END_YEAR == 2024
