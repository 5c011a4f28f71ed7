"""The dashboard in a real browser (Debian's Chromium driven by Playwright; fixtures in
conftest.py): load the page, change the tandem, a slider, the region map and the power index,
wait for each redraw, and check that the numbers shown — outcome probabilities, medians, the
leeway game's table and verdict — are the API's for the same request, that no request left the
loopback host and nothing was logged as an error. The screenshot goes to
``artifacts/dashboard.png``."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from realpolitik.interfaces.web.app import create_app
from realpolitik.models.labels import LABELS
from realpolitik.simulate.service import Limits

TIMEOUT_MS = 45_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn serving the app on 127.0.0.1 at a free port, in a background thread."""
    import uvicorn

    app = create_app(tmp_path_factory.mktemp("e2e") / "results.duckdb",
                     Limits(max_trajectories=50_000, max_years=100))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _watch_requests(page: Any) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def _seq(page: Any) -> int:
    return int(page.get_attribute("#numbers", "data-seq") or 0)


def _wait_redraw(page: Any, after: int) -> int:
    """Wait until the page has redrawn after draw number ``after`` and is idle."""
    page.wait_for_selector("body[data-state=ready]:not(.busy)", timeout=TIMEOUT_MS)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _seq(page) <= after or page.get_attribute("body", "data-state") != "ready":
        if time.monotonic() > deadline:
            raise AssertionError(f"no redraw after #{after}; state "
                                 f"{page.get_attribute('body', 'data-state')}")
        page.wait_for_timeout(50)
    return _seq(page)


def _assert_probabilities(page: Any, api: dict[str, Any]) -> None:
    """The cards and medians show the forecast's numbers at the horizon, exactly."""
    at = api["at_horizon"]
    for label in LABELS:
        shown = page.get_attribute(f"#prob-{label}", "data-value")
        assert shown is not None and float(shown) == at["probability"][label], label
        text = page.text_content(f"#prob-{label}") or ""
        assert text.endswith(" %")
        assert abs(float(text.removesuffix(" %")) - 100 * at["probability"][label]) <= 0.0501
    rg_med = page.get_attribute("#rg-median", "data-value")
    assert rg_med is not None and float(rg_med) == at["rg_quantile"]["0.5"]
    assert float(page.get_attribute("#ar-median", "data-value") or "nan") == \
        at["ar_quantile"]["0.5"]


def _leeway_cells(page: Any) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """The leeway table's numbers: (component, partner, kind) → (data-value, text, id)."""
    cells = page.eval_on_selector_all(
        "#leeway-table td[data-kind]",
        "els => els.map(e => [e.dataset.component, e.dataset.partner, e.dataset.kind, "
        "e.dataset.value, e.textContent, e.id])")
    return {(c, p, k): (v, t, i) for c, p, k, v, t, i in cells}


def test_dashboard_shows_the_api_numbers(server: str, page: Any, artifacts_dir: str) -> None:
    urls = _watch_requests(page)
    page.goto(server + "/")
    first = _wait_redraw(page, 0)
    assert page.locator("#plot-plane .main-svg").count() > 0  # Plotly drew the plane
    assert page.text_content("#num-horizon") == "2040"

    # change the tandem: B = India
    page.select_option("#sel-b", "IND")
    second = _wait_redraw(page, first)
    assert "CHN–IND vs USA" in (page.text_content("#num-meta") or "")

    # move a slider: the adversary's response gain
    page.fill("#slider-adversary_policy-gain", "2")
    third = _wait_redraw(page, second)
    req = json.loads(page.text_content("#last-request") or "{}")
    assert req["a"] == "CHN" and req["b"] == "IND" and req["c"] == "USA"
    assert req["overrides"] == {"adversary_policy.gain": 2.0}
    assert "touched" in (page.get_attribute(
        ".slider[data-key='adversary_policy.gain']", "class") or "")

    # the same request, sent by the test: the page shows exactly these numbers
    api = httpx.post(server + "/api/forecast", json=req, timeout=60).json()
    _assert_probabilities(page, api)
    assert api["scenario"]["adversary_policy"]["gain"] == 2.0

    # the region map goes to the forecast as the scenario key region_map.base
    page.select_option("#sel-map", "quadrant")
    fourth = _wait_redraw(page, third)
    req = json.loads(page.text_content("#last-request") or "{}")
    assert req["overrides"] == {"adversary_policy.gain": 2.0, "region_map.base": "quadrant"}
    assert "quadrant map" in (page.text_content("#num-meta") or "")

    # the power index: history, forecast and leeway game redrawn under Cline's index
    page.select_option("#sel-index", "cline")
    _wait_redraw(page, fourth)
    req = json.loads(page.text_content("#last-request") or "{}")
    assert req["index"] == "cline" and req["t0"] == 2022
    api = httpx.post(server + "/api/forecast", json=req, timeout=60).json()
    assert api["scenario"]["index"] == "cline"
    assert api["scenario"]["region_map"]["base"] == "quadrant"
    _assert_probabilities(page, api)
    assert page.get_attribute("#measures-note", "data-mismatch") == ""

    leeway = httpx.get(server + "/api/leeway", params={
        "a": "CHN", "b": "IND", "c": "USA", "year": 2022, "index": "cline",
        "map": "quadrant"}, timeout=60).json()
    assert leeway["index"] == "cline" and leeway["map"] == "quadrant"
    cells = _leeway_cells(page)
    horizon = api["at_horizon"]["leeway_mean"]
    assert len(cells) == 3 * len(leeway["rows"])
    for row in leeway["rows"]:
        comp, partner = row["component"], row["partner"]
        for kind, want in (("standalone", row["standalone"]),
                           ("cooperative", row["cooperative"]),
                           ("forecast", horizon[partner][comp])):
            value, text, _ = cells[(comp, partner, kind)]
            assert float(value) == want, (comp, partner, kind)
            assert abs(float(text) - want) <= 0.0005001, (comp, partner, kind, text)
    total_a = next(r for r in leeway["rows"] if r["partner"] == "A"
                   and r["component"] == "total")
    assert float(page.get_attribute("#leeway-total-A-cooperative", "data-value") or "nan") \
        == total_a["cooperative"]
    assert cells[("Central Asia", "B", "standalone")][2] == "leeway-central-asia-B-standalone"
    verdict = leeway["consistency"][0]
    assert page.get_attribute("#leeway-verdict", "data-agree") == \
        ("true" if verdict["agree"] else "false")
    assert page.get_attribute("#leeway-verdict", "data-plane-label") == verdict["plane_label"]
    assert page.get_attribute("#leeway-verdict", "data-leeway-label") == \
        verdict["leeway_label"]
    assert verdict["reason"] in (page.text_content("#leeway-verdict") or "")
    assert page.locator("#plot-leeway .main-svg").count() > 0

    # the figures were drawn (Plotly's SVG in each chart) and the history came from /api/plane
    for chart in ("plane", "probability", "rg", "ar"):
        assert page.locator(f"#plot-{chart} .main-svg").count() > 0, chart
    assert any("/api/plane?" in u and "b=IND" in u for u in urls)
    assert any("/api/plane?" in u and "index=cline" in u and "map=quadrant" in u
               for u in urls)
    assert any("/api/regions?" in u and "map=quadrant" in u for u in urls)
    assert any("/api/leeway?" in u and "index=cline" in u and "map=quadrant" in u
               for u in urls)
    assert page.is_hidden("#error")

    path = Path(artifacts_dir) / "dashboard.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000

    assert page.problems == []  # type: ignore[attr-defined]
    hosts = {urlparse(u).hostname for u in urls if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts


def test_dashboard_shows_api_errors(server: str, page: Any, artifacts_dir: str) -> None:
    """A forecast over the server's limit (t0 1960, horizon 2080: 120 years > 100) is refused
    and the page says which field is to blame."""
    page.goto(server + "/")
    first = _wait_redraw(page, 0)
    page.select_option("#sel-t0", "1960")
    second = _wait_redraw(page, first)
    page.fill("#slider-horizon", "2080")
    page.wait_for_selector("body[data-state=error]:not(.busy)", timeout=TIMEOUT_MS)
    assert _seq(page) == second  # the last good figures stay
    assert page.is_visible("#error")
    assert page.get_attribute("#error", "data-field") == "horizon"
    assert page.get_attribute("#error", "data-status") == "413"
    assert "100 years" in (page.text_content("#error") or "")
    if os.environ.get("REALPOLITIK_ARTIFACTS_ALL"):
        page.screenshot(path=str(Path(artifacts_dir) / "dashboard-error.png"))
    # the browser logs the refused request; nothing else went wrong
    others = [p for p in page.problems  # type: ignore[attr-defined]
              if "status of 413" not in p]
    assert others == []


def test_api_documentation_works_offline(server: str, page: Any) -> None:
    """/docs (Swagger UI) renders from this server's own assets: no request leaves 127.0.0.1
    and nothing is logged as an error (the CSP would block a CDN script)."""
    urls = _watch_requests(page)
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=TIMEOUT_MS)
    assert "realpolitik" in (page.title() or "")
    assert page.get_by_text("/api/forecast", exact=True).count() > 0
    hosts = {urlparse(u).hostname for u in urls if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(u for u in urls if "127.0.0.1" not in u)
    assert page.problems == []  # type: ignore[attr-defined]
