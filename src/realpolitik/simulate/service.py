"""Bounded, validated entry points for interactive front ends (the web API and its dashboard).

An interface passes what a user sent — state names, years, a preset *name*, dotted scenario keys
— and gets back the library's own results (DataFrames, the engine's Dataset) or JSON-ready
dictionaries built from them. This module adds no model arithmetic: it validates, enforces the
size limits of :class:`Limits`, calls :mod:`realpolitik.measures`, :mod:`realpolitik.models` and
:mod:`realpolitik.simulate`, and arranges their results.

Errors a user can cause are :class:`FieldError` (an :class:`~realpolitik.errors.InputError`
that names the request field, e.g. ``a``, ``horizon`` or ``adversary_policy.gain``); requests
over a limit are :class:`OversizeError` (refused before any work). No function here takes a
file name: presets are looked up by name among :data:`~realpolitik.simulate.scenario.PRESETS`,
never on disk.

>>> req = ForecastRequest(preset="containment", trajectories=2048, seed=7,
...                       overrides={"adversary_policy.gain": 1.5})
>>> sc = build_scenario(req, Limits())
>>> sc.name, sc.trajectories, sc.adversary_policy.gain
('containment', 2048, 1.5)
>>> build_scenario(ForecastRequest(trajectories=10**6), Limits()).trajectories
Traceback (most recent call last):
...
realpolitik.simulate.service.OversizeError: trajectories = 1000000 exceeds this server's limit ...
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from realpolitik.data.states import State, all_states, resolve_state
from realpolitik.errors import InputError, RealpolitikError, UnknownStateError
from realpolitik.models.labels import ESSAY_NUMBER, LABELS
from realpolitik.simulate.resolve import resolve_cached
from realpolitik.simulate.scenario import PRESETS, Scenario, load_preset

if TYPE_CHECKING:
    import xarray as xr

    from realpolitik.simulate.resolve import Resolved

__all__ = [
    "SLIDERS",
    "FieldError",
    "Forecast",
    "ForecastRequest",
    "Limits",
    "OversizeError",
    "build_scenario",
    "dataset_json",
    "field_of",
    "forecast_json",
    "frame_records",
    "jsonable",
    "label_info",
    "major_powers",
    "parse_assignments",
    "preset_info",
    "region_geometry",
    "resolve_cached",
    "run_forecast",
    "search_states",
    "state_field",
]


# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """Size limits of one request; anything larger is refused (never queued).

    ``max_trajectories`` and ``max_years`` (horizon − t0) bound a forecast (one that names no
    size runs ``default_trajectories``, at most ``max_trajectories``), ``max_points`` the
    points of one classification, ``max_states`` the states of one power query,
    ``max_overrides`` the scenario keys one forecast may set, ``max_concurrent_forecasts`` the
    forecasts running at once (more are answered "busy"), ``max_body_bytes`` a request body.
    """

    max_trajectories: int = 50_000
    default_trajectories: int = 10_240
    max_years: int = 100
    max_points: int = 1_000
    max_states: int = 20
    max_overrides: int = 40
    max_concurrent_forecasts: int = 2
    max_body_bytes: int = 65_536
    workers: int = 1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"limit {f.name} = {value!r} must be a positive integer")
        if self.max_trajectories > 10_000_000:
            raise InputError(f"max_trajectories = {self.max_trajectories:,d} is too large for "
                             "an interactive server", "use at most 10,000,000")
        if self.default_trajectories > self.max_trajectories:
            object.__setattr__(self, "default_trajectories", self.max_trajectories)
        if self.max_years > 200:
            raise InputError(f"max_years = {self.max_years} exceeds a scenario's 200 years")

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


class FieldError(InputError):
    """A user error tied to one request field (``field``; ``None`` when no field is to blame).
    ``kind`` names the underlying error class (e.g. ``UnknownStateError``)."""

    def __init__(self, field: str | None, message: str, hint: str | None = None,
                 kind: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field
        self.kind = kind or type(self).__name__


class OversizeError(FieldError):
    """A request over one of the :class:`Limits` (refused before anything is simulated)."""


def _oversize(name: str, value: int, limit: int, what: str) -> OversizeError:
    return OversizeError(name, f"{name} = {value} exceeds this server's limit of {limit}",
                         f"ask for at most {limit:,d} {what}")


def _too_many_years(name: str, t0: int, horizon: int, limits: Limits) -> OversizeError:
    return OversizeError(name, f"horizon {horizon} is {horizon - t0} years after t0 {t0}, over "
                         f"this server's limit of {limits.max_years} years",
                         f"choose a horizon up to {t0 + limits.max_years}")


def field_of(exc: RealpolitikError, candidates: Sequence[str], default: str | None = None
             ) -> str | None:
    """The request field an error from the library is about: the first of ``candidates`` that
    the message names as a word, else ``default``. A :class:`FieldError` keeps its own."""
    if isinstance(exc, FieldError):
        return exc.field
    text = exc.message
    for name in candidates:
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, flags=re.IGNORECASE):
            return name
    return default


def state_field(value: str | int, name: str, year: int | None = None) -> State:
    """Resolve a user's state for request field ``name`` (errors name the field)."""
    try:
        return resolve_state(value, year)
    except RealpolitikError as exc:
        raise FieldError(name, exc.message, exc.hint, type(exc).__name__) from None


# ---------------------------------------------------------------------------------------------
# JSON
def jsonable(value: Any) -> Any:
    """``value`` with NumPy/pandas scalars as Python ones, NaN/±inf/NA as ``None``, tuples as
    lists, timestamps as ISO text (recursively through dicts and lists)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts: exact Python floats, NaN/NA → ``None``."""
    return [{str(k): jsonable(v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _floats(values: Any) -> list[float | None]:
    return [float(v) if math.isfinite(float(v)) else None for v in np.asarray(values).ravel()]


# ---------------------------------------------------------------------------------------------
# states
def search_states(query: str | None = None, year: int | None = None, limit: int = 50
                  ) -> pd.DataFrame:
    """States the resolver knows, for a picker: ``ccode, abb, iso3, name, membership, major``.

    With ``query``: the state it resolves to exactly first, then those whose abbreviation, ISO
    code or name contains it (case-insensitive). With ``year``: members in that year only;
    ``major`` tells whether COW counts the state a major power that year (else: ever).
    """
    q = (query or "").strip().lower()
    majors = set(major_powers(year))
    states = [s for s in all_states() if year is None or s.is_member(year)]
    first: list[State] = []
    if q:
        try:
            exact = resolve_state(query or "", year)
            first = [exact]
        except RealpolitikError:
            first = []
        states = [s for s in states
                  if q in s.abb.lower() or q in s.name.lower() or q in (s.iso3 or "").lower()
                  or q == str(s.ccode)]
    seen = {s.ccode for s in first}
    chosen = first + [s for s in states if s.ccode not in seen]
    rows = [{"ccode": s.ccode, "abb": s.abb, "iso3": s.iso3, "name": s.name,
             "membership": s.membership(), "major": s.abb in majors}
            for s in chosen[:limit]]
    return pd.DataFrame(rows, columns=["ccode", "abb", "iso3", "name", "membership", "major"])


def major_powers(year: int | None = None) -> list[str]:
    """COW abbreviations of the major powers in ``year`` (any year if ``None``), by COW code."""
    from realpolitik.data.loaders import majors

    m = majors()
    if year is not None:
        m = m[(m["styear"] <= year) & (m["endyear"] >= year)]
    return list(dict.fromkeys(m.sort_values("ccode")["stateabb"].astype(str)))


# ---------------------------------------------------------------------------------------------
# the plane's geometry
def region_geometry(region_map: Any, rg_range: tuple[float, float],
                    ar_range: tuple[float, float]) -> dict[str, Any]:
    """The regions of a map inside a box, as JSON: ``{"polygons": {label: [[[rg, ar], …],
    …]}, "anchors": {label: [rg, ar]}, "box": [[rg_lo, rg_hi], [ar_lo, ar_hi]]}``."""
    from realpolitik.models.plane import region_anchors, region_polygons

    polys = region_polygons(region_map, rg_range, ar_range)
    anchors = region_anchors(region_map, rg_range, ar_range)
    return {"polygons": {k: [p.tolist() for p in v] for k, v in polys.items()},
            "anchors": {k: list(v) for k, v in anchors.items()},
            "box": [list(rg_range), list(ar_range)]}


def label_info() -> list[dict[str, str]]:
    """The six labels in order, with the essay's numbers and a display title."""
    return [{"name": k, "title": k.replace("_", " "), "essay_number": ESSAY_NUMBER[k]}
            for k in LABELS]


# ---------------------------------------------------------------------------------------------
# presets and sliders
#: The main scenario parameters a dashboard offers as sliders: key, title, slider min, max,
#: step. The slider range lies inside the scenario's allowed range (``allowed`` in
#: :func:`preset_info`); the server validates whatever is sent against the scenario model.
SLIDERS: tuple[tuple[str, str, float, float, float], ...] = (
    ("adversary_policy.gain", "Adversary's response to the tandem's rise (gain)", 0.0, 3.0, 0.1),
    ("adversary_policy.persistence", "Persistence of the adversary's pressure", 0.0, 0.95, 0.05),
    ("adversary_policy.shock_sd", "Yearly shocks to the pressure (sd)", 0.0, 0.3, 0.01),
    ("growth.A.drift", "Growth of partner A (log power per year)", -0.05, 0.05, 0.0025),
    ("growth.B.drift", "Growth of partner B (log power per year)", -0.05, 0.05, 0.0025),
    ("growth.C.drift", "Growth of the adversary C (log power per year)", -0.05, 0.05, 0.0025),
    ("horizon", "Horizon (last year forecast)", 2025.0, 2080.0, 1.0),
    ("trajectories", "Trajectories", 1024.0, 50_000.0, 1024.0),
)


def _field_at(key: str) -> Any:
    model: Any = Scenario
    info = None
    for part in key.split("."):
        info = model.model_fields[part]
        model = info.annotation
    return info


def _allowed(key: str) -> dict[str, float]:
    info = _field_at(key)
    out: dict[str, float] = {}
    for meta in getattr(info, "metadata", []):
        for attr in ("ge", "gt", "le", "lt"):
            v = getattr(meta, attr, None)
            if v is not None:
                out[attr] = float(v)
    return out


def _dotted(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def preset_info(name: str, limits: Limits | None = None) -> dict[str, Any]:
    """A preset's name, description, scenario (as a dict) and its slider parameters: for each
    of :data:`SLIDERS` the preset's value (``None``: estimated from data when resolved; for
    ``trajectories`` the size a request that names none runs), the slider's range and step,
    and the scenario's allowed range."""
    lim = limits or Limits()
    sc = _preset(name)
    data = sc.to_dict()
    params = []
    for key, title, lo, hi, step in SLIDERS:
        if key == "trajectories":
            hi = float(min(hi, lim.max_trajectories))
            lo = float(min(lo, hi))
        value = _dotted(data, key)
        if key == "trajectories":  # what the server runs when a request names no size
            value = lim.default_trajectories
        params.append({"key": key, "title": title, "min": lo, "max": hi, "step": step,
                       "value": value, "allowed": _allowed(key)})
    return {"name": sc.name, "description": sc.description, "scenario": data,
            "parameters": params}


def _preset(name: str) -> Scenario:
    """A bundled preset by name only (never a file); parsed once (scenarios are frozen)."""
    if name not in PRESETS:
        close = difflib.get_close_matches(str(name), PRESETS, n=1)
        raise FieldError("preset", f"unknown preset {str(name)[:80]!r}",
                         (f"did you mean {close[0]}? " if close else "")
                         + "presets: " + ", ".join(PRESETS), "UnknownPresetError")
    return _load_preset(name)


@lru_cache(maxsize=len(PRESETS))
def _load_preset(name: str) -> Scenario:
    return load_preset(name)


# ---------------------------------------------------------------------------------------------
# forecasts
OverrideValue = float | int | str | bool | None | list[Any] | dict[str, Any]


class ForecastRequest(BaseModel):
    """One forecast request: a preset by name, optional replacements of its tandem, adversary,
    years, index, size and seed, and ``overrides`` of any scenario key (dotted, e.g.
    ``{"adversary_policy.gain": 1.5, "growth.B.drift": -0.01}``). ``record``: keep the run in
    the server's results store."""

    model_config = ConfigDict(extra="forbid")

    preset: str = Field("status-quo", min_length=1, max_length=80,
                        description="a preset name: " + ", ".join(PRESETS))
    a: str | None = Field(None, min_length=1, max_length=80, description="partner A")
    b: str | None = Field(None, min_length=1, max_length=80, description="partner B")
    c: str | None = Field(None, min_length=1, max_length=80, description="the adversary C")
    t0: int | None = Field(None, description="reference year (default: the latest with data)")
    horizon: int | None = Field(None, description="last year forecast")
    index: Literal["cinc", "cline", "haushofer"] | None = None
    trajectories: int | None = Field(None, description="ensemble size (bounded by the server)")
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    overrides: dict[str, OverrideValue] = Field(
        default_factory=dict, description="scenario keys (dotted) → values")
    record: bool = Field(False, description="record the run in the results store")


#: Request fields that replace scenario keys (request field → scenario key).
_TOP = {"t0": "t0", "horizon": "horizon", "index": "index", "trajectories": "trajectories",
        "seed": "seed"}


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def build_scenario(req: ForecastRequest, limits: Limits) -> Scenario:
    """The scenario a request describes, validated by the scenario model (errors name the
    request field or the scenario key) and checked against ``limits`` before any work."""
    from realpolitik.simulate.scenario import _set_dotted

    sc = _preset(req.preset)
    if len(req.overrides) > limits.max_overrides:
        raise _oversize("overrides", len(req.overrides), limits.max_overrides, "keys")
    size = req.trajectories if req.trajectories is not None else _int_or_none(
        req.overrides.get("trajectories"))
    if size is not None and size > limits.max_trajectories:
        raise _oversize("trajectories", size, limits.max_trajectories, "trajectories")
    _check_finite(req.overrides, "overrides")
    data = sc.to_dict()
    if size is None:
        data["trajectories"] = limits.default_trajectories
    origin: dict[str, str] = {}  # scenario key → request field
    for key, value in req.overrides.items():
        if not isinstance(key, str) or not key or len(key) > 100:
            raise FieldError("overrides", f"invalid scenario key {str(key)[:100]!r}",
                             "use a dotted key such as adversary_policy.gain")
        try:
            _set_dotted(data, key, value)
        except InputError as exc:
            raise FieldError(key, exc.message, exc.hint, "UnknownKeyError") from None
        origin[key] = key
    if req.a is not None or req.b is not None:
        data["tandem"] = [req.a if req.a is not None else data["tandem"][0],
                          req.b if req.b is not None else data["tandem"][1]]
        origin["tandem.0"], origin["tandem.1"] = "a", "b"
    if req.c is not None:
        data["adversary"] = req.c
        origin["adversary"] = "c"
    for name, key in _TOP.items():
        value = getattr(req, name)
        if value is not None:
            data[key] = value
            origin[key] = name
    try:
        out = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _scenario_error(exc, origin) from None
    if out.trajectories > limits.max_trajectories:
        raise _oversize(origin.get("trajectories", "trajectories"), out.trajectories,
                        limits.max_trajectories, "trajectories")
    if out.t0 is not None and out.horizon - out.t0 > limits.max_years:
        raise _too_many_years(origin.get("horizon", "horizon"), out.t0, out.horizon, limits)
    return out


def _check_finite(value: Any, name: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(name, f"{name} = {value}: not a finite number",
                         "send a finite number (NaN and infinity are refused)")
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_finite(v, str(k) if name == "overrides" else f"{name}.{k}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_finite(v, name)


_COMBINATION_FIELDS = ("horizon", "tandem", "adversary", "adversary_policy.path", "t0")
_REQUEST_NAME = {"tandem": "a", "adversary": "c"}


def _scenario_error(exc: ValidationError, origin: Mapping[str, str]) -> FieldError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if loc:
        name = origin.get(loc) or origin.get(loc.rsplit(".", 1)[0]) or loc
        if loc.startswith("tandem.") and loc not in origin:
            name = "a" if loc.endswith("0") else "b"
        shown = json.dumps(jsonable(err.get("input")), default=str)
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        return FieldError(name, f"{name} = {shown}: {msg}",
                          _range_hint(loc), "ValidationError")
    guess = next((k for k in _COMBINATION_FIELDS if k in msg), None)
    blamed: str | None = None
    if guess is not None:
        blamed = origin.get(guess) or _REQUEST_NAME.get(guess, guess)
    return FieldError(blamed, msg, "see GET /api/presets for each parameter's allowed range",
                      "ValidationError")


def _range_hint(loc: str) -> str:
    try:
        allowed = _allowed(loc)
    except (KeyError, AttributeError):
        allowed = {}
    signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    if allowed:
        return f"{loc}: " + ", ".join(f"{signs[k]} {v:g}" for k, v in allowed.items())
    return "see GET /api/presets and `realpolitik scenarios new` for every key"


@dataclass
class Forecast:
    """A finished forecast: the scenario, its resolution, the engine's Dataset, the run id
    (when recorded)."""

    scenario: Scenario
    resolved: Resolved
    dataset: xr.Dataset
    run_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


_RESOLVE_FIELDS = ("t0", "horizon", "adversary_policy.path", "growth.window", "growth.A",
                   "growth.B", "growth.C", "index")


def run_forecast(req: ForecastRequest, limits: Limits, store: Any = None) -> Forecast:
    """Build, resolve (reads the bundled data), check the years against ``limits``, simulate,
    and — with ``req.record`` and a ``store`` (:class:`~realpolitik.store.ResultsStore`) —
    record the run. Errors name the request field."""
    from realpolitik.simulate.engine import simulate

    sc = build_scenario(req, limits)
    for name, query in (("a", sc.tandem[0]), ("b", sc.tandem[1]), ("c", sc.adversary)):
        state_field(query, name)
    try:
        r = resolve_cached(sc)
    except UnknownStateError as exc:  # pragma: no cover - states were checked above
        raise FieldError("a", exc.message, exc.hint, type(exc).__name__) from None
    except RealpolitikError as exc:
        raise FieldError(field_of(exc, _RESOLVE_FIELDS), exc.message, exc.hint,
                         type(exc).__name__) from None
    if r.n_years - 1 > limits.max_years:
        raise _too_many_years("horizon", r.t0, sc.horizon, limits)
    ds = simulate(r, workers=limits.workers)
    run_id = None
    if req.record and store is not None:
        run_id = store.begin_run({
            "scenario_name": sc.name, "config": sc.to_dict(), "seed": sc.seed,
            "data": r.provenance.get("data", {}), "version": r.provenance.get("version"),
            "n_trajectories": sc.trajectories, "t0": r.t0, "horizon": sc.horizon,
            "provenance": r.provenance, "workers": limits.workers, "interface": "web"})
        try:
            store.write_summary(run_id, ds)
        except BaseException as exc:
            store.fail_run(run_id, f"{type(exc).__name__}: {exc}")
            raise
    return Forecast(sc, r, ds, run_id)


def dataset_json(ds: xr.Dataset) -> dict[str, Any]:
    """Any Dataset as JSON: coordinates, and per variable its dims and nested values."""
    return {
        "coords": {str(k): jsonable(v.values) for k, v in ds.coords.items()},
        "variables": {str(k): {"dims": list(v.dims), "values": jsonable(v.values)}
                      for k, v in ds.data_vars.items()},
        "attrs": {str(k): _maybe_json(v) for k, v in ds.attrs.items()},
    }


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return jsonable(json.loads(value))
        except ValueError:
            return value
    return jsonable(value)


def _ordered(da: Any, dims: tuple[str, ...]) -> np.ndarray:
    """The values of a DataArray with its dimensions in ``dims`` order."""
    return np.asarray(da.values if tuple(da.dims) == dims else da.transpose(*dims).values)


def forecast_json(fc: Forecast) -> dict[str, Any]:
    """A forecast as the JSON a dashboard draws: per year the probability of each label,
    the quantiles of Rg, Ar and Beaufre's ratio, the means (the leeway at t′ per partner and
    component: ``leeway_mean[partner][component]``, components in ``leeway_components``
    order); the values at the horizon; a drawing box holding the quantiles
    (:func:`~realpolitik.models.plane.plot_box`)."""
    from realpolitik.models.plane import plot_box

    ds, r, sc = fc.dataset, fc.resolved, fc.scenario
    qs = [float(q) for q in ds["quantile"].values]
    labels = [str(k) for k in ds["label"].values]
    # plain arrays, years first (selection by position is much faster than .sel per item)
    prob = _ordered(ds["probability"], ("year", "label"))
    quant = {name: _ordered(ds[name], ("year", "quantile"))
             for name in ("rg_quantile", "ar_quantile", "beaufre_quantile")}
    rg_mean, ar_mean = ds["rg_mean"].values, ds["ar_mean"].values
    leeway = _ordered(ds["leeway_mean"], ("year", "partner", "component"))
    components = [str(c) for c in ds["component"].values]
    total = components.index("total")
    partners = [str(p) for p in ds["partner"].values]
    first_p = ds["first_entry_probability"].values
    first_y = ds["first_entry_expected_year"].values
    at_horizon: dict[str, Any] = {
        "year": int(ds["year"].values[-1]),
        "probability": {k: float(prob[-1, labels.index(k)]) for k in LABELS},
        "rg_quantile": {repr(q): jsonable(float(quant["rg_quantile"][-1, i]))
                        for i, q in enumerate(qs)},
        "ar_quantile": {repr(q): jsonable(float(quant["ar_quantile"][-1, i]))
                        for i, q in enumerate(qs)},
        "rg_mean": jsonable(float(rg_mean[-1])),
        "ar_mean": jsonable(float(ar_mean[-1])),
        "leeway_mean": {p: {c: jsonable(float(leeway[-1, j, k]))
                            for k, c in enumerate(components)}
                        for j, p in enumerate(partners)},
    }
    box = plot_box(quant["rg_quantile"], quant["ar_quantile"])
    prov = _maybe_json(ds.attrs.get("provenance", "{}"))
    return {
        "scenario": sc.to_dict(),
        "names": {"a": r.names[0], "b": r.names[1], "c": r.names[2]},
        "t0": int(r.t0), "horizon": int(sc.horizon),
        "n_trajectories": int(ds.attrs["n_trajectories"]), "seed": int(ds.attrs["seed"]),
        "estimates": jsonable(r.provenance.get("estimates", {})),
        "years": [int(y) for y in ds["year"].values],
        "labels": list(LABELS),
        "probability": {k: _floats(prob[:, labels.index(k)]) for k in LABELS},
        "quantiles": qs,
        **{name: {repr(q): _floats(arr[:, i]) for i, q in enumerate(qs)}
           for name, arr in quant.items()},
        "rg_mean": _floats(rg_mean),
        "ar_mean": _floats(ar_mean),
        "cohesion_mean": _floats(ds["cohesion_mean"].values),
        "leeway_total": {p: _floats(leeway[:, j, total]) for j, p in enumerate(partners)},
        "leeway_components": components,
        "leeway_mean": {p: {c: _floats(leeway[:, j, k]) for k, c in enumerate(components)}
                        for j, p in enumerate(partners)},
        "first_entry": {k: {"probability": jsonable(float(first_p[labels.index(k)])),
                            "expected_year": jsonable(float(first_y[labels.index(k)]))}
                        for k in LABELS},
        "at_horizon": at_horizon,
        "box": [list(box[0]), list(box[1])],
        "provenance": prov,
        "timings": _maybe_json(ds.attrs.get("timings", "{}")),
        "run_id": fc.run_id,
    }


def parse_assignments(items: Iterable[str], name: str = "set") -> dict[str, Any]:
    """``["key=value", …]`` (a query string's repeated ``set``) as overrides; each value is read
    as JSON (numbers, true/false, null, lists, objects), else kept as text."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = str(item).partition("=")
        key = key.strip()
        if not sep or not key:
            raise FieldError(name, f"{name}={str(item)[:80]!r} is not key=value",
                             f"e.g. {name}=adversary_policy.gain=1.5")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        if isinstance(value, float) and not math.isfinite(value):
            raise FieldError(key, f"{key} = {raw!r} is not a finite number")
        out[key] = value
    return out
