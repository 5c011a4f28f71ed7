"""The web API (``realpolitik serve``): every endpoint returns what the library computes for the
same inputs, bad and oversize requests get one JSON error shape naming the field, and nothing a
request sends reaches the file system."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2 for its test client
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from realpolitik._version import __version__
from realpolitik.interfaces.web.app import create_app
from realpolitik.simulate.service import SLIDERS, ForecastRequest, Limits, build_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LIMITS = Limits(max_trajectories=20_000, max_years=60, max_points=50,
                max_concurrent_forecasts=2, max_body_bytes=16_384)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("webstore") / "results.duckdb"


@pytest.fixture(scope="module")
def client(store_path: Path) -> TestClient:
    app = create_app(store_path, LIMITS)
    return TestClient(app, base_url="http://127.0.0.1:8000")


def err(resp: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The error body of ``resp``, checked for status, shape and field."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    e = body["error"]
    assert set(e) == {"status", "type", "field", "message", "hint"}
    assert e["status"] == status and e["message"]
    if field is not None:
        assert e["field"] == field, e
    return e  # type: ignore[no-any-return]


def column(payload: dict[str, Any], name: str) -> list[Any]:
    return [r[name] for r in payload["rows"]]


def same(api: list[Any], lib: Any) -> None:
    """API values equal the library's exactly (NaN ↔ null)."""
    want = [None if isinstance(v, float) and math.isnan(v) else v for v in list(lib)]
    assert api == want


# ---------------------------------------------------------------------------------------------
# happy paths: the numbers are the library's
def test_health_version_labels(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    v = client.get("/api/version").json()
    assert v["version"] == __version__ and v["limits"]["max_trajectories"] == 20_000
    labels = client.get("/api/labels").json()["labels"]
    assert [x["name"] for x in labels][:2] == ["hedging", "bandwagoning"] and len(labels) == 6


def test_states(client: TestClient) -> None:
    body = client.get("/api/states", params={"q": "china"}).json()
    assert body["states"][0]["abb"] == "CHN" and "USA" in body["majors"]
    members = client.get("/api/states", params={"year": 2022, "limit": 500}).json()["states"]
    assert len(members) > 150 and all(isinstance(s["ccode"], int) for s in members)
    assert client.get("/api/states/prc").json()["ccode"] == 710
    err(client.get("/api/states/Atlantis"), 404, "query")


def test_power_gap_plane_match_the_library(client: TestClient) -> None:
    from realpolitik.measures.gap import power_gap, power_gap_spread
    from realpolitik.measures.power import power
    from realpolitik.measures.trajectory import trajectory
    from realpolitik.models.plane import plot_box

    body = client.get("/api/power", params={"states": ["CHN", "RUS"], "from": 2000,
                                            "to": 2002}).json()
    lib = power(["CHN", "RUS"], years=(2000, 2002))
    same(column(body, "power"), lib["power"])
    same(column(body, "stateabb"), lib["stateabb"])

    body = client.get("/api/gap", params={"a": "CHN", "b": "RUS", "base": 2008, "from": 2000,
                                          "to": 2010}).json()
    lib = power_gap("CHN", "RUS", base=2008, years=(2000, 2010))
    same(column(body, "rg"), lib["rg"])
    assert body["base"] == 2008
    body = client.get("/api/gap", params={"a": "CHN", "b": "RUS", "base": 2010, "from": 2008,
                                          "to": 2012, "index": "all"}).json()
    tidy, wide = power_gap_spread("CHN", "RUS", base=2010, years=(2008, 2012))
    same(column(body["summary"], "rg_spread"), wide["rg_spread"])
    same(column(body, "rg"), tidy["rg"])

    body = client.get("/api/plane", params={"a": "CHN", "b": "RUS", "c": "USA", "base": 2008,
                                            "from": 2000, "to": 2012}).json()
    lib = trajectory("CHN", "RUS", "USA", years=(2000, 2012), base=2008)
    for name in ("rg", "ar", "p_hedging"):
        same(column(body, name), lib[name])
    same(column(body, "label"), lib["label"].astype(object))
    box = plot_box(lib["rg"].to_numpy(), lib["ar"].to_numpy())
    assert body["box"] == [list(box[0]), list(box[1])] and body["base"] == 2008


def test_regions_classify_match_the_library(client: TestClient) -> None:
    from realpolitik.models.plane import classify_table, region_anchors, region_polygons

    body = client.get("/api/regions", params={"rg_min": -1, "rg_max": 1, "ar_min": 0,
                                              "ar_max": 0.25}).json()
    polys = region_polygons(None, (-1, 1), (0, 0.25))
    assert body["polygons"] == {k: [p.tolist() for p in v] for k, v in polys.items()}
    assert body["anchors"] == {k: list(v) for k, v in region_anchors(
        None, (-1, 1), (0, 0.25)).items()}

    rg, ar = [0.0, 0.1, 0.5, -0.5, -0.1], [0.0, 0.4, 0.3, 0.1, 0.9]
    body = client.get("/api/classify", params={"rg": rg, "ar": ar, "soft": True,
                                               "temperature": 0.1}).json()
    lib = classify_table(rg, ar, temperature=0.1, soft=True)
    same(column(body, "label"), lib["label"])
    same(column(body, "p_soft_balancing"), lib["p_soft_balancing"])
    quad = client.get("/api/classify", params={"rg": 0.5, "ar": 0.5, "map": "quadrant"}).json()
    assert quad["rows"][0]["label"] == classify_table([0.5], [0.5], "quadrant")["label"][0]


def test_many_points_and_several_adversaries(client: TestClient) -> None:
    from realpolitik.measures.trajectory import trajectory
    from realpolitik.models.plane import classify_table

    rg = np.linspace(-1, 1, 40).tolist()
    ar = np.linspace(-0.5, 1.2, 40).tolist()
    body = client.get("/api/classify", params={"rg": rg, "ar": ar, "soft": True}).json()
    lib = classify_table(rg, ar, soft=True)
    same(column(body, "label"), lib["label"])
    same(column(body, "p_hard_balancing"), lib["p_hard_balancing"])
    body = client.get("/api/plane", params={"a": "CHN", "b": "RUS", "c": "USA,JPN",
                                            "base": 2010, "from": 2008, "to": 2012}).json()
    lib = trajectory("CHN", "RUS", ["USA", "JPN"], years=(2008, 2012), base=2010)
    same(column(body, "ar"), lib["ar"])


def test_leeway_and_strategy_match_the_library(client: TestClient) -> None:
    from realpolitik.measures.leeway_inputs import leeway_consistency, leeway_table
    from realpolitik.measures.strategy_inputs import strategy_table

    body = client.get("/api/leeway", params={"a": "CHN", "b": "RUS", "c": "USA",
                                             "year": 2020, "ar": 0.3}).json()
    lib = leeway_table("CHN", "RUS", "USA", 2020, ar=0.3)
    same(column(body, "net"), lib["net"])
    assert body["consistency"][0]["year"] == 2020 and body["map"] == "default"
    # the dashboard's call: an index and a region map (the map labels the plane's side)
    body = client.get("/api/leeway", params={"a": "CHN", "b": "IND", "c": "USA", "year": 2022,
                                             "index": "cline", "map": "quadrant"}).json()
    lib = leeway_table("CHN", "IND", "USA", 2022, index="cline")
    for name in ("component", "standalone", "cooperative"):
        same(column(body, name), lib[name])
    report = leeway_consistency("CHN", "IND", "USA", 2022, index="cline",
                                region_map="quadrant")
    assert body["consistency"] == [{k: (bool(v) if isinstance(v, np.bool_) else v)
                                    for k, v in row.items()}
                                   for row in report.to_dict(orient="records")]
    assert (body["index"], body["map"]) == ("cline", "quadrant")
    body = client.get("/api/strategy", params={"a": "CHN", "b": "RUS", "c": "USA",
                                               "year": 2020}).json()
    lib = strategy_table("CHN", "RUS", "USA", 2020)
    same(column(body, "log_S"), lib["log_S"])
    assert body["strategy"]["pattern"] == lib.attrs["strategy"]["pattern"]


def test_presets_list_the_slider_parameters(client: TestClient) -> None:
    from realpolitik.simulate.scenario import PRESETS

    body = client.get("/api/presets").json()
    assert [p["name"] for p in body["presets"]] == list(PRESETS)
    cont = next(p for p in body["presets"] if p["name"] == "containment")
    params = {p["key"]: p for p in cont["parameters"]}
    assert list(params) == [s[0] for s in SLIDERS]
    assert params["adversary_policy.gain"]["value"] == 1.0
    assert params["adversary_policy.gain"]["allowed"] == {"ge": 0.0, "le": 10.0}
    assert params["growth.B.drift"]["value"] is None  # estimated from data
    assert params["trajectories"]["max"] <= LIMITS.max_trajectories
    assert client.get("/api/presets/containment").json()["name"] == "containment"
    err(client.get("/api/presets/nope"), 404, "name")


def _library_forecast(req: ForecastRequest) -> Any:
    from realpolitik.simulate.engine import simulate
    from realpolitik.simulate.resolve import resolve

    return simulate(resolve(build_scenario(req, LIMITS)))


def test_forecast_equals_the_engine_and_get_equals_post(client: TestClient) -> None:
    req = {"preset": "containment", "a": "CHN", "b": "IND", "c": "USA", "t0": 2020,
           "horizon": 2035, "trajectories": 2048, "seed": 11,
           "overrides": {"adversary_policy.gain": 1.7, "growth.B.drift": 0.01}}
    body = client.post("/api/forecast", json=req).json()
    ds = _library_forecast(ForecastRequest(**req))
    assert body["years"] == list(range(2020, 2036)) and body["n_trajectories"] == 2048
    assert body["names"] == {"a": "CHN", "b": "IND", "c": "USA"}
    for label in body["labels"]:
        assert body["probability"][label] == ds["probability"].sel(label=label).values.tolist()
        assert body["at_horizon"]["probability"][label] == float(
            ds["probability"].sel(label=label).isel(year=-1))
    assert body["rg_quantile"]["0.5"] == ds["rg_quantile"].sel(quantile=0.5).values.tolist()
    assert body["scenario"]["adversary_policy"]["gain"] == 1.7
    assert body["estimates"]["B"]["drift"] == 0.01 and body["run_id"] is None
    got = client.get("/api/forecast", params={
        "preset": "containment", "a": "CHN", "b": "IND", "c": "USA", "t0": 2020,
        "horizon": 2035, "trajectories": 2048, "seed": 11,
        "set": ["adversary_policy.gain=1.7", "growth.B.drift=0.01"]}).json()
    assert got["probability"] == body["probability"]
    small = client.get("/api/forecast", params={"t0": 2020, "horizon": 2025}).json()
    assert small["n_trajectories"] == LIMITS.default_trajectories


def test_forecast_leeway_equals_the_engine(client: TestClient) -> None:
    """The leeway per partner and component (at t′, mean over the trajectories) is the
    engine Dataset's ``leeway_mean``, exactly, every year and at the horizon; with the
    dashboard's index and region map."""
    req = {"preset": "status-quo", "a": "CHN", "b": "IND", "c": "USA", "t0": 2022,
           "horizon": 2032, "index": "cline", "trajectories": 2048, "seed": 5,
           "overrides": {"region_map.base": "quadrant"}}
    body = client.post("/api/forecast", json=req).json()
    ds = _library_forecast(ForecastRequest(**req))
    assert body["scenario"]["region_map"]["base"] == "quadrant"
    assert body["leeway_components"] == [str(c) for c in ds["component"].values]
    assert body["leeway_components"][0] == "macro" and body["leeway_components"][-1] == "total"
    assert set(body["leeway_mean"]) == {"A", "B"}
    for partner in ("A", "B"):
        assert list(body["leeway_mean"][partner]) == body["leeway_components"]
        for comp in body["leeway_components"]:
            lib = ds["leeway_mean"].sel(partner=partner, component=comp)
            assert body["leeway_mean"][partner][comp] == lib.values.tolist(), (partner, comp)
            assert body["at_horizon"]["leeway_mean"][partner][comp] == float(
                lib.isel(year=-1)), (partner, comp)
        assert body["leeway_total"][partner] == body["leeway_mean"][partner]["total"]


def test_cached_resolution_equals_resolve() -> None:
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_preset
    from realpolitik.simulate.service import resolve_cached

    base = load_preset("containment").with_overrides({"trajectories": 1024})
    resolve_cached(base)
    for overrides in ({"adversary_policy.gain": 2.5, "seed": 3, "name": "other"},
                      {"growth.B.drift": -0.02, "cohesion.rate": 0.5},
                      {"t0": 2010, "adversary_policy.path": {"2015": 0.4}},
                      {"tandem": ["CHN", "IND"], "region_map": {"base": "quadrant"}}):
        sc = base.with_overrides(overrides)
        got, want = resolve_cached(sc), resolve(sc)
        assert got.scenario is sc and got.provenance == want.provenance
        assert (got.t0, got.names, got.ccodes, got.estimated) == (
            want.t0, want.names, want.ccodes, want.estimated)
        for name in ("years", "x0", "drift", "volatility", "policy", "psi"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
        assert got.region_map == want.region_map and got.leeway == want.leeway
        assert got.regions.names == want.regions.names


def test_recorded_forecast_is_listed_by_id_without_paths(client: TestClient,
                                                         store_path: Path) -> None:
    body = client.post("/api/forecast", json={"preset": "status-quo", "trajectories": 1024,
                                              "horizon": 2030, "record": True}).json()
    run_id = body["run_id"]
    assert run_id and store_path.exists()
    runs = client.get("/api/runs").json()["runs"]
    assert run_id in [r["run_id"] for r in runs]
    resp = client.get(f"/api/runs/{run_id}")
    record = resp.json()
    assert record["run_id"] == run_id and record["status"] == "complete"
    assert "store" not in record and str(store_path.parent) not in resp.text
    summary = client.get(f"/api/runs/{run_id[:6]}/summary").json()
    prob = np.array(summary["variables"]["probability"]["values"])
    assert prob[-1].tolist() == [body["at_horizon"]["probability"][k]
                                 for k in summary["coords"]["label"]]
    unknown = err(client.get("/api/runs/abcdef012345"), 404, "run_id")
    assert str(store_path.parent) not in json.dumps(unknown)
    err(client.get("/api/runs/zz..zz"), 422, "run_id")
    err(client.get("/api/runs/..%2F..%2Fetc%2Fpasswd"), 404)


# ---------------------------------------------------------------------------------------------
# bad requests: 4xx, one JSON shape, the field named
@pytest.mark.parametrize(("url", "params", "status", "field"), [
    ("/api/classify", {"rg": "nan", "ar": 0.1}, 422, "rg"),
    ("/api/classify", {"rg": 0.1, "ar": "inf"}, 422, "ar"),
    ("/api/classify", {"rg": 0.1, "ar": "-Infinity"}, 422, "ar"),
    ("/api/classify", {"rg": "abc", "ar": 0.1}, 422, "rg"),
    ("/api/classify", {"rg": [0.1, 0.2], "ar": 0.1}, 422, "ar"),
    ("/api/classify", {"rg": 0.1}, 422, "ar"),
    ("/api/classify", {"rg": 0.1, "ar": 0.1, "temperature": 0}, 422, "temperature"),
    ("/api/classify", {"rg": 0.1, "ar": 0.1, "map": "nope"}, 422, "map"),
    ("/api/classify", {"rg": [0.0] * 51, "ar": [0.0] * 51}, 413, "rg"),
    ("/api/gap", {"a": "Atlantis", "b": "RUS"}, 422, "a"),
    ("/api/gap", {"a": "../../etc/passwd", "b": "RUS"}, 422, "a"),
    ("/api/gap", {"a": "CHN", "b": "/etc/passwd"}, 422, "b"),
    ("/api/gap", {"a": "CHN", "b": "RUS", "base": 1700}, 422, "base"),
    ("/api/gap", {"a": "CHN", "b": "RUS", "base": 2150}, 422, "base"),
    ("/api/gap", {"a": "CHN", "b": "RUS", "from": 2010, "to": 2000}, 422, "to"),
    ("/api/gap", {"a": "CHN", "b": "RUS", "index": "gdp"}, 422, "index"),
    ("/api/power", {"states": ["CHN"] * 21}, 413, "states"),
    ("/api/plane", {"a": "CHN", "b": "RUS", "c": "USA,,JPN"}, 422, "c"),
    ("/api/leeway", {"a": "CHN", "b": "RUS", "c": "USA"}, 422, "year"),
    ("/api/leeway", {"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "ar": "nan"}, 422,
     "ar"),
    ("/api/leeway", {"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "map": "nope"}, 422,
     "map"),
    ("/api/strategy", {"a": "CHN", "b": "RUS", "c": "Narnia", "year": 2020}, 422, "c"),
    ("/api/forecast", {"trajectories": 10**6}, 413, "trajectories"),
    ("/api/forecast", {"set": "trajectories=1000000"}, 413, "trajectories"),
    ("/api/forecast", {"t0": 1950, "horizon": 2100}, 413, "horizon"),
    ("/api/forecast", {"set": "adversary_policy.gain=50"}, 422, "adversary_policy.gain"),
    ("/api/forecast", {"set": "adversary_policy.gian=1"}, 422, "adversary_policy.gian"),
    ("/api/forecast", {"set": "growth.A.drift=NaN"}, 422, "growth.A.drift"),
    ("/api/forecast", {"set": "nonsense"}, 422, "set"),
    ("/api/forecast", {"preset": "../../etc/passwd"}, 422, "preset"),
    ("/api/forecast", {"a": "RUS", "b": "RUS"}, 422, None),
    ("/api/forecast", {"c": "Atlantis"}, 422, "c"),
    ("/api/forecast", {"t0": 2020, "horizon": 2010}, 422, "horizon"),
    ("/api/runs", {"status": "lost"}, 422, "status"),
])
def test_bad_requests_name_the_field(client: TestClient, url: str, params: dict[str, Any],
                                     status: int, field: str | None) -> None:
    err(client.get(url, params=params), status, field)


def test_bad_forecast_bodies(client: TestClient) -> None:
    post = client.post
    err(post("/api/forecast", content=b'{"preset": "status-quo",',
             headers={"content-type": "application/json"}), 422, "body")
    err(post("/api/forecast", content=b'{"trajectories": NaN}',
             headers={"content-type": "application/json"}), 422, "trajectories")
    err(post("/api/forecast", content=b'{"overrides": {"growth.A.drift": NaN}}',
             headers={"content-type": "application/json"}), 422, "growth.A.drift")
    err(post("/api/forecast", json={"preset": "status-quo", "colour": "red"}), 422, "colour")
    err(post("/api/forecast", json={"trajectories": 20_001}), 413, "trajectories")
    err(post("/api/forecast", json={"overrides": {f"k{i}": 1 for i in range(41)}}), 413,
        "overrides")
    err(post("/api/forecast", json={"overrides": {"adversary_policy.persistence": 1.0}}), 422,
        "adversary_policy.persistence")
    err(post("/api/forecast", json={"overrides": {"cohesion.targets": {"peace": 1}}}), 422,
        "cohesion.targets")
    big = {"preset": "status-quo", "overrides": {"description": "x" * 20_000}}
    err(post("/api/forecast", json=big), 413, "body")
    err(post("/api/forecast", content=b"x" * 20_000,
             headers={"content-type": "application/json", "content-length": "20000"}), 413,
        "body")

    def chunked() -> Any:  # no Content-Length: counted while it streams
        yield b'{"preset": "status-quo", "overrides": {"description": "'
        for _ in range(200):
            yield b"x" * 100
        yield b'"}}'

    e = err(post("/api/forecast", content=chunked(),
                 headers={"content-type": "application/json"}), 413, "body")
    assert "16,384 bytes" in e["message"]


def test_no_parameter_reads_a_file(client: TestClient, tmp_path: Path) -> None:
    """A preset or state given as the path of a real scenario file is an unknown name."""
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("name: mine\ntrajectories: 1024\n")
    e = err(client.get("/api/forecast", params={"preset": str(scenario)}), 422, "preset")
    assert "unknown preset" in e["message"]
    e = err(client.post("/api/forecast", json={"preset": str(scenario)}), 422, "preset")
    err(client.get("/api/gap", params={"a": str(scenario), "b": "RUS"}), 422, "a")
    err(client.get(f"/api/presets/{scenario.name}"), 404, "name")
    assert scenario.read_text() == "name: mine\ntrajectories: 1024\n"


def test_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    e = err(client.get("/api/nothing-here"), 404)
    assert "/api/nothing-here" in e["message"]
    err(client.get("/etc/passwd"), 404)
    err(client.delete("/api/runs"), 405)


def test_unexpected_host_is_refused(store_path: Path) -> None:
    c = TestClient(create_app(store_path, LIMITS), base_url="http://evil.example")
    err(c.get("/api/health"), 400, "host")
    open_app = create_app(store_path, LIMITS, allowed_hosts=None)
    assert TestClient(open_app, base_url="http://evil.example").get(
        "/api/health").status_code == 200


# ---------------------------------------------------------------------------------------------
# headers, documentation, concurrency
def test_cors_is_off_by_default_and_explicit_when_on(client: TestClient,
                                                     store_path: Path) -> None:
    resp = client.get("/api/health", headers={"Origin": "http://elsewhere.example"})
    assert resp.status_code == 200
    assert not any(k.lower().startswith("access-control-") for k in resp.headers)
    pre = client.options("/api/forecast", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    app = create_app(store_path, LIMITS, cors_origins=["http://localhost:3000"])
    c = TestClient(app, base_url="http://127.0.0.1:8000")
    ok = c.get("/api/health", headers={"Origin": "http://localhost:3000"})
    assert ok.headers["access-control-allow-origin"] == "http://localhost:3000"
    other = c.get("/api/health", headers={"Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_dashboard_and_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert 'src="/static/plotly.min.js"' in html and "http://" not in html
    assert "https://" not in html and "<script>" not in html  # no inline, no CDN
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert js.headers["content-type"].startswith("text/javascript")
    for name in ("dashboard.js", "dashboard.css"):
        assert client.get(f"/static/{name}").status_code == 200
    err(client.get("/static/../app.py"), 404)
    assert client.get("/api/health").headers["cache-control"] == "no-store"


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/states", "/api/power", "/api/gap", "/api/plane", "/api/classify",
                 "/api/leeway", "/api/strategy", "/api/presets", "/api/forecast", "/api/runs",
                 "/api/runs/{run_id}", "/api/version", "/api/health"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/forecast"]
    assert "ErrorBody" in spec["components"]["schemas"]
    # the documentation pages work offline: every script, style and icon is this server's
    import re

    for page, assets in (("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")),):
        resp = client.get(page)
        assert resp.status_code == 200, page
        urls = re.findall(r'(?:src|href)="([^"]+)"', resp.text)
        assert urls and all(u.startswith("/static/docs/") for u in urls), urls
        assert "http://" not in resp.text and "https://" not in resp.text
        csp = resp.headers["content-security-policy"]
        assert "cdn" not in csp and "https:" not in csp
        for name in assets:
            asset = client.get(f"/static/docs/{name}")
            assert asset.status_code == 200 and len(asset.content) > 50_000, name
    assert client.get("/docs/oauth2-redirect").status_code == 200
    err(client.get("/static/docs/..%2F..%2Fapp.py"), 404)
    err(client.get("/static/docs/core.py"), 404)  # only the listed assets, never a file path
    err(client.get("/redoc"), 404)  # not offered: ReDoc fetches its logo from a CDN


def test_every_endpoint_is_in_the_reference_page(client: TestClient) -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "web-api.md"
            ).read_text()
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        for method in ops:
            assert f"`{method.upper()} {path}`" in page, f"{method.upper()} {path}"


def test_busy_forecasts_are_refused_not_queued(client: TestClient) -> None:
    slots = client.app.state.forecast_slots  # type: ignore[attr-defined]
    taken = 0
    try:
        while slots.acquire(blocking=False):
            taken += 1
        assert taken == LIMITS.max_concurrent_forecasts
        resp = client.post("/api/forecast", json={"trajectories": 1024, "horizon": 2025})
        e = err(resp, 429)
        assert resp.headers["retry-after"] == "1" and "busy" in e["message"]
        assert client.get("/api/classify", params={"rg": 0, "ar": 0}).status_code == 200
    finally:
        for _ in range(taken):
            slots.release()
    ok = client.post("/api/forecast", json={"trajectories": 1024, "horizon": 2025})
    assert ok.status_code == 200


def test_serve_refuses_a_remote_host_without_consent(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    from realpolitik.interfaces.cli import main

    assert main(["serve", "--host", "0.0.0.0"]) == 2
    out = capsys.readouterr().err
    assert "not a loopback address" in out and "--allow-remote" in out
    assert main(["serve", "--port", "70000"]) == 2


def test_serve_on_a_busy_port_is_one_clear_line(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    import socket

    from realpolitik.interfaces.cli import main

    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        assert main(["serve", "--port", str(port), "--store",
                     str(tmp_path / "r.duckdb")]) == 2
    finally:
        holder.close()
    err_text = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err_text and "--port" in err_text
    assert "dashboard at" not in err_text  # refused before the banner
    assert not (tmp_path / "r.duckdb").exists()
