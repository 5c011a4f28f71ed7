"""Inputs of the two-level leeway game from data, and its results as tables (DESIGN §4.3).

This module only gathers data and calls :mod:`realpolitik.models.leeway`; the arithmetic lives
there. From a triad (A, B, C) and one or more years it takes

* the power of A, B and C (:func:`realpolitik.measures.power.power`, ``index=``);
* the **stand-alone leeways** d_i = P_i / (P_i + P_C) — each partner's share of the
  partner–adversary dyad's power under the chosen index, in leeway units [0, 1] (see
  :func:`realpolitik.models.leeway.standalone_leeway`);
* the adversary pressure Ar: 0 (today's level) unless given — the empirical threat score of
  DESIGN §3.3 is not used here;
* the power gap Rg = (ln(P_A/P_B) − ln(P_A0/P_B0)) / ln 2 from the base year t0 (default the
  first year asked, so a single year is the origin, Rg = 0);
* the regions of the micro game: the shipped ``regions.csv``
  (:func:`realpolitik.data.model_tables.regions_table`) unless given.

>>> from realpolitik.measures.leeway_inputs import leeway_table
>>> t = leeway_table("CHN", "RUS", "USA", 2020)
>>> t.loc[t["component"] == "macro", ["stateabb", "standalone"]].round(4).to_numpy().tolist()
[['CHN', 0.6567], ['RUS', 0.2152]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from realpolitik.data.model_tables import regions_table
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_states
from realpolitik.errors import InputError, StateYearError
from realpolitik.measures.gap import LN2, relative_gap
from realpolitik.measures.power import power
from realpolitik.models.leeway import (
    PARTNERS,
    LeewayParams,
    LeewayResult,
    Regions,
    consistency_report,
    leeway,
    standalone_leeway,
)

FloatArray = npt.NDArray[np.float64]
RegionsArg = Regions | pd.DataFrame | str | Path | None


@dataclass(frozen=True, eq=False)
class LeewayInputs:
    """The leeway game's inputs for a triad over N years (arrays of length N, partner axis
    first where there are two)."""

    a: State
    b: State
    c: State
    years: npt.NDArray[np.int64]
    index: str
    #: Power of A, B and C, shape (3, N), unit of ``index``.
    power: FloatArray
    #: Stand-alone leeways d_A, d_B = P_i/(P_i + P_C), shape (2, N), leeway units.
    d: FloatArray
    #: Adversary pressure Ar, (N,).
    ar: FloatArray
    #: Power gap Rg from ``base``, (N,).
    rg: FloatArray
    base: int
    regions: Regions
    #: Provenance of the inputs (data sets, configuration).
    provenance: dict[str, Any] = field(default_factory=dict)

    def run(self, params: LeewayParams | Mapping[str, Any] | None = None, wedge: Any = None
            ) -> LeewayResult:
        """The leeway game at these inputs (:func:`realpolitik.models.leeway.leeway`)."""
        return leeway(self.power[0], self.power[1], self.ar, self.regions, params, d=self.d,
                      wedge=wedge)


def _years(year: int | Iterable[int]) -> npt.NDArray[np.int64]:
    if isinstance(year, bool):
        raise InputError(f"year must be a whole number or a list of years, not {year!r}",
                         "e.g. 2020 or range(2000, 2021)")
    if isinstance(year, (int, np.integer)):
        return np.array([int(year)], dtype=np.int64)
    try:
        ys = [int(y) for y in year]
        ok = all(float(y) == int(y) for y in year)
    except (TypeError, ValueError) as exc:
        raise InputError(f"year must be a whole number or a list of years, not {year!r}",
                         "e.g. 2020 or range(2000, 2021)") from exc
    if not ys or not ok:
        raise InputError(f"year must be a whole number or a non-empty list of years, not "
                         f"{year!r}", "e.g. 2020 or range(2000, 2021)")
    if len(set(ys)) != len(ys):
        raise InputError(f"a year is listed twice in {ys}", "list each year once")
    return np.array(ys, dtype=np.int64)


def _regions(regions: RegionsArg) -> tuple[Regions, str]:
    if regions is None:
        return Regions.from_frame(regions_table()), "default"
    if isinstance(regions, (str, Path)):
        return Regions.from_frame(regions_table(regions)), str(regions)
    if isinstance(regions, pd.DataFrame):
        h = int(pd.util.hash_pandas_object(regions, index=False).sum()) & 0xFFFFFFFFFFFF
        return Regions.from_frame(regions), f"user table ({len(regions)} rows, hash {h:012x})"
    if isinstance(regions, Regions):
        return regions, f"Regions({', '.join(regions.names)})"
    raise InputError(f"regions must be a DataFrame, a CSV path or Regions, not "
                     f"{type(regions).__name__}", "e.g. regions_table() or 'my_regions.csv'")


def leeway_inputs(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    year: int | Iterable[int],
    index: str = "cinc",
    regions: RegionsArg = None,
    *,
    ar: Any = None,
    base: int | None = None,
    **options: Any,
) -> LeewayInputs:
    """Gather the leeway game's inputs for partners ``a``, ``b`` and adversary ``c``.

    Parameters
    ----------
    a, b, c:
        The partners A, B and the adversary C (code, abbreviation, ISO code or name).
    year:
        One year or a list of years (e.g. ``range(2000, 2021)``); each needs power values for
        all three states under ``index`` (NMC covers 1816–2022).
    index:
        Power index (``cinc``, ``cline``, ``haushofer``); ``options`` go to
        :func:`realpolitik.measures.power.power`.
    regions:
        None (the shipped regions table), a CSV path, a DataFrame or a ``Regions``.
    ar:
        Adversary pressure Ar per year (a number or one per year); None = 0, today's level.
    base:
        Reference year t0 of Rg (default: the first year given).

    Raises :class:`StateYearError` if a year lacks a power value for one of the states.
    """
    sa, sb, sc = resolve_states([a, b, c])
    years = _years(year)
    if isinstance(base, bool) or (base is not None and not isinstance(base, (int, np.integer))):
        raise InputError(f"base must be a year, not {base!r}", "e.g. base=2000")
    t0 = int(years[0]) if base is None else int(base)
    need = np.union1d(years, [t0])
    table = power([sa.ccode, sb.ccode, sc.ccode], (int(need.min()), int(need.max())), index,
                  **options)
    wide = table.pivot(index="year", columns="ccode", values="power")
    wide.index = wide.index.astype(int)
    for y in need:
        for s in (sa, sb, sc):
            val = wide.get(s.ccode, pd.Series(dtype=float)).get(int(y), np.nan)
            if not (np.isfinite(val) and val > 0):
                what = "base year" if y == t0 and y not in years else "year"
                raise StateYearError(f"{s.abb} has no positive {index} power in {what} {y}",
                                     "choose years the index covers (NMC: 1816-2022)")
    pw = np.stack([wide.loc[years, s.ccode].to_numpy(float) for s in (sa, sb, sc)])
    d = np.stack([np.asarray(standalone_leeway(pw[i], pw[2]), dtype=float) for i in (0, 1)])
    if ar is None:
        ar_arr = np.zeros(years.size)
    else:
        try:
            ar_arr = np.broadcast_to(np.asarray(ar, dtype=float), years.shape).astype(float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"ar must be a number or one value per year ({years.size}), not "
                             f"{ar!r}", "Ar = 0 is today's pressure") from exc
        if not np.isfinite(ar_arr).all():
            raise InputError(f"ar has a missing or infinite value: {ar!r}",
                             "Ar is a finite number per year")
    base_a, base_b = wide.loc[[t0], [sa.ccode, sb.ccode]].to_numpy(float)[0]
    rg = relative_gap(pw[0], pw[1], float(base_a), float(base_b), LN2)
    reg, reg_tag = _regions(regions)
    prov = dict(table.attrs.get("provenance", {}))
    prov_cfg = {"leeway_inputs": {"a": sa.ccode, "b": sb.ccode, "c": sc.ccode,
                                  "years": years.tolist(), "index": index, "base": t0,
                                  "ar": ar_arr.tolist(), "regions": reg_tag,
                                  "power_config": prov.get("config", {})}}
    return LeewayInputs(sa, sb, sc, years, index, pw, d, ar_arr, np.asarray(rg, dtype=float),
                        t0, reg, {"data": list(prov.get("data", {})), "config": prov_cfg})


def _stamped(frame: pd.DataFrame, inputs: LeewayInputs, extra: Mapping[str, Any]
             ) -> pd.DataFrame:
    frame.attrs = {}
    cfg = dict(inputs.provenance["config"])
    cfg.update(extra)
    stamp(frame, datasets=inputs.provenance["data"], config=cfg)
    frame.attrs.update({"a": inputs.a.abb, "b": inputs.b.abb, "c": inputs.c.abb,
                        "index": inputs.index, "base": inputs.base})
    return frame


def leeway_table(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    year: int | Iterable[int],
    index: str = "cinc",
    regions: RegionsArg = None,
    *,
    ar: Any = None,
    base: int | None = None,
    params: LeewayParams | Mapping[str, Any] | None = None,
    wedge: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """The leeway game for a triad as a tidy table, stamped with provenance.

    One row per year, partner and component: ``macro`` (stand-alone leeway d_i → Nash
    allocation x_i minus the cost of confronting C), each region (regional payoff at t → at
    t′), and ``total`` (the partner's leeway at t and t′; its ``net`` is N_i). Columns
    ``year, partner, ccode, stateabb, component, standalone, cooperative, macro_gain,
    micro_transfer, dissipation, confrontation_cost, net`` (leeway units). Arguments as in
    :func:`leeway_inputs`; ``params`` and ``wedge`` as in
    :func:`realpolitik.models.leeway.leeway`.
    """
    inputs = leeway_inputs(a, b, c, year, index, regions, ar=ar, base=base, **options)
    p = LeewayParams.coerce(params)
    result = inputs.run(p, wedge)
    tidy = result.to_frame()
    point = tidy["point"].to_numpy()
    who = {PARTNERS[0]: inputs.a, PARTNERS[1]: inputs.b}
    tidy.insert(0, "year", inputs.years[point].astype(np.int16))
    tidy = tidy.drop(columns="point")
    tidy.insert(2, "ccode", tidy["partner"].map({k: s.ccode for k, s in who.items()})
                .astype(np.int16))
    tidy.insert(3, "stateabb", tidy["partner"].map({k: s.abb for k, s in who.items()}))
    return _stamped(tidy, inputs, {"leeway_params": p.as_dict(),
                                   "wedge": None if wedge is None else np.asarray(
                                       wedge, dtype=float).tolist()})


def leeway_consistency(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    year: int | Iterable[int],
    index: str = "cinc",
    regions: RegionsArg = None,
    *,
    ar: Any = None,
    base: int | None = None,
    params: LeewayParams | Mapping[str, Any] | None = None,
    wedge: Any = None,
    region_map: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """Per year: the alignment plane's label at (Rg, Ar) and the label the leeway game implies
    (:func:`realpolitik.models.leeway.consistency_report`), with ``year`` in front; stamped."""
    inputs = leeway_inputs(a, b, c, year, index, regions, ar=ar, base=base, **options)
    p = LeewayParams.coerce(params)
    report = consistency_report(inputs.run(p, wedge), inputs.rg, region_map=region_map)
    report.insert(0, "year", inputs.years.astype(np.int16))
    report = report.drop(columns="point")
    rmap = region_map if region_map is None or isinstance(region_map, (str, Mapping)) else (
        getattr(region_map, "to_dict", lambda: str(region_map))())
    return _stamped(report, inputs, {"leeway_params": p.as_dict(), "region_map": rmap})
