"""Measures joined onto units (``add_*`` steps) and power indices, the power gap and threat."""

from realpolitik.measures.alliances import add_alliances
from realpolitik.measures.capabilities import add_capabilities

__all__ = ["add_alliances", "add_capabilities"]
