"""Units of analysis: state-years, dyad-years and triad-years, following COW membership.

One builder makes each unit from the state system's membership spells, vectorised over all
state-years at once. A frame remembers what it is (``frame.attrs["unit"]``) so the ``add_*``
steps of :mod:`realpolitik.measures` know which columns hold the actors and the pairs.

>>> from realpolitik.units import dyad_years
>>> d = dyad_years(directed=False, years=(2000, 2000))
>>> len(d), list(d.columns)
(18145, ['ccode1', 'ccode2', 'year'])
"""

from realpolitik.units.core import (
    UnitInfo,
    dyad_years,
    membership_years,
    state_years,
    triad_years,
    unit_info,
)

__all__ = [
    "UnitInfo",
    "dyad_years",
    "membership_years",
    "state_years",
    "triad_years",
    "unit_info",
]
