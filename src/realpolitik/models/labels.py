"""The six alignment outcomes of the alignment plane (DESIGN §4.1), in a fixed order.

The order is the column order of every probability array (soft classifier, ensembles, backtests).
The essay's numbering: hedging → 1 (status quo), bandwagoning → 2, soft balancing → 3, hard
balancing → 4, chain-ganging → 4c (a sub-zone of hard balancing), buck-passing → 5.

>>> from realpolitik.models.labels import LABELS, label_index
>>> LABELS[0], label_index("buck_passing")
('hedging', 5)
"""

from __future__ import annotations

from realpolitik.errors import InputError

LABELS: tuple[str, ...] = (
    "hedging",
    "bandwagoning",
    "soft_balancing",
    "hard_balancing",
    "chain_ganging",
    "buck_passing",
)

#: The essay's outcome numbers.
ESSAY_NUMBER: dict[str, str] = {
    "hedging": "1",
    "bandwagoning": "2",
    "soft_balancing": "3",
    "hard_balancing": "4",
    "chain_ganging": "4c",
    "buck_passing": "5",
}

HEDGING, BANDWAGONING, SOFT_BALANCING, HARD_BALANCING, CHAIN_GANGING, BUCK_PASSING = range(6)


def label_index(label: str) -> int:
    """Position of ``label`` in :data:`LABELS`; unknown labels fail with the list."""
    key = label.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in LABELS:
        raise InputError(f"unknown alignment label {label!r}", "use one of " + ", ".join(LABELS))
    return LABELS.index(key)
