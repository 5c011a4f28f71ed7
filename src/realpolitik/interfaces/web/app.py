"""The FastAPI application: the JSON API under ``/api`` and the dashboard at ``/``.

Build it with :func:`create_app`; ``realpolitik serve`` runs it with uvicorn on 127.0.0.1.

* Every endpoint calls a library function and serialises its result (NaN → ``null``); the
  web layer does no arithmetic.
* Errors have one JSON shape, ``{"error": {"status", "type", "field", "message", "hint"}}``:
  422 for a bad field (validation, unknown state, scenario key out of range), 400 for other
  input errors, 404 for unknown routes, runs and states, 413 for requests over the limits
  (:class:`~realpolitik.simulate.service.Limits`: trajectories, years, points, body size),
  429 when the forecast slots are all busy (refused at once, never queued).
* No parameter names a file: presets are looked up by name, runs by id, and the results store
  is the one fixed at startup. CORS is off unless origins are given explicitly. Only loopback
  host names are accepted in the ``Host`` header unless ``allowed_hosts`` says otherwise (so a
  DNS-rebinding page cannot reach the API).
"""

import os
import re
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from realpolitik._version import __version__
from realpolitik.errors import DataIntegrityError, RealpolitikError
from realpolitik.simulate.service import (
    FieldError,
    ForecastRequest,
    Limits,
    OversizeError,
    field_of,
    state_field,
)

__all__ = ["LOOPBACK_HOSTS", "ErrorBody", "create_app"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The dashboard's policy: everything from this server, nothing inline but styles (Plotly adds
#: <style> elements as it draws; the e2e test fails on any CSP violation), no eval, no framing.
CSP_PAGE = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: The /docs page (Swagger UI): its script and styles come from this server (the assets the
#: ``fastapi-offline`` package ships), but it starts with an inline script and inline styles.
#: (No /redoc: ReDoc fetches its logo from its CDN.)
CSP_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
#: The documentation assets served under /static/docs/, by name (nothing else is served there).
DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
               "swagger-ui.css": "text/css; charset=utf-8",
               "favicon.png": "image/png"}


# ---------------------------------------------------------------------------------------------
# errors
class ErrorDetail(BaseModel):
    status: int
    type: str
    field: str | None = Field(None, description="the request field to blame (dotted for "
                              "scenario keys), or null")
    message: str
    hint: str | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what} for code, what in (
        (400, "bad input"), (404, "not found"), (413, "over a size limit"),
        (422, "a field is invalid"))}
BUSY: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "every forecast slot is busy: retry after the "
          "Retry-After header's seconds (requests are refused, never queued)"}}


class NotFoundError(FieldError):
    """Something named by the request does not exist (404)."""


class BusyError(RealpolitikError):
    """Every forecast slot is taken (429: retry later; requests are not queued)."""


def _error(status: int, kind: str, message: str, field: str | None = None,
           hint: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "type": kind, "field": field, "message": message,
                      "hint": hint}}
    return JSONResponse(body, status_code=status, headers=headers)


def _loc_field(loc: Sequence[Any]) -> tuple[str | None, int | None]:
    parts = list(loc)
    if parts and parts[0] in ("query", "body", "path", "header", "cookie"):
        where = parts.pop(0)
        if not parts or (where == "body" and all(isinstance(p, int) for p in parts)):
            return ("body" if where == "body" else None), None
    names = [str(p) for p in parts if not isinstance(p, int)]
    position = next((p for p in parts if isinstance(p, int)), None)
    return (".".join(names) or None), position


def _validation_response(errors: Sequence[Any]) -> JSONResponse:
    first: dict[str, Any] = dict(errors[0]) if errors else {
        "loc": (), "msg": "invalid request", "type": "invalid"}
    field, position = _loc_field(first.get("loc", ()))
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    kind = str(first.get("type", "invalid"))
    if kind == "json_invalid":
        field, msg = "body", f"the body is not valid JSON ({first.get('ctx', {}).get('error')})"
    where = f"{field}[{position}]" if field and position is not None else field
    message = f"{where}: {msg}" if where else msg
    if len(errors) > 1:
        message += f" ({len(errors) - 1} more problem(s))"
    hint = None
    if kind == "missing":
        hint = f"give {field}"
    elif kind in ("finite_number", "float_parsing", "int_parsing", "float_type", "int_type"):
        hint = "send a finite number"
    elif kind == "extra_forbidden":
        hint = "remove it; see /docs for the fields this endpoint takes"
    return _error(422, kind, message, field, hint)


def _install_error_handlers(app: FastAPI, private: Mapping[str, str] | None = None) -> None:
    """Register the handlers that give every error the one JSON shape; ``private`` maps texts
    an error message must not show (the store's location) to what it shows instead."""
    hidden = sorted((private or {}).items(), key=lambda kv: len(kv[0]), reverse=True)

    def scrub(text: str | None) -> str | None:
        if text is None:
            return None
        for where, shown in hidden:
            text = text.replace(where, shown)
        return text

    @app.exception_handler(RequestValidationError)
    async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(list(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404:
            msg = f"no such endpoint or page: {request.url.path[:200]}"
            hint: str | None = "see /docs for the API"
        elif exc.status_code == 405:
            msg, hint = f"{request.method} is not allowed on {request.url.path[:200]}", None
        else:
            hint = None
        return _error(exc.status_code, "HTTPException", msg, None, hint,
                      dict(exc.headers or {}))

    @app.exception_handler(RealpolitikError)
    async def _on_user_error(request: Request, exc: RealpolitikError) -> JSONResponse:
        message, hint = scrub(exc.message) or "", scrub(exc.hint)
        if isinstance(exc, BusyError):
            return _error(429, "BusyError", message, None, hint, {"Retry-After": "1"})
        if isinstance(exc, NotFoundError):
            return _error(404, exc.kind, message, exc.field, hint)
        if isinstance(exc, OversizeError):
            return _error(413, "OversizeError", message, exc.field, hint)
        if isinstance(exc, FieldError):
            return _error(422 if exc.field else 400, exc.kind, message, exc.field, hint)
        if isinstance(exc, DataIntegrityError):
            return _error(503, type(exc).__name__, message, None, hint)
        return _error(400, type(exc).__name__, message, None, hint)

    @app.exception_handler(Exception)
    async def _on_bug(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "InternalError", f"internal error: {type(exc).__name__}", None,
                      "please report it with the request you sent")


@contextmanager
def _fields(*candidates: str, default: str | None = None) -> Iterator[None]:
    """Turn the library's user errors into :class:`FieldError` naming a request field."""
    try:
        yield
    except FieldError:
        raise
    except RealpolitikError as exc:
        raise FieldError(field_of(exc, candidates, default), exc.message, exc.hint,
                         type(exc).__name__) from None


# ---------------------------------------------------------------------------------------------
# the ASGI guard: host check, body size, security headers
class Guard:
    """Pure ASGI middleware: refuses unexpected ``Host`` headers (400) and bodies over
    ``max_body`` bytes (413, by ``Content-Length`` or while streaming), and adds security
    headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: Sequence[str] | None
                 ) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = None if allowed_hosts is None or "*" in allowed_hosts else {
            h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = CSP_DOCS if path in ("/docs", "/redoc", "/docs/oauth2-redirect") else CSP_PAGE
        extra = [(b"content-security-policy", csp.encode()),
                 (b"x-content-type-options", b"nosniff"),
                 (b"x-frame-options", b"DENY"),
                 (b"referrer-policy", b"no-referrer"),
                 (b"cross-origin-opener-policy", b"same-origin"),
                 (b"cross-origin-resource-policy", b"same-origin")]
        if path.startswith("/api/"):
            extra.append((b"cache-control", b"no-store"))

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in extra if k not in have]]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if self.hosts is not None:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in self.hosts:
                await _error(400, "HostError", f"unexpected Host header {host[:100]!r}", "host",
                             "this server answers only to its own loopback address; start it "
                             "with --allow-remote to serve other names")(scope, receive,
                                                                        send_secure)
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._too_large(scope, receive, send_secure)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def send_checked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if started:
                    return
                started = True
                if exceeded:  # the app turned the refused body into its own error: ours wins
                    await self._too_large(scope, receive, send_secure)
                    return
            elif exceeded:
                return
            await send_secure(message)

        try:
            await self.app(scope, limited_receive, send_checked)
        except _BodyTooLarge:
            if not started:
                started = True
                await self._too_large(scope, receive, send_secure)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _error(413, "OversizeError", f"the request body exceeds {self.max_body:,d} bytes",
                     "body", "send a smaller request")(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# serialisation helpers (no arithmetic: selection and conversion only)
def _frame_payload(frame: Any, **extra: Any) -> dict[str, Any]:
    from realpolitik.simulate.service import frame_records, jsonable

    return {**{k: jsonable(v) for k, v in extra.items()},
            "columns": [str(c) for c in frame.columns], "rows": frame_records(frame),
            "provenance": jsonable(frame.attrs.get("provenance", {}))}


def _years(from_: int | None, to: int | None) -> tuple[int, int] | None:
    if from_ is None and to is None:
        return None
    from realpolitik.data.loaders import SYSTEM_END_YEAR, SYSTEM_START_YEAR

    if from_ is not None and to is not None and from_ > to:
        raise FieldError("to", f"to = {to} is before from = {from_}", "give from ≤ to")
    return (from_ if from_ is not None else SYSTEM_START_YEAR,
            to if to is not None else SYSTEM_END_YEAR)


def _map(name: str) -> Any:
    from realpolitik.models.plane import get_map

    with _fields(default="map"):
        return get_map(name)


def _states(value: str, field: str, limit: int) -> Any:
    names = [x.strip() for x in value.split(",")]
    if len(names) > limit:
        raise OversizeError(field, f"{field}: {len(names)} states; at most {limit}",
                            f"name at most {limit} states")
    if any(not n for n in names):
        raise FieldError(field, f"{field} = {value[:80]!r} has an empty name",
                         "separate several states with commas, e.g. USA,JPN")
    states = [state_field(n, field) for n in names]
    return states[0] if len(states) == 1 else states


@cache
def _static(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


@cache
def _docs_asset(name: str) -> bytes:
    return resources.files("fastapi_offline").joinpath("static", name).read_bytes()


@cache
def _plotly_js() -> bytes:
    return resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()


_RUN_ID = r"^[0-9a-f]{4,32}$"
#: Seconds the server waits for a results store that another process is writing.
STORE_TIMEOUT = 5.0
#: Classifications of at most this many points run on the event loop, larger ones in threads.
INLINE_POINTS = 32

# typed query parameters shared by several endpoints
State = Annotated[str, Query(min_length=1, max_length=200, description="a state: COW code, "
                             "abbreviation, ISO code or name")]
YearQ = Annotated[int | None, Query(ge=1816, le=2200, description="a year")]
FromQ = Annotated[int | None, Query(alias="from", ge=1816, le=2200,
                                    description="first year (inclusive)")]
ToQ = Annotated[int | None, Query(alias="to", ge=1816, le=2200,
                                  description="last year (inclusive)")]
IndexQ = Annotated[Literal["cinc", "cline", "haushofer"], Query(description="power index")]
MapQ = Annotated[str, Query(alias="map", max_length=40, description="region map: default or "
                            "quadrant")]
Finite = Annotated[float, Field(allow_inf_nan=False)]


# ---------------------------------------------------------------------------------------------
def create_app(store_path: str | os.PathLike[str] | None = None, limits: Limits | None = None,
               *, cors_origins: Sequence[str] = (),
               allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS) -> FastAPI:
    """The web application.

    ``store_path``: the results store the ``runs`` endpoints read and recorded forecasts go
    to (default :func:`~realpolitik.store.default_store_path`); fixed for the app's lifetime.
    ``limits``: request size limits. ``cors_origins``: origins allowed by CORS (none by
    default: no CORS headers at all). ``allowed_hosts``: accepted ``Host`` header names
    (default loopback names; ``None`` or ``["*"]``: any).
    """
    from realpolitik.store import ResultsStore

    lim = limits or Limits()
    # a short lock timeout: a store busy with another process's write answers 503 quickly
    store = ResultsStore(store_path, timeout=STORE_TIMEOUT)
    slots = threading.BoundedSemaphore(lim.max_concurrent_forecasts)
    app = FastAPI(
        title="realpolitik",
        version=__version__,
        summary="Measure, explain and forecast how two powers align against a common adversary.",
        description="JSON API of the realpolitik toolkit: power indices, the power gap Rg, the "
                    "alignment plane (Rg vs Ar), the leeway game, Beaufre's strategy and seeded "
                    "Monte Carlo forecasts. Errors have one shape: "
                    "`{\"error\": {\"status\", \"type\", \"field\", \"message\", \"hint\"}}`.",
        responses=ERRORS,
        docs_url=None,  # served below from local assets, not from a CDN
        redoc_url=None,  # ReDoc loads its logo from a CDN: not offered
    )
    app.state.limits = lim
    app.state.store = store
    app.state.forecast_slots = slots
    _install_error_handlers(app, {str(store.path): "[results store]",
                                  repr(str(store.path.parent)): "[results store folder]",
                                  str(store.trajectories_dir): "[trajectories folder]"})

    # -- meta ------------------------------------------------------------------------------
    @app.get("/api/health", tags=["meta"])
    async def health() -> dict[str, Any]:
        """Liveness: always ``{"status": "ok"}`` while the server runs."""
        return {"status": "ok"}

    @app.get("/api/version", tags=["meta"])
    def version() -> dict[str, Any]:
        """Package version, bundled data versions and this server's limits."""
        from realpolitik.data import manifest

        data = {k: v.get("version") for k, v in manifest().items()}
        return {"package": "realpolitik", "version": __version__, "data": data,
                "limits": lim.as_dict()}

    @app.get("/api/labels", tags=["meta"])
    def labels() -> dict[str, Any]:
        """The six alignment labels in order, with the essay's numbers and figure colours."""
        from realpolitik.interfaces.figures import LABEL_COLOURS
        from realpolitik.simulate.service import label_info

        return {"labels": [{**d, "colour": LABEL_COLOURS[d["name"]]} for d in label_info()]}

    # -- states and measures ---------------------------------------------------------------
    @app.get("/api/states", tags=["data"])
    def states(
        q: Annotated[str | None, Query(max_length=100, description="search text: code, "
                                       "abbreviation, ISO code or part of a name")] = None,
        year: YearQ = None,
        major: Annotated[bool, Query(description="only COW major powers")] = False,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        """States the resolver knows (members in ``year`` if given), best match first."""
        from realpolitik.simulate.service import major_powers, search_states

        frame = search_states(q, year, limit if not major else 500)
        if major:
            frame = frame[frame["major"]].head(limit).reset_index(drop=True)
        return {"states": _frame_payload(frame)["rows"], "majors": major_powers(year)}

    @app.get("/api/states/{query}", tags=["data"])
    def state(query: Annotated[str, PathParam(max_length=100)]) -> dict[str, Any]:
        """One state by any accepted name or code (404 if none matches)."""
        try:
            s = state_field(query, "query")
        except FieldError as exc:
            raise NotFoundError("query", exc.message, exc.hint, exc.kind) from None
        return {"ccode": s.ccode, "abb": s.abb, "iso3": s.iso3, "name": s.name,
                "membership": s.membership()}

    @app.get("/api/power", tags=["measures"])
    def power(
        states: Annotated[list[str], Query(min_length=1, description="states (repeat)")],
        from_: FromQ = None, to: ToQ = None, index: IndexQ = "cinc",
    ) -> dict[str, Any]:
        """Power of states by year under one index (``realpolitik.measures.power.power``)."""
        from realpolitik.measures.power import power as power_fn

        if len(states) > lim.max_states:
            raise OversizeError("states", f"{len(states)} states; at most {lim.max_states}",
                                f"ask for at most {lim.max_states} states at once")
        resolved = [state_field(s, "states") for s in states]
        with _fields("from", "to", "index", default="states"):
            frame = power_fn(resolved, years=_years(from_, to), index=index)
        return _frame_payload(frame, index=index)

    @app.get("/api/gap", tags=["measures"])
    def gap(
        a: State, b: State,
        base: YearQ = None, from_: FromQ = None, to: ToQ = None,
        index: Annotated[Literal["cinc", "cline", "haushofer", "all"],
                         Query(description="a power index, or all (the spread)")] = "cinc",
    ) -> dict[str, Any]:
        """The power gap Rg of B behind A since ``base`` (``power_gap``); ``index=all``: Rg
        under every index and the spread (``power_gap_spread``)."""
        import realpolitik.measures.gap as gap_mod

        sa, sb = state_field(a, "a"), state_field(b, "b")
        years = _years(from_, to)
        with _fields("base", "from", "to", "index", default="base"):
            if index == "all":
                tidy, wide = gap_mod.power_gap_spread(sa, sb, base=base, years=years)
                return {**_frame_payload(tidy, base=tidy.attrs.get("base"), index=index),
                        "summary": _frame_payload(wide)}
            frame = gap_mod.power_gap(sa, sb, base=base, years=years, index=index)
        return _frame_payload(frame, base=frame.attrs.get("base"), index=index)

    @app.get("/api/plane", tags=["measures"])
    def plane(
        a: State, b: State,
        c: Annotated[str, Query(min_length=1, max_length=200, description="the adversary "
                                "(several: USA,JPN)")],
        base: YearQ = None, from_: FromQ = None, to: ToQ = None, index: IndexQ = "cinc",
        region_map: MapQ = "default",
    ) -> dict[str, Any]:
        """The triad's yearly path on the alignment plane, classified (``trajectory``), with a
        drawing box (``plot_box``)."""
        from realpolitik.measures.trajectory import trajectory
        from realpolitik.models.plane import plot_box

        sa, sb = state_field(a, "a"), state_field(b, "b")
        sc = _states(c, "c", 5)
        the_map = _map(region_map)
        with _fields("base", "from", "to", "index", default="base"):
            frame = trajectory(sa, sb, sc, years=_years(from_, to), base=base, index=index,
                               region_map=the_map)
        box = plot_box(frame["rg"].to_numpy(), frame["ar"].to_numpy())
        return _frame_payload(frame, base=frame.attrs.get("base"), index=index,
                              map=region_map, box=[list(box[0]), list(box[1])])

    @app.get("/api/regions", tags=["models"])
    def regions(
        region_map: MapQ = "default",
        rg_min: Annotated[float, Query(ge=-20, le=20)] = -2.0,
        rg_max: Annotated[float, Query(ge=-20, le=20)] = 2.0,
        ar_min: Annotated[float, Query(ge=-20, le=20)] = -1.0,
        ar_max: Annotated[float, Query(ge=-20, le=20)] = 1.5,
    ) -> dict[str, Any]:
        """The regions of a map inside a box, as polygons, with label anchors
        (``region_polygons``, ``region_anchors``)."""
        from realpolitik.simulate.service import region_geometry

        the_map = _map(region_map)
        if not rg_min < rg_max:
            raise FieldError("rg_max", f"rg_max = {rg_max:g} must exceed rg_min = {rg_min:g}")
        if not ar_min < ar_max:
            raise FieldError("ar_max", f"ar_max = {ar_max:g} must exceed ar_min = {ar_min:g}")
        return {"map": the_map.to_dict(), **region_geometry(the_map, (rg_min, rg_max),
                                                              (ar_min, ar_max))}

    @app.get("/api/classify", tags=["models"])
    async def classify(
        rg: Annotated[list[Finite], Query(description="power gap Rg (repeat for several "
                                          "points)")],
        ar: Annotated[list[Finite], Query(description="adversary's response Ar (as many as "
                                          "rg)")],
        soft: Annotated[bool, Query(description="add the probability of each label")] = False,
        region_map: MapQ = "default",
        temperature: Annotated[Finite | None, Query(gt=0, le=100, description="soft "
                                                    "classifier temperature")] = None,
    ) -> dict[str, Any]:
        """Classify points of the alignment plane (``classify_table``)."""
        from realpolitik.models.plane import classify_table

        # A few points take well under a millisecond: answered on the event loop (a thread
        # hop would cost more than the work); larger requests go to the threadpool.
        if len(rg) > lim.max_points:
            raise OversizeError("rg", f"{len(rg)} points; at most {lim.max_points}",
                                f"classify at most {lim.max_points} points per request")
        if len(rg) != len(ar):
            raise FieldError("ar", f"{len(rg)} rg value(s) but {len(ar)} ar value(s)",
                             "give one ar for each rg")
        the_map = _map(region_map)

        def work() -> dict[str, Any]:
            with _fields("temperature", default="temperature"):
                frame = classify_table(rg, ar, the_map, temperature=temperature, soft=soft)
            return _frame_payload(frame, map=region_map)

        return work() if len(rg) <= INLINE_POINTS else await run_in_threadpool(work)

    @app.get("/api/leeway", tags=["models"])
    def leeway(
        a: State, b: State, c: State,
        year: Annotated[int, Query(ge=1816, le=2200, description="year of the data")],
        index: IndexQ = "cinc",
        ar: Annotated[Finite | None, Query(ge=-10, le=10, description="adversary pressure "
                                           "(default 0: today's level)")] = None,
        region_map: MapQ = "default",
    ) -> dict[str, Any]:
        """The two-level leeway game for a tandem in a year (``leeway_table``), with the
        consistency check against the plane under ``map`` (``leeway_consistency``)."""
        from realpolitik.measures.leeway_inputs import leeway_consistency, leeway_table

        sa, sb, sc = state_field(a, "a"), state_field(b, "b"), state_field(c, "c")
        the_map = _map(region_map)
        with _fields("year", "index", "ar", default="year"):
            frame = leeway_table(sa, sb, sc, year, index=index, ar=ar)
            report = leeway_consistency(sa, sb, sc, year, index=index, ar=ar,
                                        region_map=the_map)
        return {**_frame_payload(frame, year=year, index=index, map=region_map),
                "consistency": _frame_payload(report)["rows"]}

    @app.get("/api/strategy", tags=["models"])
    def strategy(
        a: State, b: State, c: State,
        year: Annotated[int, Query(ge=1816, le=2200, description="year of the data")],
        index: Annotated[Literal["military", "forces", "cinc", "cline", "haushofer"],
                         Query(description="how Beaufre's means are measured")] = "military",
        stakes: Annotated[Finite, Query(ge=0, le=1)] = 0.75,
        freedom: Annotated[Finite, Query(ge=0, le=1)] = 0.25,
    ) -> dict[str, Any]:
        """Beaufre's S = k·F·Ψ·τ per actor and domain, the tandem's ratio and the strategic
        pattern (``strategy_table``)."""
        from realpolitik.measures.strategy_inputs import strategy_table
        from realpolitik.simulate.service import jsonable

        sa, sb, sc = state_field(a, "a"), state_field(b, "b"), state_field(c, "c")
        with _fields("year", "index", "stakes", "freedom", default="year"):
            frame = strategy_table(sa, sb, sc, year, index=index, stakes=stakes,
                                   freedom=freedom)
        return {**_frame_payload(frame, year=year, index=index),
                "strategy": jsonable(frame.attrs.get("strategy", {}))}

    # -- scenarios and forecasts -----------------------------------------------------------
    @app.get("/api/presets", tags=["forecast"])
    def presets() -> dict[str, Any]:
        """The bundled scenario presets with the main parameters for sliders (value, slider
        range, allowed range) and this server's limits."""
        from realpolitik.simulate.scenario import PRESETS
        from realpolitik.simulate.service import preset_info

        return {"presets": [preset_info(p, lim) for p in PRESETS], "limits": lim.as_dict()}

    @app.get("/api/presets/{name}", tags=["forecast"])
    def preset(name: Annotated[str, PathParam(max_length=80)]) -> dict[str, Any]:
        """One preset by name (404 if there is none)."""
        from realpolitik.simulate.service import preset_info

        try:
            return preset_info(name, lim)
        except FieldError as exc:
            raise NotFoundError("name", exc.message, exc.hint, exc.kind) from None

    async def _forecast(req: ForecastRequest) -> dict[str, Any]:
        from realpolitik.simulate.service import forecast_json, run_forecast

        if not slots.acquire(blocking=False):
            raise BusyError(f"all {lim.max_concurrent_forecasts} forecast slot(s) are busy",
                            "retry in a moment (requests are refused, not queued)")
        try:
            def work() -> dict[str, Any]:
                return forecast_json(run_forecast(req, lim, store))

            return await run_in_threadpool(work)
        finally:
            slots.release()

    @app.post("/api/forecast", tags=["forecast"], responses=BUSY)
    async def forecast_post(
        req: Annotated[ForecastRequest, Body(openapi_examples={"containment": {
            "summary": "containment, stronger response",
            "value": {"preset": "containment", "a": "CHN", "b": "RUS", "c": "USA",
                      "trajectories": 2048, "seed": 7,
                      "overrides": {"adversary_policy.gain": 1.5}}}})],
    ) -> dict[str, Any]:
        """A seeded Monte Carlo forecast of a preset with replacements and overrides (bounded:
        ``trajectories`` and years from t0 to the horizon; 413 beyond, 429 when busy)."""
        return await _forecast(req)

    @app.get("/api/forecast", tags=["forecast"], responses=BUSY)
    async def forecast_get(
        preset: Annotated[str, Query(max_length=80)] = "status-quo",
        a: Annotated[str | None, Query(max_length=80)] = None,
        b: Annotated[str | None, Query(max_length=80)] = None,
        c: Annotated[str | None, Query(max_length=80)] = None,
        t0: YearQ = None,
        horizon: YearQ = None,
        index: Annotated[Literal["cinc", "cline", "haushofer"] | None, Query()] = None,
        trajectories: Annotated[int | None, Query(ge=1)] = None,
        seed: Annotated[int | None, Query(ge=0)] = None,
        set_: Annotated[list[str], Query(alias="set", max_length=100, description="scenario "
                                         "key=value (repeat), e.g. adversary_policy.gain=1.5")
                        ] = [],  # noqa: B006 - FastAPI copies the default
    ) -> dict[str, Any]:
        """The same forecast as POST, from query parameters (runs are not recorded)."""
        from realpolitik.simulate.service import parse_assignments

        overrides = parse_assignments(set_)
        try:
            req = ForecastRequest(preset=preset, a=a, b=b, c=c, t0=t0, horizon=horizon,
                                  index=index, trajectories=trajectories, seed=seed,
                                  overrides=overrides)
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("query", *e["loc"])}
                                          for e in exc.errors()]) from None
        return await _forecast(req)

    # -- the results store -----------------------------------------------------------------
    def _run_id(run_id: str) -> str:
        if not re.match(_RUN_ID, run_id):
            raise FieldError("run_id", f"invalid run id {run_id[:40]!r}",
                             "a run id is 4 to 32 hexadecimal characters (see GET /api/runs)")
        return run_id

    def _store_call(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except (FieldError, DataIntegrityError):
            raise
        except RealpolitikError as exc:
            kind = NotFoundError if exc.message.startswith("unknown run") else FieldError
            raise kind("run_id", exc.message, exc.hint, type(exc).__name__) from None

    @app.get("/api/runs", tags=["runs"])
    def runs(
        status: Annotated[Literal["running", "complete", "failed", "interrupted"] | None,
                          Query()] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """The runs in the server's results store, newest first."""
        frame = _store_call(store.list_runs)
        if status is not None:
            frame = frame[frame["status"] == status]
        frame = frame.head(limit).reset_index(drop=True)
        payload = _frame_payload(frame)
        return {"runs": payload["rows"], "columns": payload["columns"]}

    @app.get("/api/runs/{run_id}", tags=["runs"])
    def run(run_id: Annotated[str, PathParam(max_length=40)]) -> dict[str, Any]:
        """One run's record (manifest, versions, seed, status, timings) by id or unique
        prefix."""
        from realpolitik.simulate.service import jsonable

        record = _store_call(lambda: store.get_run(_run_id(run_id)))
        for private in ("store", "hostname", "pid"):
            record.pop(private, None)
        return jsonable(record)  # type: ignore[no-any-return]

    @app.get("/api/runs/{run_id}/summary", tags=["runs"])
    def run_summary(run_id: Annotated[str, PathParam(max_length=40)]) -> dict[str, Any]:
        """A complete run's summaries: the engine's Dataset as coordinates and variables."""
        from realpolitik.simulate.service import dataset_json

        ds = _store_call(lambda: store.load_dataset(_run_id(run_id)))
        return dataset_json(ds)

    # -- the dashboard ---------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index_page() -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8")

    @app.get("/static/dashboard.js", include_in_schema=False)
    def dashboard_js() -> Response:
        return Response(_static("dashboard.js"), media_type="text/javascript; charset=utf-8")

    @app.get("/static/dashboard.css", include_in_schema=False)
    def dashboard_css() -> Response:
        return Response(_static("dashboard.css"), media_type="text/css; charset=utf-8")

    # -- the API documentation, offline -----------------------------------------------------
    @app.get("/docs", include_in_schema=False)
    def swagger_page() -> Response:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="realpolitik API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
            oauth2_redirect_url="/docs/oauth2-redirect")

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def swagger_redirect() -> Response:
        from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html

        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/static/docs/{name}", include_in_schema=False)
    def docs_asset(name: Annotated[str, PathParam(max_length=40)]) -> Response:
        media = DOCS_ASSETS.get(name)  # a fixed list of names, never a path
        if media is None:
            raise StarletteHTTPException(404, f"no documentation asset {name!r}")
        return Response(_docs_asset(name), media_type=media,
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(_plotly_js(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=86400"})

    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        bad = [o for o in cors_origins if o == "*" or not re.match(r"^https?://[^/\s]+$", o)]
        if bad:
            raise FieldError("cors_origin", f"invalid CORS origin(s) {bad}",
                             "give explicit origins such as http://localhost:3000 (no '*')")
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.add_middleware(Guard, max_body=lim.max_body_bytes,  # type: ignore[arg-type]
                       allowed_hosts=allowed_hosts)
    return app
