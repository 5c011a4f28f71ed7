"""Scenario files (DESIGN §5): presets, YAML/TOML parsing, validation messages, dotted
overrides, and the resolution step (growth estimates, policy paths)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.errors import InputError
from realpolitik.simulate.resolve import (
    BREAKS,
    Resolved,
    estimate_growth,
    policy_path,
    resolve,
)
from realpolitik.simulate.scenario import (
    BLOCK,
    PRESETS,
    Scenario,
    load_preset,
    load_scenario,
    parse_scenario,
    parse_text,
    preset_text,
)


def _error(data: object) -> str:
    """The message of the InputError raised by ``parse_scenario(data)``."""
    with pytest.raises(InputError) as info:
        parse_scenario(data)
    return str(info.value)


# ------------------------------------------------------------------------------------------
# presets
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_resolves(name: str) -> None:
    s = load_preset(name)
    assert isinstance(s, Scenario)
    assert s.name == name
    assert load_scenario(name) == s  # a preset name works wherever a file does
    assert parse_scenario(s.to_dict()) == s  # the stored form round-trips
    r = resolve(s)
    assert isinstance(r, Resolved)
    assert r.names == ("CHN", "RUS", "USA")
    assert r.years[0] == r.t0 and r.years[-1] == s.horizon
    assert r.n_years == s.horizon - r.t0 + 1
    assert np.isfinite(r.x0).all() and np.isfinite(r.drift).all()
    assert (r.volatility >= 0).all() and (r.psi > 0).all()
    assert r.policy.shape == (r.n_years,) and r.policy[0] == 0.0
    assert len(r.regions) > 0
    assert r.provenance["scenario"] == s.to_dict() and r.provenance["t0"] == r.t0


def test_presets_differ_as_described() -> None:
    base = resolve(load_preset("status-quo"))
    stag = resolve(load_preset("weaker-stagnation"))
    assert stag.drift[1] == -0.02 and not stag.estimated["B"]["drift"]
    assert stag.estimated["B"]["volatility"] and stag.volatility[1] == base.volatility[1]
    np.testing.assert_array_equal(stag.drift[[0, 2]], base.drift[[0, 2]])
    assert base.estimated == {r: {"drift": True, "volatility": True} for r in "ABC"}
    cont = resolve(load_preset("containment"))
    assert cont.policy[cont.years == 2030][0] == 0.6 and cont.policy[-1] == 0.6
    det = load_preset("detente-with-weaker")
    assert det.adversary_policy.front_B < 0 < det.adversary_policy.front_A
    assert det.region_map["front_asymmetry"] is True
    assert not base.policy.any()


def test_unknown_preset_suggests() -> None:
    with pytest.raises(InputError, match="did you mean containment"):
        preset_text("containmnt")
    with pytest.raises(InputError, match="presets: status-quo"):
        load_preset("nothing-like-it")


# ------------------------------------------------------------------------------------------
# YAML and TOML
# ------------------------------------------------------------------------------------------
YAML_TEXT = """\
name: full
description: every kind of key
tandem: [CHN, RUS]
adversary: USA
t0: 2015
horizon: 2035
index: cinc
trajectories: 5000
seed: 7
chunk_size: 2048
growth:
  window: [2000, 2014]
  exclude_breaks: false
  A: {drift: 0.01, volatility: 0.02}
  B: {drift: -0.01}
adversary_policy:
  mode: response
  path: {2020: 0.25, 2030: 0.5}
  gain: 1.5
  persistence: 0.7
  lag: 2
  shock_sd: 0.1
  front_A: 1.0
  front_B: -0.5
cohesion:
  initial: 0.6
  rate: 0.1
  targets: {hedging: 0.4}
region_map: {base: default, a_S: 0.3, front_asymmetry: true}
leeway: {sigma0: 0.3, mu: 0.4}
regions:
  - {region: Arctic, value: 6, advantage_a: 0.2, advantage_b: 0.9, advantage_c: 0.5}
  - {region: Africa, value: 5, advantage_a: 0.75, advantage_b: 0.35}
quantiles: [0.1, 0.5, 0.9]
"""

TOML_TEXT = """\
name = "full"
description = "every kind of key"
tandem = ["CHN", "RUS"]
adversary = "USA"
t0 = 2015
horizon = 2035
index = "cinc"
trajectories = 5000
seed = 7
chunk_size = 2048
quantiles = [0.1, 0.5, 0.9]

[growth]
window = [2000, 2014]
exclude_breaks = false
A = { drift = 0.01, volatility = 0.02 }
B = { drift = -0.01 }

[adversary_policy]
mode = "response"
gain = 1.5
persistence = 0.7
lag = 2
shock_sd = 0.1
front_A = 1.0
front_B = -0.5

[adversary_policy.path]
2020 = 0.25
2030 = 0.5

[cohesion]
initial = 0.6
rate = 0.1
targets = { hedging = 0.4 }

[region_map]
base = "default"
a_S = 0.3
front_asymmetry = true

[leeway]
sigma0 = 0.3
mu = 0.4

[[regions]]
region = "Arctic"
value = 6
advantage_a = 0.2
advantage_b = 0.9
advantage_c = 0.5

[[regions]]
region = "Africa"
value = 5
advantage_a = 0.75
advantage_b = 0.35
"""


def test_yaml_and_toml_give_the_same_scenario(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(YAML_TEXT, encoding="utf-8")
    (tmp_path / "s.yml").write_text(YAML_TEXT, encoding="utf-8")
    (tmp_path / "s.toml").write_text(TOML_TEXT, encoding="utf-8")
    a = load_scenario(tmp_path / "s.yaml")
    b = load_scenario(str(tmp_path / "s.toml"))
    assert a == b == load_scenario(tmp_path / "s.yml")
    assert a.to_dict() == b.to_dict()
    # every key was read, not defaulted
    assert a.adversary_policy.path == {2020: 0.25, 2030: 0.5}
    assert a.growth.B.drift == -0.01 and a.growth.B.volatility is None
    assert a.cohesion.targets["hedging"] == 0.4 and a.cohesion.initial == 0.6
    assert [r.region for r in a.regions or []] == ["Arctic", "Africa"]
    assert a.quantiles == (0.1, 0.5, 0.9) and a.chunk_size == 2048
    r = resolve(a)
    assert r.t0 == 2015 and r.regions.names == ("Arctic", "Africa")
    assert r.region_map.a_S == 0.3 and r.region_map.front_asymmetry
    assert r.leeway.sigma0 == 0.3 and r.leeway.mu == 0.4
    np.testing.assert_array_equal(r.drift[:2], [0.01, -0.01])
    assert r.volatility[0] == 0.02


def test_preset_round_trips_through_a_yaml_file(tmp_path: Path) -> None:
    s = load_preset("containment")
    p = tmp_path / "dump.yaml"
    p.write_text(yaml.safe_dump(s.to_dict()), encoding="utf-8")
    assert load_scenario(p) == s


# ------------------------------------------------------------------------------------------
# bad input: always InputError, naming key, value and range
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "key", "suggestion"), [
    ({"horizn": 2040}, "'horizn'", "horizon"),
    ({"tandm": ["CHN", "RUS"]}, "'tandm'", "tandem"),
    ({"growth": {"B": {"drfit": 0.1}}}, "'growth.B.drfit'", "drift"),
    ({"growth": {"windw": [2000, 2010]}}, "'growth.windw'", "window"),
    ({"adversary_policy": {"gian": 1.0}}, "'adversary_policy.gian'", "gain"),
    ({"cohesion": {"rat": 0.1}}, "'cohesion.rat'", "rate"),
])
def test_unknown_key_names_dotted_key_and_suggests(data: dict, key: str, suggestion: str) -> None:
    msg = _error(data)
    assert "unknown key" in msg and key in msg
    assert f"did you mean {suggestion}" in msg


def test_cohesion_targets_are_filled_for_every_label() -> None:
    t = parse_scenario({"cohesion": {"targets": {"hedging": 0.4}}}).cohesion.targets
    assert list(t) == ["hedging", "bandwagoning", "soft_balancing", "hard_balancing",
                       "chain_ganging", "buck_passing"]
    assert t["hedging"] == 0.4


def test_partial_cohesion_targets_keep_the_other_defaults() -> None:
    default = Scenario().cohesion.targets
    t = parse_scenario({"cohesion": {"targets": {"hedging": 0.4}}}).cohesion.targets
    assert t == {**default, "hedging": 0.4}


def test_unknown_key_in_open_tables_names_it() -> None:
    msg = _error({"region_map": {"a_X": 0.1}})
    assert "region_map" in msg and "'a_X'" in msg and "a_S" in msg
    msg = _error({"leeway": {"sigma": 0.1}})
    assert "leeway" in msg and "sigma" in msg and "sigma0" in msg
    msg = _error({"cohesion": {"targets": {"hedgin": 0.3}}})
    assert "cohesion.targets" in msg and "hedgin" in msg and "hedging" in msg


def test_unknown_key_in_a_region_row_names_the_dotted_key() -> None:
    row = {"region": "X", "value": 1, "advantage_a": 1, "advantage_b": 1, "advantag_c": 0}
    assert "'regions.0.advantag_c'" in _error({"regions": [row]})


def test_unknown_key_in_a_region_row_suggests() -> None:
    row = {"region": "X", "value": 1, "advantage_a": 1, "advantage_b": 1, "advantag_c": 0}
    assert "did you mean advantage_c" in _error({"regions": [row]})


@pytest.mark.parametrize(("data", "key", "value"), [
    ({"horizon": "soon"}, "horizon", '"soon"'),
    ({"trajectories": 1.5}, "trajectories", "1.5"),
    ({"tandem": "CHN"}, "tandem", '"CHN"'),
    ({"tandem": ["CHN", "RUS", "USA"]}, "tandem", '["CHN", "RUS", "USA"]'),
    ({"growth": 3}, "growth", "3"),
    ({"growth": {"B": 3}}, "growth.B", "3"),
    ({"growth": {"B": {"drift": "fast"}}}, "growth.B.drift", '"fast"'),
    ({"growth": {"exclude_breaks": 2}}, "growth.exclude_breaks", "2"),
    ({"adversary_policy": {"mode": "rule"}}, "adversary_policy.mode", '"rule"'),
    ({"adversary_policy": {"path": [1, 2]}}, "adversary_policy.path", "[1, 2]"),
    ({"adversary_policy": {"path": {"soon": 0.3}}}, "adversary_policy.path", '"soon"'),
    ({"index": "gdp"}, "index", '"gdp"'),
    ({"region_map": {"a_S": "x"}}, "a_S", "'x'"),
])
def test_wrong_type_names_key_and_value(data: dict, key: str, value: str) -> None:
    msg = _error(data)
    assert f"{key} " in msg or f"{key}." in msg or f"{key}:" in msg, msg
    assert value in msg, msg


@pytest.mark.parametrize("data", [
    {"trajectories": True},
    {"adversary_policy": {"gain": True}},
    {"cohesion": {"rate": True}},
])
def test_boolean_for_a_number_is_a_wrong_type(data: dict) -> None:
    _error(data)


@pytest.mark.parametrize(("data", "key", "value", "bound"), [
    ({"growth": {"B": {"drift": 0.9}}}, "growth.B.drift", "0.9", "0.5"),
    ({"growth": {"A": {"volatility": -1}}}, "growth.A.volatility", "-1", "0"),
    ({"adversary_policy": {"persistence": 1.0}}, "adversary_policy.persistence", "1.0", "1"),
    ({"adversary_policy": {"lag": 9}}, "adversary_policy.lag", "9", "5"),
    ({"adversary_policy": {"gain": 11}}, "adversary_policy.gain", "11", "10"),
    ({"adversary_policy": {"front_B": -3}}, "adversary_policy.front_B", "-3", "-2"),
    ({"cohesion": {"initial": 0}}, "cohesion.initial", "0", "0"),
    ({"cohesion": {"rate": 1.5}}, "cohesion.rate", "1.5", "1"),
    ({"horizon": 1800}, "horizon", "1800", "1817"),
    ({"t0": 2100}, "t0", "2100", "2024"),
    ({"trajectories": 0}, "trajectories", "0", "1"),
    ({"seed": -1}, "seed", "-1", "0"),
    ({"chunk_size": 512}, "chunk_size", "512", "1024"),
    ({"chunk_size": 1025 * 1024}, "chunk_size", "1049600", "1048576"),
    ({"name": ""}, "name", '""', "1 character"),
    ({"quantiles": [0.5, 1.5]}, "quantiles", "1.5", "between 0 and 1"),
    ({"growth": {"window": [2020, 2010]}}, "growth.window", "[2020, 2010]", "1816–2024"),
    ({"adversary_policy": {"path": {2030: 9}}}, "adversary_policy.path", "9", "between −5 and 5"),
    ({"cohesion": {"targets": {"hedging": 1.2}}}, "cohesion.targets", "1.2", "[0, 1]"),
    ({"leeway": {"m": 2}}, "leeway", "2", "(0, 1]"),
])
def test_out_of_range_names_key_value_and_range(data: dict, key: str, value: str,
                                                bound: str) -> None:
    msg = _error(data)
    assert key in msg and value in msg and bound in msg, msg


@pytest.mark.parametrize(("data", "words"), [
    ({"tandem": ["CHN", "CHN"]}, ["tandem", "'CHN'", "twice"]),
    ({"tandem": ["CHN", "RUS"], "adversary": "rus"}, ["adversary", "'rus'", "partner"]),
    ({"tandem": ["usa", "RUS"], "adversary": "USA"}, ["adversary", "'USA'", "partner"]),
    ({"t0": 2020, "horizon": 2020}, ["horizon 2020", "t0 2020"]),
    ({"t0": 2020, "horizon": 2010}, ["horizon 2010", "t0 2020"]),
    ({"t0": 1900, "horizon": 2200}, ["horizon − t0 = 300", "at most 200"]),
    ({"t0": 2020, "adversary_policy": {"path": {2010: 0.3}}},
     ["adversary_policy.path", "[2010]", "(2020, 2040]"]),
    ({"t0": 2020, "adversary_policy": {"path": {2020: 0.3}}},
     ["adversary_policy.path", "[2020]", "(2020, 2040]"]),
    ({"adversary_policy": {"path": {2050: 0.3}}}, ["adversary_policy.path", "[2050]", "2040]"]),
    ({"chunk_size": 1500}, ["chunk_size", "1500", f"multiple of {BLOCK}"]),
    ({"chunk_size": 3 * BLOCK + 1}, ["chunk_size", str(3 * BLOCK + 1), "multiple"]),
    ({"region_map": {"a_S": 0.7}}, ["region_map", "a_S (0.7)", "a_H (0.6)"]),
    ({"region_map": {"r_P": 0.1}}, ["region_map", "r_P (0.1)", "less than 0"]),
    ({"region_map": {"a_C": 0.5}}, ["region_map", "a_C (0.5)", "a_H (0.6)"]),
    ({"region_map": {"a_S": 0.3, "offense_shift": 0.3}}, ["region_map", "offense_shift"]),
    ({"region_map": {"base": "nope"}}, ["region_map", "'nope'", "default, quadrant"]),
])
def test_impossible_combinations(data: dict, words: list[str]) -> None:
    msg = _error(data)
    for w in words:
        assert w in msg, (w, msg)


def test_combinations_checked_against_the_data_year_at_resolution() -> None:
    """With ``t0: null`` the scenario cannot know t0; resolve checks against the data year."""
    latest = resolve(load_preset("status-quo")).t0
    s = parse_scenario({"horizon": latest})
    with pytest.raises(InputError, match=f"horizon {latest} must be after t0 {latest}"):
        resolve(s)
    s = parse_scenario({"adversary_policy": {"path": {latest - 1: 0.3}}})
    with pytest.raises(InputError, match=rf"path years \[{latest - 1}\] lie outside"):
        resolve(s)
    with pytest.raises(InputError, match="t0 = 2024"):
        resolve(parse_scenario({"t0": 2024}))


_KEYS = ["name", "tandem", "adversary", "t0", "horizon", "index", "trajectories", "seed",
         "chunk_size", "growth", "adversary_policy", "cohesion", "region_map", "leeway",
         "regions", "quantiles"]
_NAMES = st.sampled_from(["A", "B", "drift", "window", "path", "mode", "a_S", "base", "m",
                          "sigma0", "hedging", "region", "value", "targets", "rate"])
_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                  st.text(max_size=5))
_JUNK = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(_NAMES, st.text(max_size=6), st.integers(1800, 2100)), inner,
                    max_size=3)), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _JUNK, max_size=3))
def test_any_mapping_gives_a_scenario_or_an_input_error(data: dict) -> None:
    try:
        assert isinstance(parse_scenario(data), Scenario)
    except InputError:
        pass


_TOKENS = st.sampled_from([*"ab:{}[]-,\n =\"'#&*!|>%@`0129.", "t0", "horizon", "growth", "yes",
                           "2020-01-01", "!!python/name:os.system", "?", "\t", "regions",
                           "1e400", ".nan", "~"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=25).map("".join), st.sampled_from([".yaml", ".toml"]))
def test_any_text_gives_a_scenario_or_an_input_error(text: str, suffix: str) -> None:
    try:
        assert isinstance(parse_text(text, suffix, "fuzz"), Scenario)
    except InputError:
        pass


def test_not_a_mapping() -> None:
    assert "mapping" in _error([1, 2])
    assert "mapping" in _error("status-quo")


@pytest.mark.parametrize(("suffix", "text", "words"), [
    (".yaml", "horizon: [2040,\n", ["not valid YAML"]),
    (".yaml", "growth:\n  B: {drift: 0.1\n", ["not valid YAML"]),
    (".yml", "a: b: c\n", ["not valid YAML"]),
    (".toml", "horizon = \n", ["not valid TOML"]),
    (".toml", "[growth\n", ["not valid TOML"]),
    (".yaml", "", ["is empty"]),
    (".yaml", "# nothing but a comment\n", ["is empty"]),
    (".yaml", "- 1\n- 2\n", ["mapping", "list"]),
    (".yaml", "just words\n", ["mapping", "str"]),
    (".json", '{"horizon": 2040}', ["unknown scenario format", "'.json'"]),
    (".yaml", "horizn: 2040\n", ["unknown key 'horizn'", "horizon"]),
    (".toml", "horizn = 2040\n", ["unknown key 'horizn'", "horizon"]),
])
def test_bad_files(tmp_path: Path, suffix: str, text: str, words: list[str]) -> None:
    p = tmp_path / f"bad{suffix}"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(p)
    msg = str(info.value)
    for w in words:
        assert w in msg, (w, msg)
    assert str(p) in msg or "bad" in msg  # the file is named


def test_empty_toml_file_fails(tmp_path: Path) -> None:
    p = tmp_path / "empty.toml"
    p.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_scenario(p)


def test_undecodable_file(tmp_path: Path) -> None:
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(InputError, match="cannot read"):
        load_scenario(p)


@pytest.mark.parametrize(("path", "hint"), [
    ("status-qou", "did you mean status-quo?"),
    ("two-front", "did you mean two-front-pressure?"),
    ("/nonexistent/dir/scenario.yaml", "presets: status-quo"),
])
def test_missing_file_or_unknown_preset(path: str, hint: str) -> None:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert repr(path) in str(info.value) and hint in str(info.value)


def test_parse_text_directly() -> None:
    s = parse_text("horizon: 2035\n", ".yaml", "inline")
    assert s.horizon == 2035
    with pytest.raises(InputError, match="inline: horizon = 1"):
        parse_text("horizon = 1\n", ".toml", "inline")


# ------------------------------------------------------------------------------------------
# overrides
# ------------------------------------------------------------------------------------------
def test_with_overrides_on_dotted_keys() -> None:
    s = load_preset("status-quo")
    o = s.with_overrides({"growth.B.drift": -0.01, "growth.B.volatility": 0.0,
                          "adversary_policy.gain": 2.0, "horizon": 2050, "t0": 2015,
                          "adversary_policy.path.2030": 0.5, "cohesion.targets.hedging": 0.1,
                          "region_map.a_S": 0.3, "leeway.sigma0": 0.4,
                          "growth.window": [2000, 2014]})
    assert o.growth.B.drift == -0.01 and o.growth.B.volatility == 0.0
    assert o.growth.A == s.growth.A
    assert o.adversary_policy.gain == 2.0 and o.adversary_policy.path == {2030: 0.5}
    assert o.horizon == 2050 and o.t0 == 2015
    assert o.cohesion.targets["hedging"] == 0.1
    assert o.region_map == {"base": "default", "a_S": 0.3}
    assert o.leeway == {"sigma0": 0.4} and o.growth.window == (2000, 2014)
    # the original is untouched (scenarios are frozen)
    assert s.growth.B.drift is None and s.horizon == 2040 and s.adversary_policy.path == {}
    # a whole subtree, and the regions list, can be replaced too
    o2 = s.with_overrides({"growth.B": {"drift": 0.0}, "regions": [
        {"region": "X", "value": 1, "advantage_a": 1, "advantage_b": 1}]})
    assert o2.growth.B.drift == 0.0 and o2.regions is not None and o2.regions[0].region == "X"
    # existing path years are replaced, others kept
    c = load_preset("containment").with_overrides({"adversary_policy.path.2026": 0.1})
    assert c.adversary_policy.path == {2026: 0.1, 2030: 0.6}


@pytest.mark.parametrize(("overrides", "words"), [
    ({"growth.B.drfit": 0.1}, ["'growth.B.drfit'", "did you mean drift"]),
    ({"growt.B.drift": 0.1}, ["'growt'", "did you mean growth"]),
    ({"growth.X.drift": 0.1}, ["'growth.X'", "A, B, C"]),
    ({"horizn": 2050}, ["'horizn'", "did you mean horizon"]),
    ({"horizon.year": 2050}, ["'horizon.year'", "does not name a setting"]),
    ({"regions.0.value": 1}, ["'regions.0'"]),
    ({"horizon": 1}, ["horizon = 1", "1817"]),
    ({"growth.B.drift": "x"}, ["growth.B.drift", '"x"', "valid number"]),
    ({"growth.B.drift": 0.7}, ["growth.B.drift", "0.7", "0.5"]),
    ({"region_map.a_S": 0.9}, ["region_map", "a_S (0.9)"]),
    ({"adversary_policy.path.2041": 0.2}, ["adversary_policy.path", "[2041]"]),
    ({"tandem": ["CHN", "CHN"]}, ["twice"]),
])
def test_with_overrides_errors(overrides: dict, words: list[str]) -> None:
    with pytest.raises(InputError) as info:
        load_preset("status-quo").with_overrides(overrides)
    for w in words:
        assert w in str(info.value), (w, str(info.value))


# ------------------------------------------------------------------------------------------
# drift and volatility estimates
# ------------------------------------------------------------------------------------------
def _toy() -> pd.DataFrame:
    # 2003 is missing (the 2002→2004 change is not a yearly change); B is missing in 2005
    return pd.DataFrame({"A": [0.0, 0.1, 0.3, 0.6, 0.8, 0.7],
                         "B": [1.0, 1.0, 1.2, 1.1, np.nan, 1.4]},
                        index=[2000, 2001, 2002, 2004, 2005, 2006])


def test_estimate_growth_hand_computed() -> None:
    drift, vol, n = estimate_growth(_toy(), (2000, 2006), exclude=(2005,))
    # A: changes ending 2001 (+0.1), 2002 (+0.2), 2006 (−0.1); 2004 skipped (gap), 2005 excluded
    # B: 2001 (0.0), 2002 (+0.2); 2006 has no start (2005 missing)
    assert n.tolist() == [3, 2]
    assert drift == pytest.approx([0.2 / 3, 0.1], abs=1e-12)
    sd_a = math.sqrt(((0.1 - 0.2 / 3) ** 2 + (0.2 - 0.2 / 3) ** 2 + (-0.1 - 0.2 / 3) ** 2) / 2)
    assert vol == pytest.approx([sd_a, math.sqrt(0.02)], abs=1e-12)


def test_estimate_growth_window_and_exclusions() -> None:
    # without the exclusion the 2005 change of A (+0.2) counts; B's is missing either way
    drift, _, n = estimate_growth(_toy(), (2000, 2006))
    assert n.tolist() == [4, 2] and drift[0] == pytest.approx(0.1, abs=1e-12)
    # the window's first year starts no change: changes ending 2002 and 2006 only
    drift, _, n = estimate_growth(_toy(), (2001, 2006), exclude=(2005,))
    assert n.tolist() == [2, 1] and drift[0] == pytest.approx(0.05, abs=1e-12)
    # rows outside the window are ignored, whatever their order
    shuffled = _toy().iloc[::-1]
    a = estimate_growth(shuffled, (2000, 2006), exclude=(2005,))
    b = estimate_growth(_toy(), (2000, 2006), exclude=(2005,))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def _cinc_log_power(ccodes: tuple[int, ...]) -> pd.DataFrame:
    from realpolitik.measures.power import power_table

    t = power_table("cinc")
    t = t[t["ccode"].isin(ccodes)]
    wide = t.pivot(index="year", columns="ccode", values="power")[list(ccodes)]
    return wide.apply(np.log)


def test_cinc_break_2016_2017_is_left_out() -> None:
    assert BREAKS["cinc"] == (2017,)
    s = load_preset("status-quo")
    r = resolve(s)
    r_all = resolve(s.with_overrides({"growth.exclude_breaks": False}))
    assert not np.allclose(r.drift, r_all.drift) and not np.allclose(r.volatility,
                                                                      r_all.volatility)
    logp = _cinc_log_power(r.ccodes)
    lo, hi = s.growth.window
    ch = logp.diff().loc[lo + 1:hi]
    assert len(ch) == hi - lo
    kept = ch.drop(index=2017)
    np.testing.assert_allclose(r.drift, kept.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(r.volatility, kept.std(ddof=1).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(r_all.drift, ch.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(r_all.volatility, ch.std(ddof=1).to_numpy(), rtol=1e-12)
    # the 2016→2017 change is the one that differs: adding it back moves the mean by it
    n = len(ch)
    np.testing.assert_allclose(r_all.drift * n - r.drift * (n - 1), ch.loc[2017].to_numpy(),
                               rtol=1e-9)


def test_break_outside_the_window_changes_nothing() -> None:
    s = load_preset("status-quo").with_overrides({"growth.window": [2000, 2015]})
    a = resolve(s)
    b = resolve(s.with_overrides({"growth.exclude_breaks": False}))
    np.testing.assert_array_equal(a.drift, b.drift)
    np.testing.assert_array_equal(a.volatility, b.volatility)


def test_given_drift_and_volatility_are_used_as_given() -> None:
    s = load_preset("status-quo").with_overrides({
        "growth.A": {"drift": 0.03, "volatility": 0.0}, "growth.C.volatility": 0.5})
    r = resolve(s)
    assert r.drift[0] == 0.03 and r.volatility[0] == 0.0 and r.volatility[2] == 0.5
    assert r.estimated["A"] == {"drift": False, "volatility": False}
    assert r.estimated["C"] == {"drift": True, "volatility": False}
    assert r.provenance["estimates"]["A"]["drift"] == 0.03


def test_too_short_a_window_fails_with_the_role() -> None:
    # [2014, 2018] holds the changes ending 2015, 2016, 2017 and 2018; the 2017 one crosses
    # the CINC break, so three are used. [2015, 2018] leaves two: too few to estimate.
    s = parse_scenario({"growth": {"window": [2014, 2018]}, "t0": 2020})
    r = resolve(s)
    assert np.isfinite(r.drift).all()
    s = parse_scenario({"growth": {"window": [2015, 2018]}, "t0": 2020})
    with pytest.raises(InputError, match=r"growth\.A: only 2 yearly changes"):
        resolve(s)
    # given values need no estimate
    given = {"drift": 0.0, "volatility": 0.0}
    s = parse_scenario({"growth": {"window": [2015, 2018], "A": given, "B": given,
                                   "C": given}, "t0": 2020})
    assert resolve(s).drift.tolist() == [0.0, 0.0, 0.0]


# ------------------------------------------------------------------------------------------
# policy paths
# ------------------------------------------------------------------------------------------
def test_policy_path_interpolates_and_holds() -> None:
    p = policy_path({2026: 0.3, 2030: 0.6}, 2022, 2040)
    assert p.shape == (19,)
    expected = [0.0, 0.075, 0.15, 0.225, 0.3, 0.375, 0.45, 0.525, 0.6] + [0.6] * 10
    np.testing.assert_allclose(p, expected, rtol=0, atol=1e-15)


def test_policy_path_cases() -> None:
    assert policy_path({}, 2022, 2030).tolist() == [0.0] * 9
    np.testing.assert_allclose(policy_path({2023: -0.5}, 2022, 2025), [0, -0.5, -0.5, -0.5])
    np.testing.assert_allclose(policy_path({2024: 1.0, 2025: 0.0}, 2022, 2026),
                               [0, 0.5, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(policy_path({2025: 0.3}, 2022, 2025), [0, 0.1, 0.2, 0.3])


def test_resolved_policy_is_the_scenario_path() -> None:
    s = load_preset("two-front-pressure")
    r = resolve(s)
    np.testing.assert_array_equal(
        r.policy, policy_path(s.adversary_policy.path, r.t0, s.horizon))
    assert r.policy[r.years == 2027][0] == 0.5 and r.policy[r.years == 2032][0] == 0.9
    assert (r.policy[r.years >= 2032] == 0.9).all()
