"""Short names of the ``add_*`` steps, for the command line's ``--with`` and for scripts.

>>> from realpolitik.measures.registry import step_names
>>> "capabilities" in step_names() and "alliances" in step_names()
True
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable

import pandas as pd

from realpolitik.errors import InputError

# short name -> (module, function, one-line description)
STEPS: dict[str, tuple[str, str, str]] = {
    "capabilities": ("capabilities", "add_capabilities", "COW NMC v7.0 components and CINC"),
    "power": ("power", "add_power", "power index (CINC; see `realpolitik power --index`)"),
    "major_power": ("status", "add_major_power", "COW major-power status"),
    "maoz_power": ("status", "add_maoz_power", "Maoz regional/global power status"),
    "democracy": ("status", "add_democracy", "polity2, V-Dem polyarchy, extended UDS"),
    "polity": ("status", "add_polity", "Polity5 polity2 and executive constraints"),
    "milex": ("status", "add_milex_sipri", "SIPRI military expenditure, 2022 US$ m, NA never 0"),
    "gdp": ("status", "add_gdp", "GDP (Fariss et al.) and GDP per capita (Maddison)"),
    "ideal_points": ("unvotes", "add_un_ideal_points", "UNGA ideal points (1946-2024)"),
    "alliances": ("alliances", "add_alliances", "ATOP v5.1 obligations (pairs, 1815-2018)"),
    "un_distance": ("unvotes", "add_un_distance", "UNGA ideal-point distance (pairs)"),
    "un_agreement": ("unvotes", "add_un_agreement", "UNGA vote agreement (pairs, 1946-2019)"),
    "rivalry": ("rivalry", "add_rivalry", "strategic rivalry, Thompson et al. (pairs, to 2020)"),
    "contiguity": ("geography", "add_contiguity", "COW direct contiguity (pairs, to 2016)"),
    "distance": ("geography", "add_distance", "capital-to-capital distance, km (pairs)"),
    "disputes": ("disputes", "add_disputes", "militarized interstate disputes, GML (pairs)"),
}


def _available() -> dict[str, Callable[[pd.DataFrame], pd.DataFrame]]:
    out = {}
    for name, (module, func, _) in STEPS.items():
        try:
            mod = importlib.import_module(f"realpolitik.measures.{module}")
        except ImportError:
            continue
        if hasattr(mod, func):
            out[name] = getattr(mod, func)
    return out


def step_names() -> list[str]:
    """Names of the steps available in this installation."""
    return list(_available())


def describe() -> dict[str, str]:
    return {n: STEPS[n][2] for n in _available()}


def get_step(name: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The ``add_*`` function of a short name; unknown names fail with suggestions."""
    steps = _available()
    key = name.strip().lower().replace("-", "_")
    if key not in steps:
        close = difflib.get_close_matches(key, list(steps), n=3)
        raise InputError(
            f"unknown measure {name!r}",
            ("did you mean " + ", ".join(close) + "?") if close
            else "available: " + ", ".join(steps),
        )
    return steps[key]


def apply_steps(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Apply the named steps in order."""
    for name in names:
        frame = get_step(name)(frame)
    return frame
