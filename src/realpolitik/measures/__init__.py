"""Measures joined onto units (``add_*`` steps), power indices, the power gap.

State-level steps add one column per actor (suffix ``1``/``2`` on dyads, ``_a``/``_b``/``_c`` on
triads); pair-level steps add one column per pair (``_ab``, ``_ac``, ``_bc`` on triads) and refuse
state-year frames. :mod:`realpolitik.measures.registry` names them for ``--with``.
"""

from realpolitik.measures.alliances import add_alliances
from realpolitik.measures.capabilities import add_capabilities
from realpolitik.measures.disputes import add_disputes
from realpolitik.measures.gap import power_gap, power_gap_spread
from realpolitik.measures.geography import add_contiguity, add_distance
from realpolitik.measures.power import add_power, cinc_table, power, power_table
from realpolitik.measures.rivalry import add_rivalry
from realpolitik.measures.status import (
    add_democracy,
    add_gdp,
    add_major_power,
    add_maoz_power,
    add_milex_sipri,
    add_polity,
)
from realpolitik.measures.unvotes import (
    add_un_agreement,
    add_un_distance,
    add_un_ideal_points,
    un_agreement_table,
)

__all__ = [
    "add_alliances",
    "add_capabilities",
    "add_contiguity",
    "add_democracy",
    "add_disputes",
    "add_distance",
    "add_gdp",
    "add_major_power",
    "add_maoz_power",
    "add_milex_sipri",
    "add_polity",
    "add_power",
    "add_rivalry",
    "add_un_agreement",
    "add_un_distance",
    "add_un_ideal_points",
    "cinc_table",
    "power",
    "power_gap",
    "power_gap_spread",
    "power_table",
    "un_agreement_table",
]
