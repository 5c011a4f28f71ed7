"""The ``serve`` command: the web API and dashboard on 127.0.0.1 (registered on the main app).

The server listens on the loopback address by default; any other address needs
``--allow-remote`` (the API has no authentication). See ``docs/how-to/web.md``.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from realpolitik.errors import InputError

__all__ = ["is_loopback", "register"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1 or ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _listen_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening; uvicorn listens on it), or an
    :class:`InputError` naming the address when it cannot be had (in use, not an address of
    this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {reason}",
                         "choose another --port, or stop the program that uses it"
                         if exc.errno == errno.EADDRINUSE else
                         "give an address of this machine with --host") from None
    return sock


def register(app: typer.Typer, emit: Any, console: Any, err_console: Any) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by "
                                          "default; others need --allow-remote).")
                        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", "-p", help="TCP port.")] = 8000,
        store: Annotated[Path | None, typer.Option(
            "--store", help="Results store the runs endpoints read and recorded forecasts go "
            "to (default: $REALPOLITIK_STORE or the user data directory).")] = None,
        max_trajectories: Annotated[int, typer.Option(
            "--max-trajectories", help="Largest forecast ensemble a request may ask for.")
                                    ] = 50_000,
        max_years: Annotated[int, typer.Option(
            "--max-years", help="Most years from t0 to the horizon a forecast may cover.")
                             ] = 100,
        max_concurrent: Annotated[int, typer.Option(
            "--max-concurrent", help="Forecasts running at once; more are refused (429).")
                                  ] = 2,
        cors_origin: Annotated[list[str] | None, typer.Option(
            "--cors-origin", help="Allow this origin (e.g. http://localhost:3000) to call the "
            "API from a browser; repeat for several. Default: no CORS.")] = None,
        allow_remote: Annotated[bool, typer.Option(
            "--allow-remote", help="Listen on a non-loopback address and accept any Host "
            "header. The API has no authentication: only on a trusted network.")] = False,
        log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")
                             ] = "info",
    ) -> None:
        """Serve the JSON API (OpenAPI at /docs) and the dashboard (at /).

        Example: realpolitik serve --port 8000, then open http://127.0.0.1:8000/
        """
        if not is_loopback(host) and not allow_remote:
            raise InputError(f"--host {host} is not a loopback address: the API would be "
                             "reachable from other machines without authentication",
                             "use --host 127.0.0.1, or add --allow-remote if you mean it")
        if not 1 <= port <= 65535:
            raise InputError(f"--port {port}: use 1 to 65535")
        if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
            raise InputError(f"--log-level {log_level!r}",
                             "use critical, error, warning, info, debug or trace")
        if store is not None and not store.expanduser().parent.is_dir():
            raise InputError(f"--store {store}: the folder {store.expanduser().parent} does not "
                             "exist", "create it first or choose another --store path")
        import uvicorn

        from realpolitik.interfaces.web.app import LOOPBACK_HOSTS, create_app
        from realpolitik.simulate.service import Limits

        limits = Limits(max_trajectories=max_trajectories, max_years=max_years,
                        max_concurrent_forecasts=max_concurrent)
        hosts = None if allow_remote else [*LOOPBACK_HOSTS, host]
        web = create_app(store, limits, cors_origins=list(cors_origin or []),
                         allowed_hosts=hosts)
        sock = _listen_socket(host, port)  # before the banner: a busy port is a clear error
        shown = f"[{host}]" if ":" in host else host
        err_console.print(f"realpolitik: dashboard at http://{shown}:{port}/ · API docs at "
                          f"http://{shown}:{port}/docs · results store {web.state.store.path} "
                          "· Ctrl-C stops", highlight=False, soft_wrap=True)
        if allow_remote and not is_loopback(host):
            err_console.print("[bold yellow]warning:[/] listening beyond this machine; the API "
                              "has no authentication", highlight=False)
        config = uvicorn.Config(web, host=host, port=port, log_level=log_level,
                                access_log=False, server_header=False,
                                timeout_graceful_shutdown=5)
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
