"""What the forecast report shows, computed: :class:`ReportContent` and the summary sentences.

:func:`build_report` takes a stored run id or a scenario (a preset name or a scenario file). A
scenario is resolved against the bundled data, simulated and — unless ``record=False`` —
recorded in the results store exactly as ``realpolitik forecast`` records it. Then the report
gathers, around the forecast Dataset:

* the triad's historical path on the alignment plane up to t0 (:func:`~realpolitik.measures.
  trajectory.trajectory`, base year t0, the scenario's power index and region map), the region
  polygons and label anchors of that map, the marginal medians of the forecast (Rg, Ar) per year,
  and a sample of the run's own trajectories — the first block of 1,024 trajectories, drawn
  again from the run's seed (:func:`~realpolitik.simulate.engine.simulate_blocks`: block 0 of
  the run is the same whatever the chunking), for the fan and the cloud at the horizon;
* the label probabilities per year and the quantile fans of Rg, Ar and the Beaufre ratio;
* power of the three states under the three indices (CINC, Cline, Haushofer) and the power gap
  Rg under each index with the spread across them (:func:`~realpolitik.measures.gap.
  power_gap_spread`), over the ``history`` years before t0;
* the leeway game at t0 by partner and region (figure 1, :func:`~realpolitik.measures.
  leeway_inputs.leeway_table`) and the forecast's mean leeway per year;
* Beaufre's strategy table at t0 (:func:`~realpolitik.measures.strategy_inputs.strategy_table`);
* the parameters that drive the most likely outcome at each year shown: a small seeded Morris
  screening (:func:`~realpolitik.simulate.sensitivity.sensitivity`, r = 16 trajectories of the
  design, 2,048 simulated trajectories per evaluation, the run's seed) at each year;
* the provenance: package version, data sets with versions and citations, the literature behind
  the model components, the scenario parameters, the estimated growth, seed and timings.

A measure that has no data for the triad or the years raises a :class:`~realpolitik.errors.
RealpolitikError`; the report then records the section as missing, with the message, in
:attr:`ReportContent.missing` instead of failing. NA values stay NA.

The summary (:func:`summarize`) is a pure function of the numbers: the most likely outcome at
each year with its probability, how that probability moved since the base year, and the
parameters that move it most.

>>> import pandas as pd
>>> from realpolitik.models.labels import LABELS
>>> prob = pd.DataFrame([[0.80, 0.10, 0.10, 0, 0, 0], [0.62, 0.30, 0.08, 0, 0, 0]],
...                     index=[2024, 2030], columns=list(LABELS))
>>> summarize(prob, [2030], 2024).sentences[0]
'In 2030 the most likely outcome is hedging (p = 0.62), down from 0.80 in 2024.'
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from realpolitik._version import __version__
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.models.labels import LABELS

if TYPE_CHECKING:
    import xarray as xr

    from realpolitik.models.plane import RegionMap
    from realpolitik.simulate.resolve import Resolved
    from realpolitik.simulate.scenario import Scenario

__all__ = [
    "SECTIONS",
    "Driver",
    "Outcome",
    "PlaneContent",
    "ReportContent",
    "RunInfo",
    "Source",
    "Summary",
    "build_report",
    "content_from_dataset",
    "describe_parameter",
    "fan_bands",
    "identify",
    "label_text",
    "outcomes",
    "summarize",
]

#: The report's sections, in order (keys of :attr:`ReportContent.missing`).
SECTIONS: tuple[str, ...] = ("summary", "plane", "probabilities", "leeway", "power", "gap",
                             "beaufre", "sensitivity", "provenance")
#: Power indices compared in the power and gap sections.
INDICES: tuple[str, ...] = ("cinc", "cline", "haushofer")
#: Morris screening of the report: r design trajectories, simulated trajectories per evaluation.
SENSITIVITY_R = 16
SENSITIVITY_TRAJECTORIES = 2048
#: At most this many years get their own sensitivity analysis.
MAX_SENSITIVITY_YEARS = 6
#: Drivers named per outcome.
TOP_DRIVERS = 3
#: Years of history before t0 in the plane, power and gap sections.
HISTORY_YEARS = 30
#: Sampled trajectories drawn as lines in the plane (out of the first block of 1,024).
SAMPLE_LINES = 120
#: A runner-up label within this probability of the most likely one is named in the summary.
CLOSE = 0.10

#: Progress callback: ``progress(step, done, total)``; ``done``/``total`` None for a step
#: without a count.
ProgressFn = Callable[[str, int | None, int | None], None]


# -- plain language --------------------------------------------------------------------------
def label_text(label: str) -> str:
    """A label as words: ``soft_balancing`` → ``soft balancing``, ``chain_ganging`` →
    ``chain-ganging``.

    >>> label_text("buck_passing"), label_text("hard_balancing")
    ('buck-passing', 'hard balancing')
    """
    if label in ("chain_ganging", "buck_passing"):
        return label.replace("_", "-")
    return label.replace("_", " ")


def describe_parameter(key: str, names: Sequence[str] = ("A", "B", "C")) -> str:
    """A scenario parameter key in plain words, naming the states (A, B, C).

    >>> describe_parameter("growth.B.drift", ("CHN", "RUS", "USA"))
    "RUS's power growth"
    >>> describe_parameter("adversary_policy.gain", ("CHN", "RUS", "USA"))
    "how strongly USA answers the tandem's rise"
    >>> describe_parameter("leeway.sigma0")
    'leeway.sigma0'
    """
    a, b, c = [*names, "A", "B", "C"][:3]
    who = {"A": a, "B": b, "C": c}
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "growth" and parts[1] in who:
        state = who[parts[1]]
        if parts[2] == "drift":
            return f"{state}'s power growth"
        if parts[2] == "volatility":
            return f"the volatility of {state}'s power"
    fixed = {
        "adversary_policy.gain": f"how strongly {c} answers the tandem's rise",
        "adversary_policy.persistence": f"how persistent {c}'s response is",
        "adversary_policy.shock_sd": f"the size of shocks to {c}'s response",
        "adversary_policy.lag": f"the lag of {c}'s response",
        "adversary_policy.front_A": f"{c}'s pressure on {a}",
        "adversary_policy.front_B": f"{c}'s pressure on {b}",
        "region_map.a_S": "the pressure at which hedging ends, a_S",
        "region_map.a_H": "the pressure at which hard balancing starts, a_H",
        "region_map.a_C": "the pressure at which chain-ganging starts, a_C",
        "region_map.r_B0": f"the gap at which {b} bandwagons with {a}, r_B0",
        "region_map.beta": "how fast pressure lowers the bandwagoning gap, beta",
        "region_map.r_P": f"the gap recovery at which {b} passes the buck, r_P",
        "region_map.r_C": "the largest gap that sustains chain-ganging, r_C",
    }
    return fixed.get(key, key)


def _p(x: float) -> str:
    """A probability with two decimals (``0.62``); NaN as ``NA``."""
    if x is None or not math.isfinite(float(x)):
        return "NA"
    text = f"{float(x):.2f}"
    return "0.00" if text == "-0.00" else text


def _signed(x: float, digits: int = 2) -> str:
    if x is None or not math.isfinite(float(x)):
        return "NA"
    text = f"{float(x):+.{digits}f}"
    return text.replace("-0." + "0" * digits, "+0." + "0" * digits)


# -- the summary -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Driver:
    """A parameter that moves a label's probability (from a Morris screening).

    ``mu_star``: the mean absolute change of the probability (0–1) when the parameter moves
    across its whole range [``low``, ``high``] (scenario units, e.g. a drift in log power per
    year).
    """

    parameter: str
    description: str
    mu_star: float
    low: float = math.nan
    high: float = math.nan


@dataclass(frozen=True)
class Outcome:
    """The most likely label at one year and how it moved from the base year.

    ``label`` is None (and ``p`` NaN) when the year's probabilities are NA. Probabilities are in
    [0, 1]. ``base_label`` is the most likely label in the base year; ``base_label_p`` its
    probability at ``year``, ``base_label_base_p`` at the base year. ``drivers``: None when the
    sensitivity was not computed for this year, else the top drivers of ``label`` (empty when no
    parameter of the design moves it).
    """

    year: int
    label: str | None
    p: float
    base_p: float
    base_label: str | None
    base_label_base_p: float
    base_label_p: float
    runner_up: str | None
    runner_up_p: float
    drivers: tuple[Driver, ...] | None = None


@dataclass(frozen=True)
class Summary:
    """The plain-language summary: an introduction, one sentence group per year shown (same
    order as ``outcomes``), the spread of the gap and response at the horizon, and a note on the
    drivers (how μ* reads, or why the drivers were not computed)."""

    outcomes: tuple[Outcome, ...]
    sentences: tuple[str, ...]
    drivers_note: str
    intro: str = ""
    spread: str = ""

    @property
    def text(self) -> str:
        """All sentences as one paragraph."""
        parts = [self.intro, *self.sentences, self.spread, self.drivers_note]
        return " ".join(p for p in parts if p)


def _modal(row: pd.Series) -> tuple[str | None, float]:
    values = pd.to_numeric(row, errors="coerce").astype(float)
    if values.isna().all():
        return None, math.nan
    label = str(values.idxmax())  # first maximum in LABELS order
    return label, float(values[label])


def outcomes(probability: pd.DataFrame, years: Sequence[int], base_year: int,
             drivers: Mapping[int, Mapping[str, Sequence[Driver]]] | None = None
             ) -> list[Outcome]:
    """The most likely outcome at each of ``years`` (see :class:`Outcome`).

    ``probability``: one row per year (index), one column per label (a subset of
    :data:`~realpolitik.models.labels.LABELS` is fine), values in [0, 1] or NaN. A year
    missing from the index counts as NA. Ties go to the label listed first.
    ``drivers[year][label]``: the top drivers, when computed.
    """
    cols = [c for c in LABELS if c in probability.columns]
    prob = probability[cols]
    empty = pd.Series(np.nan, index=cols, dtype=float)

    def row(y: int) -> pd.Series:
        return pd.Series(prob.loc[y], dtype=float) if y in prob.index else empty

    base = row(base_year)
    base_label, base_label_base_p = _modal(base)
    out = []
    for y in years:
        r = pd.to_numeric(row(int(y)), errors="coerce").astype(float)
        label, p = _modal(r)
        runner, runner_p = None, math.nan
        if label is not None:
            rest = r.drop(label).dropna()
            if len(rest):
                runner = str(rest.idxmax())
                runner_p = float(rest[runner])
        base_p = float(pd.to_numeric(base.get(label, np.nan))) if label is not None \
            else math.nan
        now_base = float(r.get(base_label, np.nan)) if base_label is not None else math.nan
        d: tuple[Driver, ...] | None = None
        if drivers is not None and int(y) in drivers and label is not None:
            d = tuple(drivers[int(y)].get(label, ()))
        out.append(Outcome(int(y), label, p, base_p, base_label, base_label_base_p, now_base,
                           runner, runner_p, d))
    return out


def _drivers_clause(o: Outcome, drivers: tuple[Driver, ...]) -> str:
    assert o.label is not None
    what = f"The probability of {label_text(o.label)} in {o.year}"
    if not drivers:
        return f" {what} does not change with any parameter of the sensitivity design."
    items = [f"{drivers[0].description} (μ* = {_p(drivers[0].mu_star)})",
             *[f"{d.description} ({_p(d.mu_star)})" for d in drivers[1:]]]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f" {what} depends most on {listed}."


def outcome_sentence(o: Outcome, base_year: int) -> str:
    """The sentence(s) for one :class:`Outcome` (see :func:`summarize`)."""
    if o.label is None:
        return f"In {o.year} the outcome probabilities are not available (NA)."
    text = f"In {o.year} the most likely outcome is {label_text(o.label)} (p = {_p(o.p)})"
    if not math.isfinite(o.base_p):
        text += f"; its probability in {base_year} is not available"
    elif _p(o.p) == _p(o.base_p):
        text += f", unchanged from {base_year}"
    else:
        way = "up" if float(_p(o.p)) > float(_p(o.base_p)) else "down"
        text += f", {way} from {_p(o.base_p)} in {base_year}"
    changed = o.base_label is not None and o.base_label != o.label
    if (o.runner_up is not None and math.isfinite(o.runner_up_p) and o.p - o.runner_up_p < CLOSE
            and not (changed and o.runner_up == o.base_label)):
        text += f", closely followed by {label_text(o.runner_up)} (p = {_p(o.runner_up_p)})"
    text += "."
    if changed and o.base_label is not None:
        text += (f" {label_text(o.base_label).capitalize()}, the most likely outcome in "
                 f"{base_year} (p = {_p(o.base_label_base_p)}), is down to "
                 f"{_p(o.base_label_p)}." if float(_p(o.base_label_p)) <
                 float(_p(o.base_label_base_p)) else
                 f" {label_text(o.base_label).capitalize()}, the most likely outcome in "
                 f"{base_year}, stands at {_p(o.base_label_p)}.")
    if o.drivers is not None:
        text += _drivers_clause(o, o.drivers)
    return text


def summarize(probability: pd.DataFrame, years: Sequence[int], base_year: int, *,
              drivers: Mapping[int, Mapping[str, Sequence[Driver]]] | None = None,
              drivers_note: str | None = None) -> Summary:
    """The plain-language summary of label probabilities (a pure function of the numbers).

    ``probability``: one row per year, one column per label (values in [0, 1], NaN for NA);
    ``years``: the years to describe; ``base_year``: t0. ``drivers[year][label]``: the
    parameters that move each label's probability most (:class:`Driver`, largest μ* first), or
    None if no sensitivity analysis was run — then ``drivers_note`` says why (default: "not
    computed").

    >>> prob = pd.DataFrame({"hedging": [1.0, 0.45], "bandwagoning": [0.0, 0.51],
    ...                      "soft_balancing": [0.0, 0.04]}, index=[2022, 2035])
    >>> print(summarize(prob, [2035], 2022).sentences[0])
    In 2035 the most likely outcome is bandwagoning (p = 0.51), up from 0.00 in 2022. Hedging,
    the most likely outcome in 2022 (p = 1.00), is down to 0.45.
    """
    outs = outcomes(probability, years, base_year, drivers)
    sentences = tuple(outcome_sentence(o, base_year) for o in outs)
    if drivers is None:
        note = drivers_note or "The parameters that drive these outcomes were not computed."
    else:
        note = drivers_note or ("μ* is the mean absolute change of a probability when the "
                                "parameter moves across its whole range (Morris screening).")
    return Summary(tuple(outs), sentences, note)


def intro_sentence(info: RunInfo) -> str:
    """The summary's first sentence: who, which scenario, how many trajectories, which run."""
    where = (f"stored as run {info.run_id}" if info.run_id else "not stored")
    return (f"Forecast of the {info.a}–{info.b} tandem against {info.c} under the "
            f"{info.scenario_name} scenario: {info.n_trajectories:,d} simulated trajectories "
            f"from {info.t0} to {info.horizon} (seed {info.seed}; {where}).")


def spread_sentence(rg: pd.Series, ar: pd.Series, year: int, names: Sequence[str],
                    base_year: int) -> str:
    """The median and outer quantile range of Rg and Ar at ``year`` in words.

    ``rg``, ``ar``: quantile (0–1) → value at ``year``. Rg = 1 means the ratio P_A/P_B doubled
    since the base year (s_g = ln 2), so A's lead is 2^Rg times that of the base year.

    >>> q = pd.Series([0.36, 0.96, 1.5], index=[0.05, 0.5, 0.95])
    >>> print(spread_sentence(q, q * 0.4, 2040, ("CHN", "RUS", "USA"), 2022))
    By 2040 the median power gap is Rg = +0.96 (90 % of trajectories between +0.36 and +1.50):
    the ratio of CHN's power to RUS's would be 1.9 times its 2022 value. The median response of
    USA is Ar = +0.38 (+0.14 to +0.60).
    """
    def parts(s: pd.Series) -> tuple[float, float, float, float] | None:
        s = s.dropna()
        if 0.5 not in s.index or len(s) < 3:
            return None
        lo_q, hi_q = float(min(s.index)), float(max(s.index))
        return float(s[0.5]), float(s[lo_q]), float(s[hi_q]), (hi_q - lo_q) * 100

    a, b, c = [*names, "A", "B", "C"][:3]
    out = []
    g = parts(rg)
    if g is not None:
        med, lo, hi, width = g
        out.append(f"By {year} the median power gap is Rg = {_signed(med)} ({width:.0f} % of "
                   f"trajectories between {_signed(lo)} and {_signed(hi)}): the ratio of "
                   f"{a}'s power to {b}'s would be {2.0 ** med:.1f} times its {base_year} "
                   "value.")
    r = parts(ar)
    if r is not None:
        med, lo, hi, _ = r
        out.append(f"The median response of {c} is Ar = {_signed(med)} ({_signed(lo)} to "
                   f"{_signed(hi)}).")
    return " ".join(out)


def fan_bands(quantiles: Sequence[float]) -> list[tuple[float, float]]:
    """Symmetric quantile pairs for a fan chart, outermost first.

    >>> fan_bands([0.05, 0.25, 0.5, 0.75, 0.95])
    [(0.05, 0.95), (0.25, 0.75)]
    """
    qs = sorted(float(q) for q in quantiles)
    lows = [q for q in qs if q < 0.5]
    highs = [q for q in qs if q > 0.5]
    return [(lo, highs[-1 - i]) for i, lo in enumerate(lows) if i < len(highs)]


# -- the content -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """What the report is about: a stored ``run`` (full run id) or a ``scenario`` (preset name
    or file path)."""

    kind: Literal["run", "scenario"]
    value: str


@dataclass(frozen=True)
class RunInfo:
    """Identity of the forecast. ``recorded``: the report ran the scenario and stored it."""

    source: Literal["run", "scenario"]
    run_id: str | None
    store: str | None
    scenario_name: str
    description: str
    a: str
    b: str
    c: str
    t0: int
    horizon: int
    index: str
    seed: int
    n_trajectories: int
    recorded: bool = False
    status: str = "complete"
    created: str = ""


@dataclass
class PlaneContent:
    """Figure 2: the plane's regions and everything drawn on it (Rg, Ar units, both 0 at t0).

    ``regions``: label → convex polygons as lists of (Rg, Ar) vertices; ``anchors``: label →
    where to write its name; ``box``: ((rg_min, rg_max), (ar_min, ar_max)). ``history``: the
    measured path ``year, rg, ar, label`` up to t0 (None if unavailable); ``median``: the
    forecast's marginal medians ``year, rg, ar`` (not one trajectory; the means if the run kept
    no median quantile); ``lines``: sampled
    trajectories ``trajectory, year, rg, ar``; ``cloud``: the sample at ``cloud_year``,
    ``rg, ar, label``.
    """

    regions: dict[str, list[list[tuple[float, float]]]]
    anchors: dict[str, tuple[float, float]]
    box: tuple[tuple[float, float], tuple[float, float]]
    map_name: str
    history: pd.DataFrame | None
    median: pd.DataFrame
    lines: pd.DataFrame | None
    cloud: pd.DataFrame | None
    cloud_year: int
    n_sample: int
    marks: list[int] = field(default_factory=list)


@dataclass
class ReportContent:
    """Everything the report shows. Frames hold the numbers to draw; ``missing[section]`` says
    why a section has nothing (a message), ``notes[section]`` adds caveats.

    Units: probabilities 0–1; Rg in doublings of P_A/P_B since t0 (s_g = ln 2); Ar in the
    scenario's pressure units relative to t0 (history: the measured threat score relative to
    t0); power in each index's unit; leeway in shares of freedom of action against C; Beaufre
    ratio (S_A + S_B)/S_C, dimensionless.
    """

    info: RunInfo
    summary: Summary
    dataset: xr.Dataset
    years: list[int]
    probability: pd.DataFrame  # year (index) × label
    table: pd.DataFrame  # year, labels…, rg_median, ar_median, beaufre_median
    fan: dict[str, pd.DataFrame]  # rg, ar, beaufre: year (index) × quantile
    bands: list[tuple[float, float]]
    plane: PlaneContent | None
    power: pd.DataFrame | None  # index, stateabb, year, power, partial
    gap: pd.DataFrame | None  # year, rg_<index>…, rg_min, rg_max, rg_spread, n_indices
    leeway: pd.DataFrame | None  # leeway_table at t0
    leeway_forecast: pd.DataFrame | None  # year, partner, stateabb, component, value
    strategy: pd.DataFrame | None  # domain, tandem_ratio (t0)
    strategy_info: dict[str, Any]
    sensitivity: pd.DataFrame | None  # year, label, parameter, description, mu_star, …
    drivers: pd.DataFrame | None  # year, label, p, rank, parameter, description, mu_star, …
    provenance: dict[str, Any]
    missing: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


# -- which forecast ---------------------------------------------------------------------------
def _store_path(store: str | Path | None) -> Path:
    from realpolitik.store import default_store_path

    return Path(store).expanduser() if store is not None else default_store_path()


def identify(target: str, store: str | Path | None = None) -> Source:
    """Decide whether ``target`` is a stored run or a scenario, unambiguously.

    A run is an id or a unique prefix of at least four characters of a run in ``store``; a
    scenario is a preset name or an existing file. ``run:ID`` and ``scenario:NAME`` force the
    choice. The store is only read (a missing store has no runs and is not created).
    """
    from realpolitik.simulate.scenario import PRESETS

    text = str(target).strip()
    if not text:
        raise InputError("no run id or scenario given", "e.g. realpolitik report status-quo")
    if text.startswith("scenario:"):
        return Source("scenario", text.split(":", 1)[1])
    forced_run = text.startswith("run:")
    if forced_run:
        text = text.split(":", 1)[1].strip()
    path = _store_path(store)
    ids: list[str] = []
    store_problem = ""
    try:
        from realpolitik.store import ResultsStore

        ids = [str(i) for i in ResultsStore(path).list_runs()["run_id"].tolist()]
    except RealpolitikError as exc:
        store_problem = str(exc)
    hits = [i for i in ids if i == text] or ([i for i in ids if i.startswith(text)]
                                             if len(text) >= 4 else [])
    is_scenario = not forced_run and (text in PRESETS or Path(text).is_file())
    if len(hits) == 1 and is_scenario:
        kind = "preset" if text in PRESETS else "scenario file"
        raise InputError(f"{text!r} is both a {kind} and stored run {hits[0]} in {path}",
                         f"write scenario:{text} or run:{hits[0]}")
    if len(hits) == 1:
        return Source("run", hits[0])
    if len(hits) > 1 and not is_scenario:
        raise InputError(f"run id prefix {text!r} matches {len(hits)} runs in {path}",
                         "give more characters: " + ", ".join(hits[:5]))
    if is_scenario:
        return Source("scenario", text)
    if forced_run:
        raise InputError(f"no run {text!r} in the store {path}" + (
            f" ({store_problem})" if store_problem else ""), "see `realpolitik runs list`")
    import difflib

    close = difflib.get_close_matches(text, [*PRESETS, *ids], n=3, cutoff=0.5)
    hint = ("did you mean " + ", ".join(close) + "?") if close else (
        "presets: " + ", ".join(PRESETS) + "; stored runs: `realpolitik runs list`")
    store_note = f"; the store {path} could not be read: {store_problem}" if store_problem \
        else ""
    if Path(text).suffix.lower() in (".yaml", ".yml", ".toml"):
        raise InputError(f"no scenario file {text!r}{store_note}",
                         "check the path, or give a preset name or a run id")
    raise InputError(f"{text!r} is neither a run in the store {path} nor a scenario preset or "
                     f"file{store_note}", hint)


# -- running a scenario ----------------------------------------------------------------------
def check_years(years: Sequence[int] | None, t0: int, horizon: int) -> list[int]:
    """The years the summary describes: ``years`` (each in (t0, horizon]) or, by default, the
    multiples of five after t0 and the horizon.

    >>> check_years(None, 2022, 2040)
    [2025, 2030, 2035, 2040]
    """
    if not years:
        return sorted({*(y for y in range(t0 + 1, horizon + 1) if y % 5 == 0), horizon})
    bad = [y for y in years if not t0 < int(y) <= horizon]
    if bad:
        raise InputError(f"--years {bad} outside the forecast ({t0}, {horizon}]",
                         f"choose years from {t0 + 1} to {horizon}")
    return sorted({int(y) for y in years})


def _progress(progress: ProgressFn | None) -> ProgressFn:
    return progress if progress is not None else (lambda step, done, total: None)


def run_forecast(sc: Scenario, resolved: Resolved, *, store: str | Path | None = None,
                 record: bool = True, workers: int = 2, progress: ProgressFn | None = None
                 ) -> tuple[xr.Dataset, str | None, str | None]:
    """Simulate a resolved scenario and, with ``record``, store it as ``realpolitik forecast``
    does (a failed or interrupted run is marked so). Returns (Dataset, run id, store path)."""
    from realpolitik.simulate.engine import simulate

    say = _progress(progress)
    store_obj = None
    run_id = None
    done = 0
    step = f"simulating {sc.trajectories:,d} trajectories"

    def advance(k: int) -> None:
        nonlocal done
        done += k
        say(step, done, sc.trajectories)

    with contextlib.ExitStack() as stack:  # a failed or interrupted run is marked failed
        if record:
            from realpolitik.store import ResultsStore

            store_obj = ResultsStore(_store_path(store))
            run_id = stack.enter_context(store_obj.recording({
                "scenario_name": sc.name, "config": sc.to_dict(), "seed": sc.seed,
                "data": resolved.provenance.get("data", {}),
                "version": resolved.provenance.get("version"),
                "n_trajectories": sc.trajectories, "t0": resolved.t0, "horizon": sc.horizon,
                "provenance": resolved.provenance, "workers": workers, "origin": "report"}))
        say(step, 0, sc.trajectories)
        ds = simulate(resolved, workers=workers, progress=advance)
        if store_obj is not None and run_id is not None:
            store_obj.write_summary(run_id, ds)
    return ds, run_id, None if store_obj is None else str(store_obj.path)


def _sweep_member(st: Any, record: Mapping[str, Any], label: str | None
                  ) -> tuple[Any, dict[str, Any]]:
    """One scenario of a stored sweep: its engine Dataset (rebuilt from the chunks) and its
    scenario as a dict. A sweep without ``label`` is an error listing its labels."""
    from realpolitik.simulate.sweep import sweep_dataset, sweep_scenarios

    run_id = str(record["run_id"])
    scenarios = sweep_scenarios(st, run_id)
    labels = list(scenarios)
    shown = "; ".join(labels[:6]) + (f"; … ({len(labels)} in all)" if len(labels) > 6 else "")
    if label is None:
        raise InputError(f"run {run_id} is a sweep of {len(labels)} scenario(s); a report "
                         "covers one forecast",
                         f"add --sweep-scenario LABEL, one of: {shown}")
    if label not in scenarios:
        import difflib

        close = difflib.get_close_matches(label, labels, n=3, cutoff=0.4)
        raise InputError(f"sweep {run_id} has no scenario {label!r}",
                         ("did you mean " + "; ".join(close) + "?") if close
                         else f"its scenarios: {shown}")
    if record["status"] != "complete":
        raise InputError(f"sweep {run_id} is {record['status']}; its scenarios are not all "
                         "computed", f"resume it first: realpolitik sweep --resume {run_id}")
    ds = sweep_dataset(st, run_id, label)
    sc = scenarios[label]
    ds.attrs["scenario_name"] = f"{sc.name} [{label}]"
    return ds, sc.to_dict()


def build_report(target: str | Source, *, store: str | Path | None = None, record: bool = True,
                 trajectories: int | None = None, seed: int | None = None,
                 years: Sequence[int] | None = None, sensitivity: bool = True,
                 workers: int = 2, history: int = HISTORY_YEARS,
                 progress: ProgressFn | None = None,
                 sweep_scenario: str | None = None) -> ReportContent:
    """The report's content for a stored run id or a scenario (preset name or file).

    ``target``: see :func:`identify`. For a scenario, ``trajectories`` and ``seed`` override
    the scenario's, and the forecast is recorded in ``store`` unless ``record`` is False; for a
    run they must be None. ``years``: the years the summary describes (default every five years
    and the horizon). ``sensitivity``: run the small Morris screening for the drivers (a few
    seconds). ``history``: years of measured history before t0. ``progress(step, done,
    total)`` is called as the work advances. ``sweep_scenario``: for a sweep run, the label of
    the scenario to report (its Dataset is rebuilt from the sweep's chunks).

    Everything a user can get wrong (unknown run or scenario, years outside the forecast, a
    bad override) fails with :class:`~realpolitik.errors.InputError` before the store is
    written.
    """
    say = _progress(progress)
    src = target if isinstance(target, Source) else identify(target, store)
    if sweep_scenario is not None and src.kind != "run":
        raise InputError("--sweep-scenario picks a scenario of a stored sweep run",
                         "give the sweep's run id, or drop --sweep-scenario")
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    if src.kind == "run":
        for name, value in (("--trajectories", trajectories), ("--seed", seed)):
            if value is not None:
                raise InputError(f"{name} applies to a scenario, not to stored run "
                                 f"{src.value}", f"drop {name}, or give a scenario instead")
        from realpolitik.store import ResultsStore

        say("loading the stored run", None, None)
        st = ResultsStore(_store_path(store))
        record_ = st.get_run(src.value)
        if record_["config"].get("kind") == "sweep":
            ds, sc_dict = _sweep_member(st, record_, sweep_scenario)
        else:
            if sweep_scenario is not None:
                raise InputError(f"--sweep-scenario applies to sweep runs; run "
                                 f"{record_['run_id']} is a forecast", "drop --sweep-scenario")
            ds = st.load_dataset(src.value)
            sc_dict = {}
        t0, horizon = int(ds.attrs["t0"]), int(ds.attrs["horizon"])
        shown = check_years(years, t0, horizon)
        prov = _json(ds.attrs.get("provenance"))
        sc_dict = sc_dict or dict(prov.get("scenario") or record_.get("config") or {})
        sc, resolved, note = _rebuild(sc_dict, t0, prov, src.value, say)
        info = _info_from_dataset(ds, "run", record_["run_id"], str(st.path), sc_dict,
                                  recorded=False, created=str(
                                      record_.get("timings", {}).get("started_at", "")))
        timings["load"] = time.perf_counter() - t_start
        content = content_from_dataset(ds, info, shown, scenario=sc, resolved=resolved,
                                       sensitivity=sensitivity, history=history,
                                       progress=progress, timings=timings)
        if note:
            for section in ("plane", "sensitivity"):
                content.notes.setdefault(section, []).append(note)
        return content
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_scenario

    sc = load_scenario(src.value)
    overrides: dict[str, Any] = {}
    if trajectories is not None:
        overrides["trajectories"] = trajectories
    if seed is not None:
        overrides["seed"] = seed
    if overrides:
        sc = sc.with_overrides(overrides)
    say("resolving the scenario against the data", None, None)
    resolved = resolve(sc)
    shown = check_years(years, resolved.t0, sc.horizon)
    timings["resolve"] = time.perf_counter() - t_start
    t1 = time.perf_counter()
    ds, run_id, store_path = run_forecast(sc, resolved, store=store, record=record,
                                          workers=workers, progress=progress)
    timings["simulate"] = time.perf_counter() - t1
    info = _info_from_dataset(ds, "scenario", run_id, store_path, sc.to_dict(),
                              recorded=run_id is not None,
                              created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return content_from_dataset(ds, info, shown, scenario=sc, resolved=resolved,
                                sensitivity=sensitivity, history=history, progress=progress,
                                timings=timings)


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        out = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def _rebuild(sc_dict: dict[str, Any], t0: int, prov: dict[str, Any], run_id: str,
             say: ProgressFn) -> tuple[Scenario | None, Resolved | None, str]:
    """A stored run's scenario (t0 pinned) resolved again, if the data still give the same
    inputs; else (scenario or None, None, why)."""
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import parse_scenario

    try:
        sc = parse_scenario({**sc_dict, "t0": t0}, f"run {run_id}'s scenario")
    except RealpolitikError as exc:
        return None, None, f"the run's scenario cannot be read again ({exc})"
    say("resolving the run's scenario against the data", None, None)
    try:
        resolved = resolve(sc)
    except RealpolitikError as exc:
        return sc, None, f"the run's scenario cannot be resolved again ({exc})"
    same = prov.get("data") == resolved.provenance.get("data")
    est_then = prov.get("estimates") or {}
    est_now = resolved.provenance.get("estimates") or {}
    for role in "ABC":
        for key in ("drift", "volatility"):
            a = (est_then.get(role) or {}).get(key)
            b = (est_now.get(role) or {}).get(key)
            if a is None or b is None or not math.isclose(float(a), float(b), rel_tol=1e-12,
                                                          abs_tol=1e-15):
                same = False
    if not same:
        return sc, None, ("the bundled data or the growth estimates changed since the run, so "
                          "its trajectories cannot be sampled again; the sample and the drivers "
                          "are left out")
    return sc, resolved, ""


def _info_from_dataset(ds: xr.Dataset, source: Literal["run", "scenario"], run_id: str | None,
                       store: str | None, sc_dict: Mapping[str, Any], *, recorded: bool,
                       created: str) -> RunInfo:
    tandem = str(ds.attrs.get("tandem", "A-B")).split("-")
    a, b = [*tandem, "A", "B"][:2]
    return RunInfo(
        source=source, run_id=run_id, store=store,
        scenario_name=str(ds.attrs.get("scenario_name", sc_dict.get("name", "custom"))),
        description=str(sc_dict.get("description", "")), a=a, b=b,
        c=str(ds.attrs.get("adversary", "C")), t0=int(ds.attrs["t0"]),
        horizon=int(ds.attrs["horizon"]), index=str(sc_dict.get("index", "cinc")),
        seed=int(ds.attrs["seed"]), n_trajectories=int(ds.attrs["n_trajectories"]),
        recorded=recorded, created=created)


# -- the sections ----------------------------------------------------------------------------
def _attempt(missing: dict[str, str], section: str, fn: Callable[[], Any]) -> Any:
    """``fn()``, or None with the message recorded when the data do not allow it."""
    try:
        return fn()
    except RealpolitikError as exc:
        missing[section] = str(exc)
        return None


def _quantile_frame(ds: xr.Dataset, name: str) -> pd.DataFrame:
    da = ds[name].transpose("year", "quantile")
    return pd.DataFrame(np.asarray(da.values, dtype=float),
                        index=pd.Index(np.asarray(ds["year"].values, dtype=int), name="year"),
                        columns=[float(q) for q in ds["quantile"].values])


def content_from_dataset(ds: xr.Dataset, info: RunInfo, years: Sequence[int], *,
                         scenario: Scenario | None = None, resolved: Resolved | None = None,
                         sensitivity: bool = True, history: int = HISTORY_YEARS,
                         progress: ProgressFn | None = None,
                         timings: dict[str, float] | None = None) -> ReportContent:
    """Gather every section around a forecast Dataset (see the module docstring).

    ``scenario``/``resolved``: the forecast's scenario and its resolution (needed for the
    trajectory sample and the drivers; without ``resolved`` those are left out with a note).
    """
    say = _progress(progress)
    timings = dict(timings or {})
    missing: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    a, b, c, t0, horizon = info.a, info.b, info.c, info.t0, info.horizon
    index = scenario.index if scenario is not None else info.index

    da = ds["probability"].transpose("year", "label")
    prob = pd.DataFrame(np.asarray(da.values, dtype=float),
                        index=pd.Index(np.asarray(ds["year"].values, dtype=int), name="year"),
                        columns=[str(x) for x in ds["label"].values])
    fan = {k: _quantile_frame(ds, f"{k}_quantile") for k in ("rg", "ar", "beaufre")}
    quantiles = [float(q) for q in ds["quantile"].values]
    bands = fan_bands(quantiles)
    rows = [y for y in [t0, *years] if y in prob.index]
    table = prob.loc[rows].reset_index()
    table = table.rename(columns={table.columns[0]: "year"})
    for k in ("rg", "ar", "beaufre"):
        med = fan[k][0.5] if 0.5 in fan[k].columns else pd.Series(np.nan, index=fan[k].index)
        table[f"{k}_median"] = med.reindex(rows).to_numpy(float)

    # historical measures ---------------------------------------------------------------------
    t1 = time.perf_counter()
    say("measuring the history: plane, power, gap, leeway, strategy", None, None)
    first = max(1816, t0 - history)
    the_map = _map_of(resolved, scenario)
    hist = _attempt(missing, "plane.history", lambda: _history(a, b, c, first, t0, index,
                                                                the_map))
    power_frame = _power(a, b, c, first, t0, missing, notes)
    gap_frame = _attempt(missing, "gap", lambda: _gap(a, b, first, t0, notes))
    leeway_frame = _attempt(missing, "leeway", lambda: _leeway(a, b, c, t0, index, resolved))
    strategy_frame, strategy_info = _strategy(a, b, c, t0, missing)
    timings["measures"] = time.perf_counter() - t1

    # the sample of trajectories and the plane -----------------------------------------------
    t1 = time.perf_counter()
    sample = None
    if resolved is not None:
        say("sampling trajectories for the fan", None, None)
        sample = _sample(resolved, info.seed, info.n_trajectories)
    else:
        notes.setdefault("plane", []).append("no trajectory sample: the run's scenario could "
                                             "not be resolved again")
    means = (np.asarray(ds["rg_mean"].values, dtype=float),
             np.asarray(ds["ar_mean"].values, dtype=float))
    plane = _plane(the_map, hist, fan, bands, sample, years, horizon, means)
    timings["sample"] = time.perf_counter() - t1

    leeway_forecast = _leeway_forecast(ds, a, b)

    # sensitivity -------------------------------------------------------------------------------
    t1 = time.perf_counter()
    sens = None
    drivers_map: dict[int, dict[str, list[Driver]]] | None = None
    drivers_note: str | None = None
    if not sensitivity:
        drivers_note = ("The parameters that drive these outcomes were not computed "
                        "(--no-sensitivity).")
        missing["sensitivity"] = "not computed (--no-sensitivity)"
    elif scenario is None or resolved is None:
        drivers_note = ("The parameters that drive these outcomes were not computed: the "
                        "run's scenario could not be simulated again.")
        missing["sensitivity"] = "not computed: the run's scenario could not be simulated again"
    else:
        sens_years = list(years)[-MAX_SENSITIVITY_YEARS:]
        sens = _attempt(missing, "sensitivity",
                        lambda: _sensitivity(scenario, sens_years, info.seed, (a, b, c), say))
        if sens is None:
            drivers_note = ("The parameters that drive these outcomes were not computed: "
                            f"{missing['sensitivity']}.")
        else:
            drivers_map = _drivers_map(sens, (a, b, c))
            cfg = sens.attrs.get("config", {})
            skipped = [y for y in years if y not in sens_years]
            drivers_note = (
                "μ* is the mean absolute change of a probability when the parameter moves "
                "across its whole range (Morris screening of "
                f"{len(cfg.get('params', []))} parameters, r = {SENSITIVITY_R}, "
                f"{SENSITIVITY_TRAJECTORIES:,d} simulated trajectories per evaluation, seed "
                f"{info.seed}).")
            if skipped:
                drivers_note += " Drivers computed for " + ", ".join(map(str, sens_years)) + \
                    " only."
    timings["sensitivity"] = time.perf_counter() - t1

    summary = summarize(prob, list(years), t0, drivers=drivers_map, drivers_note=drivers_note)
    spread = spread_sentence(pd.Series(fan["rg"].loc[horizon], dtype=float),
                             pd.Series(fan["ar"].loc[horizon], dtype=float), horizon,
                             (a, b, c), t0) if horizon in fan["rg"].index else ""
    summary = dataclasses.replace(summary, intro=intro_sentence(info), spread=spread)
    drivers_table = _drivers_table(summary, sens)

    frames: list[Any] = [hist, gap_frame, leeway_frame, strategy_frame, sens, power_frame]
    provenance = _provenance(ds, info, scenario, resolved, frames, the_map, sens)
    provenance["timings"] = {**_json(ds.attrs.get("timings")), **timings}
    return ReportContent(
        info=info, summary=summary, dataset=ds, years=list(years), probability=prob,
        table=table, fan=fan, bands=bands, plane=plane, power=power_frame, gap=gap_frame,
        leeway=leeway_frame, leeway_forecast=leeway_forecast, strategy=strategy_frame,
        strategy_info=strategy_info, sensitivity=sens, drivers=drivers_table,
        provenance=provenance, missing=missing, notes=notes, timings=timings)


def _map_of(resolved: Resolved | None, scenario: Scenario | None) -> RegionMap:
    from realpolitik.models.plane import get_map, region_map

    if resolved is not None:
        return resolved.region_map
    if scenario is not None:
        rm = dict(scenario.region_map)
        return region_map(rm.pop("base", "default"), **rm)
    return get_map("default")


def _history(a: str, b: str, c: str, first: int, t0: int, index: str,
             the_map: RegionMap) -> pd.DataFrame:
    from realpolitik.measures.trajectory import trajectory

    frame = trajectory(a, b, c, years=(first, t0), base=t0, index=index, region_map=the_map)
    out = frame[["year", "rg", "ar", "label"]].copy()
    out["year"] = out["year"].astype(int)
    out["label"] = out["label"].astype("string")
    out.attrs = dict(frame.attrs)
    return out


def _power(a: str, b: str, c: str, first: int, t0: int, missing: dict[str, str],
           notes: dict[str, list[str]]) -> pd.DataFrame | None:
    from realpolitik.measures.power import power

    parts = []
    prov: dict[str, Any] = {"data": {}}
    for idx in INDICES:
        try:
            frame = power([a, b, c], years=(first, t0), index=idx)
        except RealpolitikError as exc:
            notes.setdefault("power", []).append(f"{idx}: {exc}")
            continue
        prov["data"].update(frame.attrs.get("provenance", {}).get("data", {}))
        parts.append(frame[["index", "stateabb", "year", "power", "partial"]])
    if not parts:
        missing["power"] = "no power index has data for " + ", ".join((a, b, c))
        return None
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["power"] = out["power"].astype(float)
    out.attrs["provenance"] = prov
    return out


def _gap(a: str, b: str, first: int, t0: int, notes: dict[str, list[str]]) -> pd.DataFrame:
    """Rg under each index with the spread across them; an index without data for the base
    year is left out (noted) and the spread is taken over the others (NA where none has a
    value)."""
    from realpolitik.measures.gap import power_gap, power_gap_spread

    try:
        spread = power_gap_spread(a, b, base=t0, years=(first, t0))
    except RealpolitikError as exc:
        first_error = str(exc)
    else:
        wide = spread[1].copy()
        wide["year"] = wide["year"].astype(int)
        wide.attrs = dict(spread[1].attrs)
        if not wide.attrs.get("provenance"):
            wide.attrs["provenance"] = spread[0].attrs.get("provenance", {})
        return wide
    parts: dict[str, pd.Series] = {}
    data: dict[str, str] = {}
    for idx in INDICES:
        try:
            g = power_gap(a, b, base=t0, years=(first, t0), index=idx)
        except RealpolitikError as exc:
            notes.setdefault("gap", []).append(f"Rg ({idx}) left out: {exc}")
            continue
        parts[f"rg_{idx}"] = pd.Series(g["rg"].to_numpy(float),
                                       index=g["year"].astype(int).to_numpy())
        data.update((g.attrs.get("provenance") or {}).get("data") or {})
    if not parts:
        raise InputError(first_error)
    wide = pd.DataFrame(parts).sort_index()
    cols = list(parts)
    wide["rg_min"] = wide[cols].min(axis=1, skipna=True)
    wide["rg_max"] = wide[cols].max(axis=1, skipna=True)
    wide["rg_spread"] = wide["rg_max"] - wide["rg_min"]
    wide["n_indices"] = wide[cols].notna().sum(axis=1)
    wide.index.name = "year"
    wide = wide.reset_index()
    wide["year"] = wide["year"].astype(int)
    wide.attrs = {"provenance": {"data": data}, "base": t0}
    return wide


def _leeway(a: str, b: str, c: str, t0: int, index: str,
            resolved: Resolved | None) -> pd.DataFrame:
    from realpolitik.measures.leeway_inputs import leeway_table

    if resolved is not None:
        return leeway_table(a, b, c, t0, index=index, regions=resolved.regions,
                            params=resolved.leeway)
    return leeway_table(a, b, c, t0, index=index)


def _strategy(a: str, b: str, c: str, t0: int, missing: dict[str, str]
              ) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    from realpolitik.measures.strategy_inputs import strategy_table

    try:
        frame = strategy_table(a, b, c, t0)
    except RealpolitikError as exc:
        missing["beaufre.base"] = str(exc)
        return None, {}
    info = dict(frame.attrs.get("strategy", {}))
    per = frame.drop_duplicates("domain")[["domain", "tandem_ratio"]].reset_index(drop=True)
    per["tandem_ratio"] = per["tandem_ratio"].astype(float)
    per.attrs["provenance"] = frame.attrs.get("provenance", {})
    return per, info


def _sample(resolved: Resolved, seed: int, n_total: int) -> dict[str, np.ndarray]:
    """The run's first block of trajectories (up to 1,024), drawn again from its seed."""
    from realpolitik.simulate.engine import simulate_blocks

    part = simulate_blocks(resolved, seed, n_total, 0, 1, keep_trajectories=True)
    assert part.trajectories is not None
    return {"rg": part.trajectories["rg"], "ar": part.trajectories["ar"],
            "label": part.trajectories["label"], "years": np.asarray(resolved.years)}


def _plane(the_map: RegionMap, hist: pd.DataFrame | None, fan: dict[str, pd.DataFrame],
           bands: list[tuple[float, float]], sample: dict[str, np.ndarray] | None,
           years: Sequence[int], horizon: int,
           means: tuple[np.ndarray, np.ndarray]) -> PlaneContent:
    from realpolitik.models.plane import plot_box, region_anchors, region_polygons

    rg_q, ar_q = fan["rg"], fan["ar"]
    if 0.5 in rg_q.columns and 0.5 in ar_q.columns:
        median = pd.DataFrame({"year": rg_q.index.astype(int), "rg": rg_q[0.5].to_numpy(),
                               "ar": ar_q[0.5].to_numpy()})
    else:  # no median among the run's quantiles: the means
        median = pd.DataFrame({"year": rg_q.index.astype(int), "rg": means[0], "ar": means[1]})
    xs = [median["rg"].to_numpy(float)]
    ys = [median["ar"].to_numpy(float)]
    if bands:
        lo, hi = bands[0]
        xs += [rg_q[lo].to_numpy(float), rg_q[hi].to_numpy(float)]
        ys += [ar_q[lo].to_numpy(float), ar_q[hi].to_numpy(float)]
    if hist is not None:
        xs.append(hist["rg"].to_numpy(float))
        ys.append(hist["ar"].to_numpy(float))
    if sample is not None:  # the cloud, without its most extreme 1 % on each side
        xs.append(np.nanquantile(sample["rg"][:, -1], [0.01, 0.99]))
        ys.append(np.nanquantile(sample["ar"][:, -1], [0.01, 0.99]))
    box = plot_box(np.concatenate(xs), np.concatenate(ys))
    box = ((round(box[0][0], 6), round(box[0][1], 6)), (round(box[1][0], 6), round(box[1][1], 6)))
    polys = region_polygons(the_map, *box)
    regions = {lab: [[(float(x), float(y)) for x, y in poly] for poly in ps]
               for lab, ps in polys.items()}
    anchors = {k: (float(v[0]), float(v[1])) for k, v in
               region_anchors(the_map, *box).items()}
    lines = cloud = None
    n_sample = 0
    if sample is not None:
        rg, ar = sample["rg"], sample["ar"]
        yrs = sample["years"].astype(int)
        n_sample = int(rg.shape[0])
        k = min(SAMPLE_LINES, n_sample)
        lines = pd.DataFrame({"trajectory": np.repeat(np.arange(k), len(yrs)),
                              "year": np.tile(yrs, k), "rg": rg[:k].ravel(),
                              "ar": ar[:k].ravel()})
        last = int(np.flatnonzero(yrs == horizon)[0]) if horizon in yrs else len(yrs) - 1
        cloud = pd.DataFrame({"rg": rg[:, last], "ar": ar[:, last],
                              "label": [LABELS[int(i)] for i in sample["label"][:, last]]})
    return PlaneContent(regions=regions, anchors=anchors, box=box, map_name=str(the_map.name),
                        history=hist, median=median, lines=lines, cloud=cloud,
                        cloud_year=horizon, n_sample=n_sample, marks=list(years))


def _leeway_forecast(ds: xr.Dataset, a: str, b: str) -> pd.DataFrame | None:
    if "leeway_mean" not in ds:
        return None
    comps = [x for x in ("macro", "total") if x in ds["component"].values]
    frame = ds["leeway_mean"].sel(component=comps).to_dataframe().reset_index()
    frame = frame.rename(columns={"leeway_mean": "value"})
    frame["stateabb"] = frame["partner"].map({"A": a, "B": b})
    frame["year"] = frame["year"].astype(int)
    frame["component"] = frame["component"].astype(str)
    return frame[["year", "partner", "stateabb", "component", "value"]]


def _sensitivity(sc: Scenario, years: Sequence[int], seed: int, names: Sequence[str],
                 say: ProgressFn) -> pd.DataFrame:
    from realpolitik.simulate.sensitivity import sensitivity

    parts = []
    config: dict[str, Any] = {}
    prov: dict[str, Any] = {}
    for i, y in enumerate(years):
        step = f"sensitivity: Morris screening for {y} ({i + 1}/{len(years)})"
        say(step, 0, None)

        def tick(done: int, total: int, s: str = step) -> None:
            say(s, done, total)

        frame = sensitivity(sc, method="morris", year=int(y), n_base=SENSITIVITY_R,
                            trajectories=SENSITIVITY_TRAJECTORIES, seed=int(seed),
                            progress=tick)
        prov = frame.attrs.get("provenance", {})
        config = dict(prov.get("config", {}))
        outputs = frame.attrs.get("outputs", {})
        frame = frame.copy()
        frame.insert(0, "year", int(y))
        means = {lab: float(v.get("mean", math.nan)) for lab, v in outputs.items()}
        frame["p_mean"] = frame["label"].map(means).astype(float)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    ranges = {p["key"]: (float(p["low"]), float(p["high"])) for p in config.get("params", [])}
    out["description"] = out["parameter"].map(lambda k: describe_parameter(str(k), names))
    out["low"] = out["parameter"].map(lambda k: ranges.get(str(k), (math.nan, math.nan))[0])
    out["high"] = out["parameter"].map(lambda k: ranges.get(str(k), (math.nan, math.nan))[1])
    config.pop("year", None)
    config["years"] = [int(y) for y in years]
    out.attrs = {"provenance": {**prov, "config": config}, "config": config}
    return out


def _drivers_map(sens: pd.DataFrame, names: Sequence[str]
                 ) -> dict[int, dict[str, list[Driver]]]:
    from realpolitik.simulate.sensitivity import top_drivers

    out: dict[int, dict[str, list[Driver]]] = {}
    for y, part in sens.groupby("year", sort=True):
        per: dict[str, list[Driver]] = {}
        for label in LABELS:
            top = top_drivers(part, label, k=TOP_DRIVERS)
            top = top[top["mu_star"] > 0]
            per[label] = [Driver(str(r["parameter"]), describe_parameter(str(r["parameter"]),
                                                                         names),
                                 float(r["mu_star"]), float(r["low"]), float(r["high"]))
                          for r in top.to_dict("records")]
        out[int(str(y))] = per
    return out


def _drivers_table(summary: Summary, sens: pd.DataFrame | None) -> pd.DataFrame | None:
    if sens is None:
        return None
    rows = []
    for o in summary.outcomes:
        if o.label is None or o.drivers is None:
            continue
        for rank, d in enumerate(o.drivers, start=1):
            rows.append({"year": o.year, "label": o.label, "p": o.p, "rank": rank,
                         "parameter": d.parameter, "description": d.description,
                         "mu_star": d.mu_star, "low": d.low, "high": d.high})
    return pd.DataFrame(rows, columns=["year", "label", "p", "rank", "parameter",
                                       "description", "mu_star", "low", "high"])


def _provenance(ds: xr.Dataset, info: RunInfo, scenario: Scenario | None,
                resolved: Resolved | None, frames: Sequence[Any], the_map: RegionMap,
                sens: pd.DataFrame | None) -> dict[str, Any]:
    """Versions, data sets with citations, literature, parameters, estimates, seed."""
    from realpolitik.data import catalog, cite
    from realpolitik.references import WORKS, components

    prov = _json(ds.attrs.get("provenance"))
    data: dict[str, str] = dict(prov.get("data") or {})
    for f in frames:
        if f is not None:
            data.update((f.attrs.get("provenance") or {}).get("data") or {})
    cat = catalog()
    datasets = []
    for key in sorted(data):
        meta = cat.get(key, {})
        try:
            bib = cite(key).strip()
        except RealpolitikError:
            bib = ""
        datasets.append({"key": key, "title": str(meta.get("title", key)),
                         "version": str(data[key]),
                         "citation": " ".join(str(meta.get("citation_text", "")).split()),
                         "bibtex": bib})
    wanted = [f"plane.map.{the_map.name}", "plane.classify", "threat",
              *[f"power.{i}" for i in INDICES], "leeway", "beaufre_tandem_ratio",
              "beaufre_pattern"]
    comps = {cm.name: cm for cm in components()}
    keys: list[str] = []
    for name in wanted:
        for w in (comps[name].works if name in comps else ()):
            if w not in keys:
                keys.append(w)
    for w in getattr(the_map, "sources", ()) or ():
        if w in WORKS and w not in keys:
            keys.append(w)
    literature = [{"key": k, "short": WORKS[k].short, "full": WORKS[k].full(),
                   "verified": WORKS[k].verified} for k in keys if k in WORKS]
    scenario_dict = scenario.to_dict() if scenario is not None else dict(
        prov.get("scenario") or {})
    estimates = (resolved.provenance.get("estimates") if resolved is not None
                 else prov.get("estimates")) or {}
    return {
        "package": "realpolitik", "version": str(prov.get("version") or __version__),
        "report_version": __version__, "run_id": info.run_id, "store": info.store,
        "source": info.source, "recorded": info.recorded, "created": info.created,
        "scenario_name": info.scenario_name, "seed": info.seed,
        "n_trajectories": info.n_trajectories, "t0": info.t0, "horizon": info.horizon,
        "index": info.index, "tandem": [info.a, info.b], "adversary": info.c,
        "scenario": scenario_dict, "estimates": estimates,
        "region_map": json.loads(the_map.model_dump_json()),
        "datasets": datasets, "literature": literature,
        "sensitivity": None if sens is None else sens.attrs.get("config", {}),
    }
