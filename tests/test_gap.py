"""The power gap Rg (DESIGN §3.2) and its spread across power indices."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from realpolitik.errors import InputError, StateYearError
from realpolitik.measures.gap import LN2, power_gap, power_gap_spread, relative_gap
from realpolitik.measures.power import INDICES

CHN, RUS, USA = 710, 365, 2
positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)


def synthetic(pa: list[float], pb: list[float], first: int = 2000) -> pd.DataFrame:
    """A power table for China (A) and Russia (B) with the given yearly values."""
    years = list(range(first, first + len(pa)))
    return pd.DataFrame({"ccode": [CHN] * len(pa) + [RUS] * len(pb),
                         "year": years + years, "power": [*pa, *pb]})


def test_cinc_2016_figures_in_the_gap() -> None:
    gap = power_gap("CHN", "RUS", base=2016, years=2016)
    assert list(gap.columns) == ["year", "power_a", "power_b", "ratio", "g", "rg"]
    row = gap.iloc[0]
    assert round(row["power_a"], 4) == 0.2308
    assert round(row["power_b"], 4) == 0.0365
    assert row["ratio"] == pytest.approx(0.230825 / 0.036467, rel=1e-4)
    assert row["ratio"] == pytest.approx(6.3296, abs=1e-3)
    assert row["g"] == pytest.approx(math.log(row["ratio"]))
    assert row["rg"] == 0.0
    assert gap.attrs["base"] == 2016 and gap.attrs["index"] == "cinc"
    assert (gap.attrs["a"], gap.attrs["b"]) == ("CHN", "RUS")
    assert gap.attrs["scale"] == LN2
    assert gap.attrs["provenance"]["config"]["gap"]["base"] == 2016


@pytest.mark.parametrize("index", INDICES)
def test_rg_is_zero_at_the_base_year(index: str) -> None:
    gap = power_gap("CHN", "RUS", base=2008, index=index)
    at_base = gap.loc[gap["year"] == 2008, "rg"]
    assert len(at_base) == 1 and at_base.iloc[0] == 0.0
    assert gap["year"].is_monotonic_increasing
    assert np.allclose(gap["rg"], (gap["g"] - gap.loc[gap["year"] == 2008, "g"].iloc[0]) / LN2)


def test_real_cinc_gap_china_russia_1992_2016() -> None:
    gap = power_gap("China", "Russia", base=1992, years=(1992, 2016))
    r92 = gap.iloc[0]
    r16 = gap.iloc[-1]
    assert r92["rg"] == 0.0
    # Russia fell behind China: the CINC ratio grew from about 1.9 to 6.3, Rg about 1.7
    expected = math.log((0.230825 / 0.036467) / r92["ratio"]) / LN2
    assert r16["rg"] == pytest.approx(expected, rel=1e-4)
    assert r16["rg"] > 1.5


def test_rg_is_one_exactly_when_the_ratio_doubles() -> None:
    table = synthetic([1.0, 1.0, 2.0, 4.0], [1.0, 0.5, 1.0, 1.0])
    gap = power_gap("CHN", "RUS", base=2000, table=table)
    assert gap["rg"].tolist() == [0.0, 1.0, 1.0, 2.0]
    assert gap.attrs["index"] == "custom"
    halved = power_gap("CHN", "RUS", base=2003, table=table)
    assert halved["rg"].tolist() == [-2.0, -1.0, -1.0, 0.0]


@given(a0=positive, b0=positive, k=st.floats(min_value=1e-3, max_value=1e3))
def test_rg_measures_the_change_of_the_ratio_in_doublings(a0: float, b0: float,
                                                          k: float) -> None:
    # B shrinks by the factor k relative to A between the base year and the next
    table = synthetic([a0, a0], [b0, b0 / k])
    gap = power_gap("CHN", "RUS", base=2000, table=table)
    assert gap["rg"].iloc[0] == 0.0
    assert gap["rg"].iloc[1] == pytest.approx(math.log2(k), abs=1e-9)
    doubled = power_gap("CHN", "RUS", base=2000, table=synthetic([a0, 2 * a0], [b0, b0]))
    assert doubled["rg"].iloc[1] == pytest.approx(1.0, abs=1e-12)


@given(a=positive, b=positive, fall=st.floats(min_value=0.01, max_value=0.99))
def test_sign_convention_rg_positive_when_b_falls_behind(a: float, b: float,
                                                         fall: float) -> None:
    behind = power_gap("CHN", "RUS", base=2000, table=synthetic([a, a], [b, b * fall]))
    assert behind["rg"].iloc[1] > 0
    ahead = power_gap("CHN", "RUS", base=2000, table=synthetic([a, a * fall], [b, b]))
    assert ahead["rg"].iloc[1] < 0
    # swapping the partners flips the sign
    swapped = power_gap("RUS", "CHN", base=2000, table=synthetic([a, a], [b, b * fall]))
    assert swapped["rg"].iloc[1] == pytest.approx(-behind["rg"].iloc[1])


def test_scale_and_relative_gap() -> None:
    table = synthetic([1.0, math.e], [1.0, 1.0])
    assert power_gap("CHN", "RUS", 2000, table=table, scale=1.0)["rg"].iloc[1] == (
        pytest.approx(1.0))
    assert relative_gap([8.0], [1.0], 2.0, 1.0) == pytest.approx([2.0], abs=1e-12)
    assert relative_gap([1.0], [8.0], 1.0, 1.0, scale=math.log(8)) == pytest.approx([-1.0])
    with pytest.raises(InputError, match="scale"):
        power_gap("CHN", "RUS", 2000, table=table, scale=0)
    with pytest.raises(InputError, match="scale"):
        relative_gap([1.0], [1.0], 1.0, 1.0, scale=float("nan"))


def test_base_none_takes_the_last_common_year() -> None:
    gap = power_gap("CHN", "RUS", base=None, years=(1990, 2010))
    assert gap.attrs["base"] == 2010
    assert gap["rg"].iloc[-1] == 0.0


def test_base_outside_the_data_names_the_year_and_the_years_available() -> None:
    with pytest.raises(StateYearError, match="1800") as exc:
        power_gap("CHN", "RUS", base=1800)
    assert "1860–2022" in str(exc.value)
    with pytest.raises(StateYearError, match="2024"):
        power_gap("CHN", "RUS", base=2024, index="haushofer")
    table = synthetic([1.0, 1.0, 1.0], [1.0, np.nan, 1.0])
    with pytest.raises(StateYearError, match="2001") as exc:
        power_gap("CHN", "RUS", base=2001, table=table)
    assert "2000, 2002" in str(exc.value)


def test_bad_inputs() -> None:
    with pytest.raises(InputError, match="unknown power index 'gdp'") as exc:
        power_gap("CHN", "RUS", 2016, index="gdp")
    assert "cinc, cline, haushofer" in str(exc.value)
    with pytest.raises(InputError, match="more than once"):
        power_gap("CHN", "PRC", 2016)
    with pytest.raises(InputError, match="whole number"):
        power_gap("CHN", "RUS", 2016.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no year in 1700–1750"):
        power_gap("CHN", "RUS", 2016, years=(1700, 1750))
    with pytest.raises(InputError, match="table"):
        power_gap("CHN", "RUS", 2000, table=synthetic([1.0], [1.0]), weights={})
    with pytest.raises(InputError, match="do not apply"):
        power_gap("CHN", "RUS", 2016, index="cinc", weights={"economy": 1.0})


def test_haushofer_options_pass_through() -> None:
    econ = {"economy": 1.0}
    gap = power_gap("CHN", "RUS", 2016, years=(2010, 2019), index="haushofer", weights=econ)
    from realpolitik.measures.power import power

    p = power(["CHN", "RUS"], (2010, 2019), "haushofer", weights=econ)
    s = p.pivot(index="year", columns="ccode", values="s_economy")
    expected = np.log(s[CHN] / s[RUS]) - math.log(s.loc[2016, CHN] / s.loc[2016, RUS])
    assert np.allclose(gap["rg"], expected.to_numpy() / LN2)


def test_spread_across_indices_is_consistent() -> None:
    tidy, summary = power_gap_spread("CHN", "RUS", base=2000, years=(1995, 2022))
    assert list(tidy.columns) == ["year", "index", "power_a", "power_b", "ratio", "g", "rg"]
    assert set(tidy["index"]) == set(INDICES)
    assert list(summary.columns) == ["year", "rg_cinc", "rg_cline", "rg_haushofer", "rg_min",
                                     "rg_max", "rg_spread", "n_indices"]
    assert len(summary) == 28 and (summary["n_indices"] == 3).all()
    rg = summary[["rg_cinc", "rg_cline", "rg_haushofer"]].to_numpy()
    assert np.allclose(summary["rg_min"], rg.min(axis=1))
    assert np.allclose(summary["rg_max"], rg.max(axis=1))
    assert np.allclose(summary["rg_spread"], summary["rg_max"] - summary["rg_min"])
    assert (summary["rg_spread"] >= 0).all()
    at_base = summary[summary["year"] == 2000].iloc[0]
    assert at_base["rg_spread"] == 0.0 and at_base["rg_min"] == 0.0
    # the wide frame agrees with the tidy one and with power_gap
    cinc = tidy[tidy["index"] == "cinc"].set_index("year")["rg"]
    assert np.allclose(summary.set_index("year")["rg_cinc"], cinc)
    direct = power_gap("CHN", "RUS", 2000, years=(1995, 2022), index="cline")
    assert np.allclose(summary["rg_cline"], direct["rg"])
    assert summary.attrs["base"] == 2000 and summary.attrs["indices"] == list(INDICES)
    assert set(summary.attrs["provenance"]["data"]) >= {"nmc", "gdppop", "polity5"}


def test_spread_with_one_index_has_no_spread_and_errors() -> None:
    _, summary = power_gap_spread("CHN", "RUS", 2016, years=(2015, 2017), indices=["cinc"])
    assert summary["rg_spread"].isna().all() and (summary["n_indices"] == 1).all()
    assert np.allclose(summary["rg_min"], summary["rg_cinc"])
    with pytest.raises(InputError, match="unknown power index"):
        power_gap_spread("CHN", "RUS", 2016, indices=["cinc", "gnp"])
    with pytest.raises(InputError, match="twice"):
        power_gap_spread("CHN", "RUS", 2016, indices=["cinc", "cinc"])
    with pytest.raises(StateYearError, match="1800"):
        power_gap_spread("CHN", "RUS", 1800)
    with pytest.raises(InputError, match="not in"):
        power_gap_spread("CHN", "RUS", 2016, indices=["cinc"], options={"cline": {}})
