"""The web interface: a FastAPI JSON API and the dashboard page (``realpolitik serve``).

:func:`create_app` builds the application; see ``docs/how-to/web.md``. Importing this package
does not import FastAPI until :func:`create_app` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See :func:`realpolitik.interfaces.web.app.create_app`."""
    from realpolitik.interfaces.web.app import create_app as _create

    return _create(*args, **kwargs)
