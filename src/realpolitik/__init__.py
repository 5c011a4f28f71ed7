"""realpolitik: measure, explain and forecast how two powers align against a common adversary.

The public API, by layer (see ``docs/reference``):

* data: :func:`cite`, :func:`sources`, :func:`resolve_state`, loaders in :mod:`realpolitik.data`
* units: :func:`state_years`, :func:`dyad_years`, :func:`triad_years`
* measures: ``add_*`` steps, :func:`power`, :func:`power_gap`
"""

from realpolitik._version import __version__
from realpolitik.data import cite, resolve_state, sources
from realpolitik.errors import (
    DataIntegrityError,
    InputError,
    RealpolitikError,
    StateYearError,
    UnknownStateError,
)

__all__ = [
    "DataIntegrityError",
    "InputError",
    "RealpolitikError",
    "StateYearError",
    "UnknownStateError",
    "__version__",
    "cite",
    "resolve_state",
    "sources",
]
