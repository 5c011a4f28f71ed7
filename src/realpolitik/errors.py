"""Exceptions raised by realpolitik.

Every error a user can cause is a :class:`RealpolitikError` whose message says what was wrong
and, in ``hint``, how to fix it. The command line prints ``error: <message>`` (and the hint) on
one line and exits with status 2; it never shows a traceback for these.
"""

from __future__ import annotations


class RealpolitikError(ValueError):
    """Base class of the errors a user can cause (bad input, unknown state, corrupt data)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class UnknownStateError(RealpolitikError, LookupError):
    """A name or code that matches no state; ``suggestions`` holds the closest matches."""

    def __init__(self, query: object, suggestions: list[str]) -> None:
        hint = (
            "did you mean " + ", ".join(suggestions) + "?"
            if suggestions
            else "see `realpolitik data states` for the list of states"
        )
        super().__init__(f"unknown state {query!r}", hint)
        self.query = query
        self.suggestions = suggestions


class StateYearError(RealpolitikError):
    """A state named for a year in which it was not a member of the state system."""


class DataIntegrityError(RealpolitikError):
    """A bundled or user-supplied data file is missing, corrupt or has the wrong schema."""


class InputError(RealpolitikError):
    """An argument out of range, of the wrong type, or inconsistent with another."""


def positive_scale(value: object, name: str, hint: str) -> float:
    """``value`` as a positive finite float, else :class:`InputError` naming ``name``."""
    import math

    try:
        s = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        s = float("nan")
    if isinstance(value, bool) or not (math.isfinite(s) and s > 0):
        raise InputError(f"scale {name}={value!r} must be a positive finite number", hint)
    return s
