"""Models: pure functions and small classes, no I/O (DESIGN §4).

* :mod:`~realpolitik.models.labels` — the six alignment outcomes.
* :mod:`~realpolitik.models.plane` — the alignment plane (region maps, hard and soft classifiers).
* :mod:`~realpolitik.models.leeway` — the two-level leeway game (Nash, Shapley, core, Tullock).
* :mod:`~realpolitik.models.strategy` — Beaufre's strategy formula, patterns, the artichoke game.
"""

from realpolitik.models.labels import LABELS, label_index

__all__ = ["LABELS", "label_index"]
