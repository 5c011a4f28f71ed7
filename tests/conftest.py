"""Shared configuration and fixtures of the realpolitik tests.

Hypothesis runs a modest number of examples without deadlines (the first call of a loader reads
a Parquet file) and keeps no example database, so the suite writes nothing into the repository.
Set ``HYPOTHESIS_PROFILE=thorough`` for a longer search.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from realpolitik.units import dyad_years

settings.register_profile(
    "realpolitik",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", parent=settings.get_profile("realpolitik"), max_examples=500
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "realpolitik"))


@pytest.fixture(scope="session")
def universe() -> pd.DataFrame:
    """The full directed dyad-year universe 1816–2024 (built once; do not modify)."""
    return dyad_years()


# ---------------------------------------------------------------------------------------------
# A real browser (Debian's Chromium, driven by Playwright) for the report and dashboard tests.
# .ci/run installs /usr/bin/chromium with apt and sets REALPOLITIK_REQUIRE_BROWSER=1, so in CI a
# missing browser fails these tests; elsewhere they are skipped with the reason.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    """The Chromium executable to drive: $REALPOLITIK_CHROMIUM, else the system one."""
    env = os.environ.get("REALPOLITIK_CHROMIUM", "").strip()
    if env:
        return env if os.path.exists(env) else None
    return next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None)


def _no_browser(reason: str) -> None:
    if os.environ.get("REALPOLITIK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REALPOLITIK_REQUIRE_BROWSER=1: .ci/run installs it with apt)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """A headless Chromium (the system executable, never a downloaded one), for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -e '.[test]')")
    exe = chromium_path()
    if exe is None:
        _no_browser("no Chromium found (apt install chromium, or set REALPOLITIK_CHROMIUM)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True,
                               args=["--no-sandbox", "--disable-gpu",
                                     "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh page (own context) that records console errors and failed requests in
    ``page.problems`` (a list of strings) for the test to assert on."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
          if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    pg.problems = problems  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> str:
    """Where browser tests put screenshots: ``$REALPOLITIK_ARTIFACTS`` or ``artifacts/``
    at the repository root (ignored by git; .ci/run keeps it)."""
    root = os.environ.get("REALPOLITIK_ARTIFACTS") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")
    os.makedirs(root, exist_ok=True)
    return root
