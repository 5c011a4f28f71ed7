"""Scenario files: a validated description of one forecast (DESIGN §5).

A scenario is YAML or TOML. Every key is checked: unknown keys, wrong types, values out of range
and impossible combinations fail with :class:`~realpolitik.errors.InputError` naming the key
(as a dotted path), the value and the allowed range. Omitted keys take the defaults below;
``growth`` drifts and volatilities left ``null`` are estimated from data over ``growth.window``
when the scenario is resolved (:func:`realpolitik.simulate.resolve.resolve`).

>>> from realpolitik.simulate.scenario import load_preset
>>> s = load_preset("status-quo")
>>> s.tandem, s.adversary, s.horizon, s.trajectories
(('CHN', 'RUS'), 'USA', 2040, 100000)
>>> s.with_overrides({"growth.B.drift": -0.01}).growth.B.drift
-0.01
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from realpolitik.errors import InputError

#: Trajectories share random streams in blocks of this many (see ``simulate.engine``).
BLOCK = 1024
MAX_TRAJECTORIES = 100_000_000
PRESETS = ("status-quo", "containment", "detente-with-weaker", "two-front-pressure",
           "weaker-stagnation")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, v: Any, info: Any) -> Any:
        """YAML's true/false are not numbers: refuse them where a number is expected."""
        if isinstance(v, bool):
            ann = cls.model_fields[info.field_name].annotation
            if ann is not bool:
                raise ValueError(f"expected a number, not {str(v).lower()}")
        return v


class ActorGrowth(_Strict):
    """Yearly growth of one actor's log power: x(t+1) = x(t) + drift + volatility·ε."""

    drift: float | None = Field(None, ge=-0.5, le=0.5, description="mean yearly change of log "
                                "power (0.01 ≈ +1 %/year); null: estimated from data")
    volatility: float | None = Field(None, ge=0.0, le=1.0, description="standard deviation of "
                                     "the yearly change; null: estimated from data")


class Growth(_Strict):
    """Power growth of the partners A, B and the adversary C."""

    window: tuple[int, int] = Field((2002, 2022), description="years over which null drifts and "
                                    "volatilities are estimated (first, last)")
    exclude_breaks: bool = Field(True, description="leave out year-on-year changes across known "
                                 "source breaks (NMC urban population 2016/2017 for CINC)")
    A: ActorGrowth = ActorGrowth()
    B: ActorGrowth = ActorGrowth()
    C: ActorGrowth = ActorGrowth()

    @field_validator("window")
    @classmethod
    def _window(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not (1816 <= v[0] < v[1] <= 2024) or v[1] - v[0] < 3:
            raise ValueError(f"window {list(v)} must be two years 1816–2024, first < last, at "
                             "least 3 years apart")
        return v


class AdversaryPolicy(_Strict):
    """The adversary's offensive response Ar (DESIGN §3.3, forecast mode).

    ``mode: response`` — Ar(t) = persistence·Ar(t−1) + (1 − persistence)·(gain·T(t − lag)
    + path(t)) + shock_sd·ε, where T is the tandem's power relative to C's, in log points since
    t0 (C answers the tandem's growing threat, with a lag; Ar moves toward gain·T + path, so a
    path held at P adds P to Ar in the long run). ``mode: path`` — Ar(t) = path(t)
    + shock_sd·ε. ``path`` maps years to policy intensity in Ar units, interpolated linearly
    from 0 at t0 through the given years and held after the last.
    """

    mode: Literal["response", "path"] = Field("response", description="response (Ar answers "
                                              "the tandem's rise) or path (exogenous)")
    path: dict[int, float] = Field(default_factory=dict, description="policy intensity by "
                                   "year, Ar units, e.g. {2026: 0.3, 2030: 0.6}")
    gain: float = Field(1.0, ge=0.0, le=10.0, description="response of Ar to the tandem's "
                        "relative power (Ar per log point)")
    persistence: float = Field(0.8, ge=0.0, lt=1.0, description="weight of last year's Ar")
    lag: int = Field(1, ge=0, le=5, description="years before C responds")
    shock_sd: float = Field(0.05, ge=0.0, le=2.0, description="yearly shock to Ar")
    front_A: float = Field(1.0, ge=-2.0, le=2.0, description="pressure on partner A per unit "
                           "of Ar (negative: détente with A)")
    front_B: float = Field(1.0, ge=-2.0, le=2.0, description="pressure on partner B per unit "
                           "of Ar (negative: détente with B)")

    @field_validator("path")
    @classmethod
    def _path(cls, v: dict[int, float]) -> dict[int, float]:
        for year, value in v.items():
            if not math.isfinite(float(value)) or abs(float(value)) > 5:
                raise ValueError(f"path value {value!r} for {year} must be a finite number "
                                 "between −5 and 5 (Ar units)")
        return dict(sorted(v.items()))


DEFAULT_TARGETS: dict[str, float] = {
    "hedging": 0.5, "bandwagoning": 0.3, "soft_balancing": 0.7, "hard_balancing": 0.9,
    "chain_ganging": 1.0, "buck_passing": 0.2}


class Cohesion(_Strict):
    """Cohesion of the tandem in [0, 1]; it moves toward the outcome's target each year and
    scales the macro surplus (Σ × cohesion / initial)."""

    initial: float = Field(0.5, gt=0.0, le=1.0)
    rate: float = Field(0.2, ge=0.0, le=1.0, description="share of the gap to the target "
                        "closed each year (0: constant cohesion)")
    targets: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_TARGETS),
                                      description="cohesion each outcome pulls toward; labels "
                                      "left out keep their defaults")

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: dict[str, float]) -> dict[str, float]:
        from realpolitik.models.labels import LABELS

        unknown = [k for k in v if k not in LABELS]
        if unknown:
            raise ValueError(f"unknown label(s) {unknown}; use {', '.join(LABELS)}")
        for k, x in v.items():
            if not 0.0 <= float(x) <= 1.0:
                raise ValueError(f"target of {k} is {x}; targets lie in [0, 1]")
        full = dict(DEFAULT_TARGETS)
        full.update({k: float(x) for k, x in v.items()})
        return full


class RegionSpec(_Strict):
    region: str = Field(min_length=1)
    value: float = Field(ge=0.0, le=100.0)
    advantage_a: float = Field(ge=0.0)
    advantage_b: float = Field(ge=0.0)
    advantage_c: float = Field(0.0, ge=0.0)


class Scenario(_Strict):
    """One forecast: who, from when to when, how powers grow, how the adversary responds."""

    name: str = Field("custom", min_length=1, max_length=80)
    description: str = ""
    tandem: tuple[str, str] = Field(("CHN", "RUS"), description="partners A and B (COW "
                                    "abbreviation, ISO code, COW code or name)")
    adversary: str = Field("USA", description="the adversary C")
    t0: int | None = Field(None, ge=1816, le=2024, description="reference year (null: latest "
                           "year with data for the index)")
    horizon: int = Field(2040, ge=1817, le=2200)
    index: Literal["cinc", "cline", "haushofer"] = Field("cinc", description="power index: "
                                                         "cinc, cline or haushofer")
    trajectories: int = Field(100_000, ge=1, le=MAX_TRAJECTORIES)
    seed: int = Field(20261128, ge=0, le=2**63 - 1)
    chunk_size: int = Field(16 * BLOCK, ge=BLOCK, le=1024 * BLOCK)
    growth: Growth = Growth()
    adversary_policy: AdversaryPolicy = AdversaryPolicy()
    cohesion: Cohesion = Cohesion()
    region_map: dict[str, Any] = Field(default_factory=lambda: {"base": "default"})
    leeway: dict[str, float] = Field(default_factory=dict)
    regions: list[RegionSpec] | None = None
    quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

    @field_validator("chunk_size")
    @classmethod
    def _chunk(cls, v: int) -> int:
        if v % BLOCK:
            raise ValueError(f"chunk_size {v} must be a multiple of {BLOCK} (the random-stream "
                             "block), e.g. 16384")
        return v

    @field_validator("quantiles")
    @classmethod
    def _quantiles(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not v or any(not 0.0 < q < 1.0 for q in v):
            raise ValueError("quantiles must be numbers strictly between 0 and 1")
        return tuple(sorted(set(v)))

    @field_validator("region_map")
    @classmethod
    def _map(cls, v: dict[str, Any]) -> dict[str, Any]:
        from realpolitik.models.plane import region_map

        base = v.get("base", "default")
        try:
            region_map(base, **{k: x for k, x in v.items() if k != "base"})
        except InputError as exc:
            raise ValueError(str(exc)) from None
        return dict(v)

    @field_validator("leeway")
    @classmethod
    def _leeway(cls, v: dict[str, float]) -> dict[str, float]:
        from realpolitik.models.leeway import LeewayParams

        try:
            LeewayParams.coerce(v)
        except InputError as exc:
            raise ValueError(str(exc)) from None
        return dict(v)

    @model_validator(mode="after")
    def _combinations(self) -> Scenario:
        a, b = (x.strip().upper() for x in self.tandem)
        if a == b:
            raise ValueError(f"tandem names the same state twice ({self.tandem[0]!r}); name two "
                             "different partners")
        if self.adversary.strip().upper() in (a, b):
            raise ValueError(f"the adversary {self.adversary!r} is also a partner of the tandem")
        if self.t0 is not None and self.horizon <= self.t0:
            raise ValueError(f"horizon {self.horizon} must be after t0 {self.t0}")
        if self.t0 is not None and self.horizon - self.t0 > 200:
            raise ValueError(f"horizon − t0 = {self.horizon - self.t0} years; at most 200")
        lo = self.t0 if self.t0 is not None else 1816
        bad = [y for y in self.adversary_policy.path if not lo < y <= self.horizon]
        if bad:
            raise ValueError(f"adversary_policy.path years {bad} lie outside ({lo}, "
                             f"{self.horizon}]")
        if self.adversary_policy.mode == "path" and not self.adversary_policy.path and \
                self.adversary_policy.shock_sd == 0:
            pass  # a flat path at today's level: allowed (the deterministic baseline)
        return self

    # -- overrides --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (the form stored with every run)."""
        return json.loads(self.model_dump_json())

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new scenario with dotted keys replaced, e.g. ``{"growth.B.drift": -0.01}``."""
        data = self.to_dict()
        for key, value in overrides.items():
            _set_dotted(data, key, value)
        return parse_scenario(data, source="overrides")


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        if not isinstance(node, dict) or part not in node:
            raise InputError(f"unknown scenario key {'.'.join(parts[:i + 1])!r}",
                             _suggest(part, node))
        if node[part] is None:
            node[part] = {}
        node = node[part]
    last = parts[-1]
    if not isinstance(node, dict):
        raise InputError(f"scenario key {key!r} does not name a setting",
                         "use a dotted path such as growth.B.drift")
    if last not in node and not _open_mapping(parts[:-1]):
        raise InputError(f"unknown scenario key {key!r}", _suggest(last, node))
    node[last] = value


def _open_mapping(parent: list[str]) -> bool:
    return parent in (["region_map"], ["leeway"], ["adversary_policy", "path"],
                      ["cohesion", "targets"])


def _suggest(key: str, node: Any) -> str:
    keys = list(node) if isinstance(node, dict) else []
    close = difflib.get_close_matches(key, keys, n=3)
    if close:
        return "did you mean " + ", ".join(close) + "?"
    return ("allowed here: " + ", ".join(keys)) if keys else "see `realpolitik scenarios new`"


def _fields_at(model: Any, loc: Sequence[Any]) -> list[str]:
    """The field names of the pydantic model found at ``loc`` inside ``model`` (through
    optional, union, list and dict types), or [] if there is none."""
    import typing

    def models_in(tp: Any) -> list[Any]:
        if isinstance(tp, type) and hasattr(tp, "model_fields"):
            return [tp]
        return [m for arg in typing.get_args(tp) for m in models_in(arg)]

    current: list[Any] = [model]
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the element type is already among the candidates
        nxt: list[Any] = []
        for m in current:
            field = m.model_fields.get(str(part))
            if field is not None:
                nxt += models_in(field.annotation)
        if not nxt:
            return []
        current = nxt
    return [name for m in current for name in m.model_fields]


def _explain(exc: ValidationError, source: str) -> InputError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    value = err.get("input")
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        parent = _fields_at(Scenario, err["loc"][:-1])
        hint = _suggest(str(err["loc"][-1]), dict.fromkeys(parent))
        return InputError(f"{source}: unknown key {loc!r}", hint)
    shown = json.dumps(value, default=str) if not isinstance(value, dict) else "{…}"
    if len(shown) > 60:
        shown = shown[:57] + "…"
    extra = f" ({len(exc.errors()) - 1} more problem(s) after fixing this)" \
        if len(exc.errors()) > 1 else ""
    return InputError(f"{source}: {loc} = {shown}: {msg}{extra}",
                      "see `realpolitik scenarios new` for every key with its allowed range")


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping as a :class:`Scenario` (errors name the key, value and range)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{source}: a scenario is a mapping of keys to values, not "
                         f"{type(data).__name__}", "see `realpolitik scenarios new`")
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise _explain(exc, source) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.yaml``/``.yml`` or ``.toml`` file, or a preset name."""
    p = Path(path)
    if not p.exists():
        if str(path) in PRESETS:
            return load_preset(str(path))
        close = difflib.get_close_matches(str(path), PRESETS, n=1)
        raise InputError(f"no scenario file or preset named {str(path)!r}",
                         f"did you mean {close[0]}?" if close else
                         "presets: " + ", ".join(PRESETS))
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scenario file {p}: {exc}") from None
    return parse_text(text, p.suffix.lower(), str(p))


def parse_text(text: str, suffix: str, source: str) -> Scenario:
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            raise InputError(f"{source}: unknown scenario format {suffix!r}",
                             "use a .yaml, .yml or .toml file")
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{source} is not valid {'TOML' if suffix == '.toml' else 'YAML'}: "
                         f"{first}", "check the indentation and quoting around that line"
                         ) from None
    if data is None or (isinstance(data, dict) and not data and not text.strip()):
        raise InputError(f"{source} is empty", "see `realpolitik scenarios new`")
    return parse_scenario(data, source)


def preset_text(name: str) -> str:
    """The YAML text of a bundled preset."""
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=1)
        raise InputError(f"unknown preset {name!r}", f"did you mean {close[0]}?" if close else
                         "presets: " + ", ".join(PRESETS))
    return resources.files("realpolitik.simulate").joinpath("presets", f"{name}.yaml").read_text(
        encoding="utf-8")


def load_preset(name: str) -> Scenario:
    """A bundled preset scenario by name (see :data:`PRESETS`)."""
    return parse_text(preset_text(name), ".yaml", f"preset {name}")


def _range_text(field: Any) -> str:
    parts = []
    for meta in getattr(field, "metadata", []):
        for attr, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                parts.append(f"{sym} {getattr(meta, attr)}")
    return ", ".join(parts)


def scenario_template(base: str = "status-quo") -> str:
    """A commented YAML template: every key with its value in ``base``, range and meaning."""
    sc = load_preset(base)
    data = sc.to_dict()
    lines = [
        f"# realpolitik scenario (template written from the preset {base!r}).",
        "# Every key is optional; omitted keys take the defaults shown. Check a file with",
        "#   realpolitik scenarios show FILE",
        "# and run it with",
        "#   realpolitik forecast --scenario FILE",
    ]

    def emit(model: type[BaseModel], values: dict[str, Any], indent: int) -> None:
        pad = "  " * indent
        for name, field in model.model_fields.items():
            value = values.get(name)
            sub = field.annotation
            doc = field.description or ""
            rng = _range_text(field)
            comment = " — ".join(x for x in (doc, f"allowed: {rng}" if rng else "") if x)
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                if comment or sub.__doc__:
                    first = (sub.__doc__ or "").strip().splitlines()[0] if sub.__doc__ else ""
                    lines.append(f"{pad}# {comment or first}")
                lines.append(f"{pad}{name}:")
                emit(sub, value or {}, indent + 1)
                continue
            if comment:
                lines.append(f"{pad}# {comment}")
            dumped = yaml.safe_dump({name: value}, default_flow_style=True, sort_keys=False,
                                    width=1000).strip()
            lines.append(f"{pad}{dumped[1:-1] if dumped.startswith('{') else dumped}")

    emit(Scenario, data, 0)
    return "\n".join(lines) + "\n"
