"""Backtest parameter files: the fitted level-plane classifier, with how and on what it was fitted.

A parameter file (YAML, or JSON by its ``.json`` suffix) holds everything the backtest's
classifier needs (DESIGN §5 "Backtest"; :mod:`realpolitik.simulate.backtest`):

* ``transform`` — the affine map of the level features onto the plane,
  x = (g − c_g) / s_g and y = (Ar_level − c_a) / s_a;
* ``region_map`` — the thresholds of an ordered-rules region map (a_S, a_H, a_C, r_B0, beta,
  r_P, r_C) and the soft classifier's ``temperature``;
* ``threat_weights`` — the component weights w_c of Ar_level = Σ_c w_c z_c;

and, when it was written by ``realpolitik calibrate``: the cases it was fitted on
(``fitted_on``: file, SHA-256, the case keys), the fitting settings and seed, the
cross-validated scores (``cv``, the headline), the in-sample scores (``in_sample``, not a measure
of skill), the baselines fitted on the same cases, and one fitted model per cross-validation fold
(``folds``) so that ``realpolitik backtest`` can score each fitting case out of fold without
refitting.

**Defaults** (before fitting; :func:`default_params`): c_g = ln 4 (a weaker partner with a
quarter of the stronger's power sits at the origin), s_g = ln 16 (with the default r_B0 = 0.4 and
r_P = −0.3, bandwagoning starts beyond a power ratio of about 12 and buck-passing below about
1.7), c_a = 0 and s_a = 1 (Ar_level is on the z scale of great-power dyads: soft balancing from
0.25 standard deviations above their mean, hard balancing from 0.6, chain-ganging from 0.8),
the thresholds of the default map of DESIGN §4.1, temperature 0.25 (a quarter of a plane unit:
the default map's 0.05 is too sharp to give useful probabilities on history) and equal threat
weights.

:func:`load_params` and :func:`save_params` read and write files; every problem is an
:class:`~realpolitik.errors.InputError` naming the key (``region_map.a_H``). The accessors
:func:`region_map_of`, :func:`threat_weights_of` and :func:`transform_of` turn a file into the
objects the models take, and :func:`apply_to_scenario` puts the fitted map into a forecast
scenario (its ``region_map``; the scenario's own options — hysteresis, front asymmetry,
offense shift — are kept).

>>> p = default_params()
>>> region_map_of(p).a_H, threat_weights_of(p).power, round(p.transform.s_g, 3)
(0.6, 0.25, 2.773)
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from realpolitik._version import __version__
from realpolitik.errors import InputError
from realpolitik.measures.threat import ThreatWeights
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import RegionMap, region_map

__all__ = [
    "DEFAULT_TEMPERATURE",
    "MAP_KEYS",
    "PARAMS_KIND",
    "PARAMS_VERSION",
    "BacktestParams",
    "BaselineFits",
    "CVSummary",
    "CapabilityRule",
    "FitSettings",
    "FittedOn",
    "FoldFit",
    "MapParams",
    "ModelParams",
    "Scores",
    "Transform",
    "apply_to_scenario",
    "default_params",
    "dump_params",
    "load_params",
    "parse_params",
    "region_map_of",
    "save_params",
    "shipped_params",
    "shipped_params_path",
    "threat_weights_of",
    "transform_of",
]

PARAMS_KIND = "realpolitik-backtest-params"
PARAMS_VERSION = 1
#: Thresholds of the region map a parameter file sets (plus the soft classifier's temperature).
MAP_KEYS: tuple[str, ...] = ("a_S", "a_H", "a_C", "r_B0", "beta", "r_P", "r_C", "temperature")
#: Temperature of the soft classifier before fitting (plane units).
DEFAULT_TEMPERATURE = 0.25
#: Name of the region map built from a parameter file.
FITTED_MAP_NAME = "backtest"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite(v: float) -> float:
    if isinstance(v, bool) or not math.isfinite(float(v)):
        raise ValueError(f"{v!r} is not a finite number")
    return float(v)


class Transform(_Strict):
    """x = (g − c_g) / s_g, y = (Ar_level − c_a) / s_a (g and c_g in ln units of the power
    ratio, Ar_level and c_a in z units)."""

    c_g: float = Field(math.log(4.0), description="gap ln(P_strong/P_weak) at the origin")
    s_g: float = Field(math.log(16.0), gt=0, description="gap per plane unit (> 0)")
    c_a: float = Field(0.0, description="threat level Ar_level at the origin")
    s_a: float = Field(1.0, gt=0, description="threat level per plane unit (> 0)")

    @field_validator("c_g", "s_g", "c_a", "s_a")
    @classmethod
    def _check(cls, v: float) -> float:
        return _finite(v)


class MapParams(_Strict):
    """The thresholds of an ordered-rules region map (DESIGN §4.1) and the temperature."""

    a_S: float = 0.25
    a_H: float = 0.60
    a_C: float = 0.80
    r_B0: float = 0.40
    beta: float = 0.30
    r_P: float = -0.30
    r_C: float = 0.00
    temperature: float = DEFAULT_TEMPERATURE

    @field_validator(*MAP_KEYS)
    @classmethod
    def _check(cls, v: float) -> float:
        return _finite(v)

    @model_validator(mode="after")
    def _valid_map(self) -> MapParams:
        try:
            self.region_map()
        except InputError as exc:
            raise ValueError(exc.message.removeprefix("invalid region map: ")) from None
        return self

    def region_map(self) -> RegionMap:
        """The :class:`~realpolitik.models.plane.RegionMap` (ordered rules, no options)."""
        return region_map("default", name=FITTED_MAP_NAME,
                          description="ordered rules with thresholds from a backtest parameter "
                                      "file", **self.model_dump())


class ModelParams(_Strict):
    """One fitted classifier: transform, map, threat weights (and the penalty it was fitted
    with, if it was fitted)."""

    transform: Transform = Transform()
    region_map: MapParams = MapParams()
    threat_weights: ThreatWeights = ThreatWeights()
    penalty: float | None = Field(None, ge=0, description="strength λ of the Gaussian prior "
                                  "toward the defaults the fit used (None: not fitted)")


class CapabilityRule(_Strict):
    """The capability-ratio-only baseline: cuts on g, a label and probabilities per bin."""

    cuts: list[float] = Field(default_factory=list)
    labels: list[str]
    probabilities: list[dict[str, float]]

    @model_validator(mode="after")
    def _shape(self) -> CapabilityRule:
        if len(self.labels) != len(self.cuts) + 1 or len(self.probabilities) != len(self.labels):
            raise ValueError("a capability rule needs one label and one probability table per "
                             "bin (len(cuts) + 1)")
        if any(b <= a for a, b in zip(self.cuts, self.cuts[1:], strict=False)):
            raise ValueError("cuts must increase")
        for lab in self.labels:
            _label(lab)
        for p in self.probabilities:
            _probs(p)
        return self


def _label(v: str) -> str:
    if v not in LABELS:
        raise ValueError(f"unknown label {v!r}; use one of {', '.join(LABELS)}")
    return v


def _probs(p: Mapping[str, float]) -> dict[str, float]:
    if set(p) != set(LABELS):
        raise ValueError("probabilities must name each of " + ", ".join(LABELS))
    if any(not (0 <= float(x) <= 1) for x in p.values()) or abs(sum(p.values()) - 1) > 1e-6:
        raise ValueError("probabilities must lie in [0, 1] and sum to 1")
    return {k: float(p[k]) for k in LABELS}


class BaselineFits(_Strict):
    """Baselines fitted on the same training cases as a model."""

    majority: str
    base_rates: dict[str, float]
    capability: CapabilityRule

    @field_validator("majority")
    @classmethod
    def _maj(cls, v: str) -> str:
        return _label(v)

    @field_validator("base_rates")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        return _probs(v)


class Scores(_Strict):
    """Scores of one set of predictions (None where nothing was scorable)."""

    accuracy: float | None
    macro_f1: float | None
    brier: float | None
    log_loss: float | None
    n_scored: int = Field(ge=0)
    n_unscorable: int = Field(ge=0)


class FoldFit(_Strict):
    """A cross-validation fold: the cases it held out and what was fitted without them."""

    fold: int = Field(ge=0)
    test: list[str] = Field(description="case keys held out (see backtest_features.case_keys)")
    model: ModelParams
    baselines: BaselineFits


class FitSettings(_Strict):
    """How ``calibrate`` fitted (the budget of the optimiser, the folds, the prior)."""

    folds: str = Field("loo", description="'loo' or the number of stratified folds")
    fit_rows: Literal["high_medium", "all"] = "high_medium"
    popsize: int = Field(15, ge=2)
    maxiter: int = Field(300, ge=1)
    penalties: list[float] = Field(default_factory=lambda: [1.0])
    inner_folds: int = Field(5, ge=2)
    sharp_temperature: float = Field(0.1, gt=0, description="temperature of the first stage")

    @field_validator("folds")
    @classmethod
    def _folds(cls, v: str) -> str:
        if v != "loo" and not (v.isdigit() and int(v) >= 2):
            raise ValueError("folds must be 'loo' or a whole number ≥ 2")
        return v

    @field_validator("penalties")
    @classmethod
    def _pen(cls, v: list[float]) -> list[float]:
        if not v or any(not (math.isfinite(x) and x >= 0) for x in v):
            raise ValueError("penalties must be one or more finite numbers ≥ 0")
        return [float(x) for x in v]


class FittedOn(_Strict):
    """The cases a parameter file was fitted on."""

    source: str
    sha256: str
    n_cases: int = Field(ge=0)
    n_fit: int = Field(ge=0)
    case_keys: list[str]


class CVSummary(_Strict):
    """Cross-validated scores (the headline), with the baselines scored the same way."""

    folds: str
    all: Scores
    high_medium: Scores
    baselines: dict[str, dict[str, Scores]]
    seconds: float | None = None


class BacktestParams(_Strict):
    """A backtest parameter file (see the module docstring)."""

    kind: Literal["realpolitik-backtest-params"] = "realpolitik-backtest-params"
    version: Literal[1] = 1
    package_version: str = __version__
    command: str | None = None
    index: Literal["cinc", "cline", "haushofer"] = "cinc"
    seed: int | None = None
    transform: Transform = Transform()
    region_map: MapParams = MapParams()
    threat_weights: ThreatWeights = ThreatWeights()
    penalty: float | None = Field(None, ge=0)
    fitted_on: FittedOn | None = None
    settings: FitSettings | None = None
    cv: CVSummary | None = None
    in_sample: dict[str, Scores] | None = None
    baselines: BaselineFits | None = None
    folds: list[FoldFit] = Field(default_factory=list)

    def model(self) -> ModelParams:
        """The final fitted classifier (fitted on all of ``fitted_on``)."""
        return ModelParams(transform=self.transform, region_map=self.region_map,
                           threat_weights=self.threat_weights, penalty=self.penalty)

    @property
    def fitted(self) -> bool:
        """Whether the parameters were fitted (rather than the defaults)."""
        return self.fitted_on is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/YAML-ready dictionary; :func:`parse_params` reads it back."""
        return json.loads(self.model_dump_json(exclude_none=False))


def default_params(index: str = "cinc") -> BacktestParams:
    """The parameters before fitting (see the module docstring for the values and why)."""
    return BacktestParams(index=index)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------
def _explain(exc: ValidationError, source: str) -> InputError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        from realpolitik.simulate.scenario import _fields_at, _suggest

        keys = _fields_at(BacktestParams, err["loc"][:-1])
        return InputError(f"{source}: unknown key {loc!r}",
                          _suggest(str(err["loc"][-1]), dict.fromkeys(keys)) + " (a parameter "
                          "file is written by `realpolitik calibrate`)")
    if err["type"] == "missing":
        return InputError(f"{source}: key {loc!r} is missing", "see `realpolitik calibrate`")
    value = err.get("input")
    more = f" ({len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    if isinstance(value, dict):  # a check across the keys of a table: the message names them
        where = f"{loc}"
    else:
        shown = json.dumps(value, default=str)
        where = f"{loc} = {shown[:57] + '…' if len(shown) > 60 else shown}"
    return InputError(f"{source}: {where}: {msg}{more}",
                      "fix the value or write the file again with `realpolitik calibrate`")


def parse_params(data: Any, source: str = "parameters") -> BacktestParams:
    """Validate a mapping as :class:`BacktestParams` (errors name the key)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{source}: a parameter file is a mapping of keys to values, not "
                         f"{type(data).__name__}", "write one with `realpolitik calibrate`")
    if data.get("kind", PARAMS_KIND) != PARAMS_KIND:
        raise InputError(f"{source}: kind = {data.get('kind')!r} is not a backtest parameter "
                         "file", f"the file must say kind: {PARAMS_KIND}")
    try:
        return BacktestParams.model_validate(dict(data))
    except ValidationError as exc:
        raise _explain(exc, source) from None


def load_params(path: str | Path) -> BacktestParams:
    """Read a parameter file (``.yaml``/``.yml`` or ``.json``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"parameter file {str(path)!r} not found",
                         "write one with `realpolitik calibrate CASES.csv --output FILE.yaml`")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read parameter file {p}: {exc}") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p.name} is not valid {'JSON' if p.suffix == '.json' else 'YAML'}: "
                         f"{first}", "check the indentation and quoting around that line"
                         ) from None
    if data is None:
        raise InputError(f"{p.name} is empty", "write it with `realpolitik calibrate`")
    return parse_params(data, p.name)


def dump_params(params: BacktestParams, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The text of a parameter file (YAML with a comment header, or JSON)."""
    data = params.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=1) + "\n"
    head = ["# realpolitik backtest parameters (read by `realpolitik backtest|plane|forecast "
            "--params FILE`)."]
    if params.command:
        head.append(f"# written by: {params.command}")
    if params.cv is not None:
        for name, block in (("all rows", params.cv.all), ("high+medium", params.cv.high_medium)):
            if block.accuracy is not None and block.macro_f1 is not None:
                head.append(f"# cross-validated ({params.cv.folds}) on {name}: accuracy "
                            f"{block.accuracy:.3f}, macro-F1 {block.macro_f1:.3f}, "
                            f"n = {block.n_scored}")
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100,
                          allow_unicode=True)
    return "\n".join(head) + "\n" + body


def save_params(params: BacktestParams, path: str | Path) -> Path:
    """Write ``params`` to ``path`` (YAML, or JSON for ``.json``) atomically."""
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError(f"{p.name}: a parameter file is .yaml, .yml or .json",
                         "e.g. --output params.yaml")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {str(folder)!r} does not exist",
                         "create it first or choose another --output path")
    text = dump_params(params, "json" if p.suffix.lower() == ".json" else "yaml")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def shipped_params_path() -> Path:
    """Path of the parameters fitted on the development cases, shipped with the package."""
    from realpolitik.data.bundle import table_path

    return table_path("fitted_params.yaml")


def shipped_params() -> BacktestParams:
    """The parameters fitted on the development cases (``data/tables/fitted_params.yaml``)."""
    return load_params(shipped_params_path())


# --------------------------------------------------------------------------------------------
# accessors
# --------------------------------------------------------------------------------------------
def _model(params: BacktestParams | ModelParams) -> ModelParams:
    if isinstance(params, BacktestParams):
        return params.model()
    if isinstance(params, ModelParams):
        return params
    raise InputError(f"expected backtest parameters, not {type(params).__name__}",
                     "load them with load_params(path)")


def region_map_of(params: BacktestParams | ModelParams) -> RegionMap:
    """The fitted region map (ordered rules; temperature = the fitted one)."""
    return _model(params).region_map.region_map()


def threat_weights_of(params: BacktestParams | ModelParams) -> ThreatWeights:
    """The fitted threat weights."""
    return _model(params).threat_weights


def transform_of(params: BacktestParams | ModelParams) -> Transform:
    """The affine transform of the level features onto the plane."""
    return _model(params).transform


def apply_to_scenario(scenario: Any, params: BacktestParams | ModelParams) -> Any:
    """A copy of ``scenario`` whose ``region_map`` has the fitted thresholds and temperature.

    The fitted map is an ordered-rules map (``base: default``); the scenario's own options
    (hysteresis, front_asymmetry, front_gap, offense_shift) are kept. Caveat: the thresholds
    were fitted on the level plane of history (x = (g − c_g)/s_g); a forecast reads them on its
    relative plane, whose origin is t0.

    >>> from realpolitik.simulate.scenario import load_preset
    >>> sc = apply_to_scenario(load_preset("status-quo"), default_params())
    >>> sc.region_map["temperature"], sc.region_map["base"]
    (0.25, 'default')
    """
    from realpolitik.simulate.scenario import Scenario

    if not isinstance(scenario, Scenario):
        raise InputError(f"expected a Scenario, not {type(scenario).__name__}",
                         "load one with realpolitik.simulate.scenario.load_scenario")
    keep = ("hysteresis", "front_asymmetry", "front_gap", "offense_shift")
    new = {"base": "default", **{k: v for k, v in scenario.region_map.items() if k in keep},
           "name": FITTED_MAP_NAME, **_model(params).region_map.model_dump()}
    return scenario.with_overrides({"region_map": new})
