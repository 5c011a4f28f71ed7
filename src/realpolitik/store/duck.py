"""The results store: one DuckDB file holding run manifests, yearly summaries and chunk checkpoints.

Layout (schema version 1; ``SCHEMA`` below is the authority):

* ``schema_version(app, version, created_at, package_version)`` — one row, ``app =
  'realpolitik'``; a DuckDB file without it (but with other tables) is someone else's database
  and is never touched.
* ``runs`` — one row per run: the manifest (scenario, configuration and its hash, package and
  data versions, seed, ensemble size, t0, horizon), the process that owns it (``pid``,
  ``hostname``, ``claimed_at``), ``status`` (``running``, ``complete`` or ``failed``), timings
  and the error. A ``running`` row whose process is gone is *reported* as ``interrupted``.
* Summary tables, one row per coordinate combination, one column per variable of the engine's
  Dataset: ``summary_yearly(year)``, ``summary_label(year, label)``,
  ``summary_quantile(year, quantile)``, ``summary_leeway(year, partner, component)``,
  ``summary_first_entry(label)``, and ``summary_extra`` (long: any further variable). They are
  written by :meth:`ResultsStore.write_summary` in the same transaction that marks the run
  complete, so a run killed at any moment has no summary rows at all.
* ``chunks(run_id, chunk_key, payload, …)`` — sweep checkpoints, one row per chunk, committed
  once (the payload is a zip of one Parquet file per frame).
* Trajectories (optional) are Parquet files under ``trajectories/<run_id>/`` next to the DB.

Concurrency: DuckDB lets one process write a file at a time. The store opens the file only for
the duration of one operation (one transaction), so processes take turns; a process that finds the
file locked retries with backoff for ``timeout`` seconds (default 30, or
``REALPOLITIK_STORE_TIMEOUT``) and then fails with a :class:`DataIntegrityError` naming the
process that holds it. Nothing is ever interleaved: every write is one transaction.

Run ids are ``uuid4().hex[:12]`` (random, 48 bits; a collision is detected by the primary key and
a new id drawn). Commands accept any unique prefix of at least four characters.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import math
import os
import random
import re
import shutil
import socket
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from realpolitik._version import __version__
from realpolitik.data.provenance import config_hash
from realpolitik.errors import DataIntegrityError, InputError

if TYPE_CHECKING:
    import duckdb
    import xarray as xr

__all__ = [
    "DIMS",
    "EXPORT_FORMATS",
    "SCHEMA_VERSION",
    "ResultsStore",
    "default_store_path",
    "netcdf_engine",
]

APP = "realpolitik"
SCHEMA_VERSION = 1
ENV_STORE = "REALPOLITIK_STORE"
ENV_TIMEOUT = "REALPOLITIK_STORE_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
DIMS: tuple[str, ...] = ("year", "label", "quantile", "partner", "component")
_DIM_SQL = {"year": "INTEGER", "label": "VARCHAR", "quantile": "DOUBLE", "partner": "VARCHAR",
            "component": "VARCHAR"}
# table -> (dims, variables); a variable with exactly these dims goes in the table as a column
SUMMARY_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "summary_yearly": (("year",), ("rg_mean", "ar_mean", "cohesion_mean")),
    "summary_label": (("year", "label"), ("probability",)),
    "summary_quantile": (("year", "quantile"), ("rg_quantile", "ar_quantile",
                                                "beaufre_quantile")),
    "summary_leeway": (("year", "partner", "component"), ("leeway_mean",)),
    "summary_first_entry": (("label",), ("first_entry_probability",
                                         "first_entry_expected_year")),
}
EXTRA_TABLE = "summary_extra"
_ALL_TABLES = (*SUMMARY_TABLES, EXTRA_TABLE, "chunks", "runs", "schema_version")
EXPORT_FORMATS = ("csv", "json", "parquet", "netcdf")
_EXPORT_EXT = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet",
               ".nc": "netcdf", ".nc4": "netcdf", ".netcdf": "netcdf"}
_PART_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=-]{0,127}$")
_PID_RE = re.compile(r"PID (\d+)")
# writes from threads of one process are serialised too (DuckDB would let their transactions
# race and fail at commit); one lock per store file
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    key = os.path.realpath(path)
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


def _summary_ddl() -> list[str]:
    out = []
    for table, (dims, variables) in SUMMARY_TABLES.items():
        cols = [f"{d} {_DIM_SQL[d]} NOT NULL" for d in dims] + [f"{v} DOUBLE" for v in variables]
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (run_id VARCHAR NOT NULL, "
                   + ", ".join(cols) + ")")
    dim_cols = ", ".join(f"{d} {_DIM_SQL[d]}" for d in DIMS)
    out.append(f"CREATE TABLE IF NOT EXISTS {EXTRA_TABLE} (run_id VARCHAR NOT NULL, "
               f"variable VARCHAR NOT NULL, {dim_cols}, value DOUBLE)")
    return out


SCHEMA: list[str] = [
    "CREATE TABLE IF NOT EXISTS schema_version (app VARCHAR NOT NULL, version INTEGER NOT NULL, "
    "created_at TIMESTAMP NOT NULL, package_version VARCHAR)",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY,
        status VARCHAR NOT NULL,
        scenario_name VARCHAR,
        package_version VARCHAR,
        data_versions VARCHAR,   -- JSON object
        config VARCHAR,          -- JSON object
        config_hash VARCHAR,
        seed HUGEINT,
        n_trajectories BIGINT,
        t0 INTEGER,
        horizon INTEGER,
        manifest VARCHAR,        -- JSON: the manifest as given to begin_run
        provenance VARCHAR,      -- JSON: the Dataset's provenance, set when complete
        meta VARCHAR,            -- JSON: coordinates, variables and attrs of the Dataset
        timings VARCHAR,         -- JSON: the caller's phase timings (seconds)
        pid INTEGER,             -- the process that owns the run (begun or resumed it)
        hostname VARCHAR,
        claimed_at TIMESTAMP,    -- UTC: when that process took the run
        started_at TIMESTAMP NOT NULL,   -- UTC
        finished_at TIMESTAMP,           -- UTC
        elapsed_s DOUBLE,
        error VARCHAR
    )""",
    *_summary_ddl(),
    """CREATE TABLE IF NOT EXISTS chunks (
        run_id VARCHAR NOT NULL,
        chunk_key VARCHAR NOT NULL,
        payload BLOB,            -- zip of <name>.parquet, one per frame
        n_frames INTEGER NOT NULL,
        n_rows BIGINT NOT NULL,
        committed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run_id, chunk_key)
    )""",
]

_LIST_COLUMNS = ["run_id", "status", "scenario_name", "seed", "n_trajectories", "t0", "horizon",
                 "started_at", "finished_at", "elapsed_s", "chunks", "package_version"]


# ---------------------------------------------------------------------------------------------
def default_store_path() -> Path:
    """Where the store lives: ``$REALPOLITIK_STORE`` if set, else ``results.duckdb`` in the
    user's data directory (``platformdirs.user_data_dir("realpolitik")``)."""
    env = os.environ.get(ENV_STORE, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP)) / "results.duckdb"


def netcdf_engine() -> str | None:
    """The xarray netCDF backend that is installed (netCDF4, h5netcdf or scipy), else None."""
    import importlib.util

    for module, engine in (("netCDF4", "netcdf4"), ("h5netcdf", "h5netcdf"), ("scipy", "scipy")):
        if importlib.util.find_spec(module) is not None:
            return engine
    return None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _dumps(value: Any, sort_keys: bool = True) -> str:
    return json.dumps(value, sort_keys=sort_keys, default=_jsonable)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _optional_int(manifest: Mapping[str, Any], key: str) -> int | None:
    value = manifest.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"manifest field {key!r} must be an integer, not {value!r}",
                         f"give {key} as a whole number or leave it out")
    return int(value)


def _pid_alive(pid: int | None, hostname: str | None, since: datetime | None) -> bool | None:
    """Whether the process that owns a run is alive: True/False, or None if it cannot be told
    (another host)."""
    if pid is None:
        return False
    if hostname is not None and hostname != socket.gethostname():
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    except OSError:
        return None
    stat = Path(f"/proc/{pid}/stat")
    try:  # Linux: a zombie is dead; a process started after the run is a recycled pid
        fields = stat.read_text().rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X"):
            return False
        if since is not None:
            btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text()
                         .splitlines() if line.startswith("btime "))
            started = btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
            if started > since.replace(tzinfo=UTC).timestamp() + 2.0:
                return False
    except (OSError, IndexError, ValueError, StopIteration):
        pass
    return True


def _effective_status(status: str, pid: int | None, hostname: str | None,
                      claimed_at: datetime | None) -> str:
    if status == "running" and _pid_alive(pid, hostname, claimed_at) is False:
        return "interrupted"
    return status


# ---------------------------------------------------------------------------------------------
def chunk_payload(frames: Mapping[str, pd.DataFrame]) -> tuple[bytes, int, int]:
    """A chunk's frames as the bytes :meth:`ResultsStore.commit_chunks` stores (with the number
    of frames and of rows): computable in any process, so a sweep's workers serialise their
    own chunks and the process that commits them only writes bytes."""
    return _frames_payload((), frames)


def _frames_payload(frames: Sequence[pd.DataFrame], named: Mapping[str, pd.DataFrame]
                    ) -> tuple[bytes, int, int]:
    items: list[tuple[str, pd.DataFrame]] = [(str(i), f) for i, f in enumerate(frames)]
    items += list(named.items())
    buf = io.BytesIO()
    n_rows = 0
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, frame in items:
            if not isinstance(frame, pd.DataFrame):
                raise InputError(f"chunk frame {name!r} is a {type(frame).__name__}, not a "
                                 "DataFrame", "pass pandas DataFrames to commit_chunk")
            sink = io.BytesIO()
            pq.write_table(pa.Table.from_pandas(frame), sink, compression="zstd")
            zf.writestr(f"{name}.parquet", sink.getvalue())
            n_rows += len(frame)
    return buf.getvalue(), len(items), n_rows


def _payload_frames(payload: bytes) -> dict[str, pd.DataFrame]:
    out = {}
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        for name in zf.namelist():
            out[name.removesuffix(".parquet")] = pq.read_table(io.BytesIO(zf.read(name))
                                                               ).to_pandas()
    return out


def _dataset_tables(ds: xr.Dataset) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Split a Dataset into the summary tables (frames without run_id) and its metadata."""
    import xarray as xr

    if not isinstance(ds, xr.Dataset):
        raise InputError(f"expected an xarray Dataset, got {type(ds).__name__}",
                         "pass the Dataset the engine returns")
    unknown = [d for d in ds.dims if d not in DIMS]
    if unknown:
        raise InputError(f"the Dataset has dimension(s) {', '.join(map(str, unknown))} the store "
                         "does not know", "the store keeps dimensions " + ", ".join(DIMS))
    coords: dict[str, list[Any]] = {}
    dtypes: dict[str, str] = {}
    for d in DIMS:
        if d in ds.dims:
            values = ds[d].values if d in ds.coords else np.arange(ds.sizes[d])
            if len(pd.unique(values)) != len(values):
                raise InputError(f"coordinate {d!r} has duplicate values",
                                 "each coordinate value must be unique")
            kind = np.asarray(values).dtype.kind
            wanted = {"year": "iu", "quantile": "iuf"}.get(d, "UO")
            if kind not in wanted or (kind == "O" and not all(isinstance(v, str)
                                                              for v in values)):
                raise InputError(f"coordinate {d!r} has values of type {np.asarray(values).dtype}",
                                 "years are integers, quantiles numbers, and labels, partners "
                                 "and components strings")
            coords[d] = [_jsonable(v) if isinstance(v, np.generic) else v for v in values]
            dtypes[d] = str(np.asarray(values).dtype)
    variables: dict[str, dict[str, Any]] = {}
    placed: dict[str, list[str]] = {t: [] for t in SUMMARY_TABLES}
    extra: list[str] = []
    for name, da in ds.data_vars.items():
        name = str(name)
        if not (np.issubdtype(da.dtype, np.number) or np.issubdtype(da.dtype, np.bool_)):
            raise InputError(f"variable {name!r} is not numeric ({da.dtype})",
                             "the store keeps numeric summaries only")
        dims = tuple(str(d) for d in da.dims)
        table = next((t for t, (tdims, tvars) in SUMMARY_TABLES.items()
                      if name in tvars and set(dims) == set(tdims)), EXTRA_TABLE)
        (placed[table] if table != EXTRA_TABLE else extra).append(name)
        variables[name] = {"dims": list(dims), "dtype": str(da.dtype), "table": table,
                           "attrs": json.loads(_dumps(dict(da.attrs), sort_keys=False))}
    frames: dict[str, pd.DataFrame] = {}
    for table, names in placed.items():
        tdims, tvars = SUMMARY_TABLES[table]
        if not names:
            continue
        sub = ds[names].reset_coords(drop=True).transpose(*tdims)
        frame = sub.to_dataframe(dim_order=list(tdims)).reset_index()
        for v in tvars:
            if v not in frame.columns:
                frame[v] = np.nan
        frames[table] = frame[[*tdims, *tvars]]
    longs = []
    for name in extra:
        da = ds[name].reset_coords(drop=True)
        if da.ndim == 0:
            frame = pd.DataFrame({"value": [float(da.values)]})
        else:
            frame = da.to_series().rename("value").reset_index()
        frame["value"] = frame["value"].astype(float)
        frame.insert(0, "variable", name)
        longs.append(frame)
    if longs:
        frame = pd.concat(longs, ignore_index=True)
        for d in DIMS:
            if d not in frame.columns:
                frame[d] = None
        frame = frame[["variable", *DIMS, "value"]].copy()
        frame["year"] = frame["year"].astype("Int64")
        frame["quantile"] = frame["quantile"].astype(float)
        frames[EXTRA_TABLE] = frame
    for frame in frames.values():
        for col in frame.columns:
            if pd.api.types.is_bool_dtype(frame[col]):
                frame[col] = frame[col].astype(float)
    meta = {"coords": coords, "dtypes": dtypes, "variables": variables,
            "order": [str(v) for v in ds.data_vars],
            "attrs": json.loads(_dumps(dict(ds.attrs), sort_keys=False))}
    return frames, meta


# ---------------------------------------------------------------------------------------------
#: Seconds a store file with an empty or zero-filled header is read again before it is called
#: foreign (another process may be creating it).
CREATION_WAIT = 2.0


class ResultsStore:
    """The results store in the DuckDB file ``path`` (default: :func:`default_store_path`).

    ``timeout`` is how long an operation waits for another process that holds the file (seconds;
    default ``$REALPOLITIK_STORE_TIMEOUT`` or 30). The file is created, with its schema, by the
    first write; an existing file that is not a DuckDB database, or one written by another
    program, is refused with a :class:`DataIntegrityError` and never changed.

    Use it as a context manager or plainly; it holds no connection between operations.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 timeout: float | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self._is_default = path is None
        if timeout is None:
            env = os.environ.get(ENV_TIMEOUT, "").strip()
            try:
                timeout = float(env) if env else DEFAULT_TIMEOUT
            except ValueError:
                raise InputError(f"{ENV_TIMEOUT}={env!r} is not a number of seconds",
                                 f"set {ENV_TIMEOUT} to e.g. 30 or unset it") from None
        if timeout < 0 or math.isnan(timeout):
            raise InputError(f"timeout must be ≥ 0 seconds, got {timeout}", "use e.g. 30")
        self.timeout = float(timeout)
        self._check_file()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: every operation opens and closes its own connection."""

    @property
    def trajectories_dir(self) -> Path:
        """The folder of the Parquet trajectories (``trajectories/`` next to the DB file)."""
        return self.path.parent / "trajectories"

    # -- opening ------------------------------------------------------------------------------
    def _refuse(self, what: str) -> DataIntegrityError:
        return DataIntegrityError(
            f"{self.path} {what}",
            "it was left unchanged; move it away or choose another store with --store PATH or "
            f"{ENV_STORE}")

    def _check_file(self) -> None:
        p = self.path
        if p.is_dir():
            raise InputError(f"the store path {str(p)!r} is a folder",
                             f"give a file path, e.g. {p / 'results.duckdb'}")
        # A file another process is creating this very moment can be empty or still zero-filled
        # for a few milliseconds: such a header is read again (up to CREATION_WAIT seconds)
        # before the file is called foreign; a header with other content is refused at once.
        deadline = time.monotonic() + min(self.timeout, CREATION_WAIT)
        while True:
            if not p.exists():
                return
            try:
                with p.open("rb") as fh:
                    head = fh.read(16)
            except OSError as exc:
                raise DataIntegrityError(f"cannot read the store {p}: {exc.strerror}",
                                         "check the file's permissions") from None
            if len(head) >= 12 and head[8:12] == b"DUCK":
                return
            being_created = len(head) < 12 or not head.strip(b"\0")
            if not being_created or time.monotonic() >= deadline:
                raise self._refuse("is not a DuckDB database (not a realpolitik results "
                                   "store)")
            time.sleep(0.02)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        import duckdb

        deadline = time.monotonic() + self.timeout
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.ConnectionException:
                if read_only:  # this process already has it open read-write
                    read_only = False
                    continue
                raise
            except duckdb.IOException as exc:
                msg = str(exc)
                if "lock" not in msg.lower():
                    raise self._refuse(f"cannot be opened as a results store ({msg})") from None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    m = _PID_RE.search(msg)
                    who = f"pid {m.group(1)}" if m else "unknown pid"
                    raise DataIntegrityError(
                        f"the store {self.path} is in use by another process ({who})",
                        f"waited {self.timeout:g} s; try again when it has finished, raise "
                        f"{ENV_TIMEOUT}, or use another --store") from None
                time.sleep(min(remaining, delay * (0.5 + random.random())))
                delay = min(delay * 2, 0.1)
            except duckdb.Error as exc:
                raise self._refuse(f"cannot be opened as a results store ({exc})") from None

    def _schema_state(self, con: duckdb.DuckDBPyConnection) -> int | None:
        """The schema version; None for an empty database; refuses a foreign or damaged one."""
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database()").fetchall()}
        if not tables:
            return None
        if "schema_version" not in tables:
            raise self._refuse("is a DuckDB database of another program (it has no "
                               "realpolitik schema_version table)")
        rows = con.execute("SELECT app, version FROM schema_version").fetchall()
        if len(rows) != 1 or rows[0][0] != APP:
            raise self._refuse("is a DuckDB database of another program")
        version = int(rows[0][1])
        if version > SCHEMA_VERSION:
            raise DataIntegrityError(
                f"the store {self.path} has schema version {version}, newer than this "
                f"realpolitik's ({SCHEMA_VERSION})", "upgrade realpolitik or use another --store")
        missing = [t for t in _ALL_TABLES if t not in tables]
        if missing and version == SCHEMA_VERSION:
            raise self._refuse("is damaged: table(s) " + ", ".join(missing) + " are missing")
        return version

    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation. Writers get the schema created if needed."""
        self._check_file()
        if not write and not self.path.exists():
            raise _EmptyStore
        if write and not self.path.exists():
            folder = self.path.parent
            if not folder.is_dir():
                if not self._is_default:
                    raise InputError(f"folder {str(folder)!r} of the store does not exist",
                                     "create it first or choose another --store path")
                folder.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only=not write)
        try:
            version = self._schema_state(con)
            if write and version != SCHEMA_VERSION:
                con.execute("BEGIN TRANSACTION")
                try:
                    for ddl in SCHEMA:
                        con.execute(ddl)
                    con.execute("DELETE FROM schema_version")
                    con.execute("INSERT INTO schema_version VALUES (?, ?, ?, ?)",
                                [APP, SCHEMA_VERSION, _now(), __version__])
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            elif not write and version is None:
                raise _EmptyStore
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction: committed if the block ends normally, else rolled back."""
        lock = _thread_lock(self.path)
        if not lock.acquire(timeout=self.timeout):
            raise DataIntegrityError(f"the store {self.path} is in use by another thread of "
                                     f"this process (pid {os.getpid()})",
                                     f"waited {self.timeout:g} s; try again")
        try:
            with self._connect(write=True) as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        finally:
            lock.release()

    def _read(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        return self._connect(write=False)

    # -- run ids ------------------------------------------------------------------------------
    def _resolve(self, con: duckdb.DuckDBPyConnection, run_id: str) -> str:
        if not isinstance(run_id, str) or not run_id.strip():
            raise InputError(f"invalid run id {run_id!r}", "see `realpolitik runs list`")
        run_id = run_id.strip()
        ids = [r[0] for r in con.execute(
            "SELECT run_id FROM runs ORDER BY started_at DESC").fetchall()]
        return _match_id(run_id, ids, self.path)

    def _resolve_any(self, run_id: str) -> str:
        try:
            with self._read() as con:
                return self._resolve(con, run_id)
        except _EmptyStore:
            return _match_id(run_id, [], self.path)

    # -- writing ------------------------------------------------------------------------------
    def begin_run(self, manifest: Mapping[str, Any]) -> str:
        """Record a new run with status ``running`` and return its id.

        ``manifest`` keys the store understands (all optional): ``scenario_name``, ``config``
        (dict), ``seed``, ``data`` (data versions), ``version`` (package version, default this
        one), ``n_trajectories``, ``t0``, ``horizon``. A provenance dict (``frame.attrs[
        "provenance"]``) is a valid manifest. Everything is kept, as JSON, in ``manifest``.
        """
        if not isinstance(manifest, Mapping):
            raise InputError(f"a run manifest must be a dict, not {type(manifest).__name__}",
                             "pass e.g. {'scenario_name': ..., 'config': ..., 'seed': ...}")
        config = manifest.get("config") or {}
        data = manifest.get("data") or {}
        if not isinstance(config, Mapping) or not isinstance(data, Mapping):
            raise InputError("manifest fields 'config' and 'data' must be dicts",
                             "pass the scenario configuration and data versions as dicts")
        seed = _optional_int(manifest, "seed")
        if seed is not None and not -(2**127) <= seed < 2**127:
            raise InputError(f"seed {seed} is out of range", "use a seed below 2**127")
        scenario = manifest.get("scenario_name")
        try:
            manifest_json = _dumps(dict(manifest))
        except (TypeError, ValueError) as exc:
            raise InputError(f"the run manifest cannot be stored as JSON ({exc})",
                             "use string keys and plain values") from None
        values = [
            "running", None if scenario is None else str(scenario),
            str(manifest.get("version") or __version__), _dumps(dict(data)), _dumps(dict(config)),
            str(manifest.get("config_hash") or config_hash(dict(config))), seed,
            _optional_int(manifest, "n_trajectories"), _optional_int(manifest, "t0"),
            _optional_int(manifest, "horizon"), manifest_json, os.getpid(),
            socket.gethostname(), _now(),
        ]
        import duckdb

        for _ in range(5):
            run_id = uuid.uuid4().hex[:12]
            try:
                with self._transaction() as con:
                    con.execute(
                        "INSERT INTO runs (run_id, status, scenario_name, package_version, "
                        "data_versions, config, config_hash, seed, n_trajectories, t0, horizon, "
                        "manifest, pid, hostname, started_at, claimed_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, *values, values[-1]])
                return run_id
            except duckdb.ConstraintException:
                continue
        raise RuntimeError("could not draw a fresh run id")  # pragma: no cover

    def _run_row(self, con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
        cur = con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id])
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
        assert row is not None
        return dict(zip(names, row, strict=True))

    def _require_running(self, row: dict[str, Any], action: str) -> None:
        if row["status"] != "running":
            hint = ("delete it and start a new run" if row["status"] == "complete"
                    else "resume it with resume_run() or start a new run")
            raise InputError(f"run {row['run_id']} is {row['status']}; cannot {action}", hint)

    def write_summary(self, run_id: str, dataset: xr.Dataset, *,
                      timings: Mapping[str, float] | None = None) -> None:
        """Store the engine's Dataset and mark the run complete, all in one transaction.

        ``timings`` (optional) are phase durations in seconds kept with the run. If anything
        fails or the process dies before the commit, the store has no summary rows for the run.
        """
        frames, meta = _dataset_tables(dataset)
        attrs = meta["attrs"]
        prov_text = attrs.get("provenance")
        if isinstance(prov_text, str):
            try:
                provenance = json.loads(prov_text)
            except json.JSONDecodeError:
                provenance = {"text": prov_text}
        else:
            provenance = prov_text if isinstance(prov_text, dict) else {}
        phase = {str(k): float(v) for k, v in (timings or {}).items()}
        with self._transaction() as con:
            run_id = self._resolve(con, run_id)
            row = self._run_row(con, run_id)
            self._require_running(row, "write its summary")
            ds_seed, ds_name = attrs.get("seed"), attrs.get("scenario_name")
            if ds_seed is not None and row["seed"] is not None and int(ds_seed) != row["seed"]:
                raise InputError(f"the Dataset's seed {ds_seed} differs from run {run_id}'s "
                                 f"seed {row['seed']}", "store it under the run that made it")
            for table in (*SUMMARY_TABLES, EXTRA_TABLE):
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            for table, frame in frames.items():
                arrow = pa.Table.from_pandas(frame, preserve_index=False)
                arrow = arrow.append_column("run_id", pa.array([run_id] * len(frame),
                                                                pa.string()))
                cols = ", ".join(arrow.column_names)
                con.register("_rp_rows", arrow)
                try:
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rp_rows")
                finally:
                    con.unregister("_rp_rows")
            self._mark_complete(con, run_id, row, meta, provenance, phase,
                                ds_seed=ds_seed, ds_name=ds_name)

    def _mark_complete(self, con: duckdb.DuckDBPyConnection, run_id: str, row: dict[str, Any],
                       meta: dict[str, Any], provenance: dict[str, Any],
                       timings: dict[str, float], *, ds_seed: Any, ds_name: Any) -> None:
        attrs = meta["attrs"]
        finished = _now()
        elapsed = (finished - row["started_at"]).total_seconds()
        con.execute(
            "UPDATE runs SET status = 'complete', finished_at = ?, elapsed_s = ?, meta = ?, "
            "provenance = ?, timings = ?, error = NULL, "
            "seed = coalesce(seed, ?), scenario_name = coalesce(scenario_name, ?), "
            "n_trajectories = coalesce(n_trajectories, ?), t0 = coalesce(t0, ?), "
            "horizon = coalesce(horizon, ?) WHERE run_id = ?",
            [finished, elapsed, _dumps(meta, sort_keys=False), _dumps(provenance), _dumps(timings),
             None if ds_seed is None else int(ds_seed),
             None if ds_name is None else str(ds_name),
             _maybe_int(attrs.get("n_trajectories")), _maybe_int(attrs.get("t0")),
             _maybe_int(attrs.get("horizon")), run_id])

    def fail_run(self, run_id: str, reason: str) -> None:
        """Mark a running run as failed with ``reason`` (a complete run cannot fail)."""
        with self._transaction() as con:
            run_id = self._resolve(con, run_id)
            row = self._run_row(con, run_id)
            if row["status"] == "complete":
                raise InputError(f"run {run_id} is complete; it cannot be marked failed",
                                 "delete it with delete_run() if it is wrong")
            finished = _now()
            con.execute("UPDATE runs SET status = 'failed', error = ?, finished_at = ?, "
                        "elapsed_s = ? WHERE run_id = ?",
                        [str(reason), finished, (finished - row["started_at"]).total_seconds(),
                         run_id])

    def resume_run(self, run_id: str) -> dict[str, Any]:
        """Take over an interrupted or failed run (e.g. a killed sweep): set it running in this
        process and return its record. Its committed chunks are kept."""
        with self._transaction() as con:
            run_id = self._resolve(con, run_id)
            row = self._run_row(con, run_id)
            status = _effective_status(row["status"], row["pid"], row["hostname"],
                                       row["claimed_at"])
            if status not in ("interrupted", "failed") and row["pid"] != os.getpid():
                raise InputError(f"run {run_id} is {status}; only an interrupted or failed run "
                                 "can be resumed", "start a new run instead")
            con.execute("UPDATE runs SET status = 'running', pid = ?, hostname = ?, "
                        "claimed_at = ?, error = NULL, finished_at = NULL, elapsed_s = NULL "
                        "WHERE run_id = ?", [os.getpid(), socket.gethostname(), _now(), run_id])
        return self.get_run(run_id)

    @contextlib.contextmanager
    def recording(self, manifest: Mapping[str, Any]) -> Iterator[str]:
        """``with store.recording(manifest) as run_id:`` — begins a run and, if the block raises
        (Ctrl-C included), marks it failed with the reason before re-raising."""
        run_id = self.begin_run(manifest)
        try:
            yield run_id
        except BaseException as exc:
            reason = ("interrupted (KeyboardInterrupt)" if isinstance(exc, KeyboardInterrupt)
                      else f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                self.fail_run(run_id, reason)
            raise

    def delete_run(self, run_id: str, *, force: bool = False) -> None:
        """Delete a run, its summaries and chunks (one transaction), then its trajectories.

        A run still running in a live process is refused unless ``force``.
        """
        with self._transaction() as con:
            run_id = self._resolve(con, run_id)
            row = self._run_row(con, run_id)
            if (not force and row["status"] == "running"
                    and _pid_alive(row["pid"], row["hostname"], row["claimed_at"]) is not False):
                raise InputError(f"run {run_id} is still running (pid {row['pid']} on "
                                 f"{row['hostname']})", "stop it first, or force the deletion")
            for table in (*SUMMARY_TABLES, EXTRA_TABLE, "chunks", "runs"):
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        folder = self.trajectories_dir / run_id
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)

    # -- chunk checkpoints --------------------------------------------------------------------
    def commit_chunk(self, run_id: str, chunk_key: str, *frames: pd.DataFrame,
                     **named: pd.DataFrame) -> bool:
        """Checkpoint one chunk of a running run: its frames, committed at once.

        Returns True if stored, False if ``chunk_key`` was already committed (a no-op: the first
        commit wins). Positional frames are named "0", "1", …; keyword frames keep their names.
        """
        payload = _frames_payload(frames, named)
        return self.commit_chunks(run_id, [(chunk_key, payload)])[0]

    def commit_chunks(self, run_id: str,
                      chunks: Sequence[tuple[str, Mapping[str, pd.DataFrame] | tuple[
                          bytes, int, int]]]) -> list[bool]:
        """Checkpoint several chunks of a running run in one transaction.

        ``chunks`` is a sequence of ``(chunk_key, frames)`` with ``frames`` a mapping name →
        DataFrame. Either every new chunk of the batch is committed or none is (a failure rolls
        the whole batch back; nothing half-written). Returns, per chunk, True if stored and
        False if its key was already committed (the first commit wins; a key repeated inside
        the batch is stored once). One transaction costs about as much as one chunk's (the
        store is opened, checked and closed once), so a sweep commits its chunks in batches.
        """
        rows: list[tuple[str, bytes, int, int]] = []
        for key, frames in chunks:
            if not isinstance(key, str) or not key or len(key) > 500:
                raise InputError(f"invalid chunk key {key!r}",
                                 "use a non-empty string of at most 500 characters")
            if isinstance(frames, tuple):
                payload, n_frames, n_rows = frames
            elif isinstance(frames, Mapping):
                payload, n_frames, n_rows = _frames_payload((), frames)
            else:
                raise InputError(f"chunk {key!r}: frames must be a dict of DataFrames, not "
                                 f"{type(frames).__name__}", "pass {name: DataFrame}")
            rows.append((key, payload, n_frames, n_rows))
        if not rows:
            return []
        import duckdb

        try:
            with self._transaction() as con:
                run_id = self._resolve(con, run_id)
                self._require_running(self._run_row(con, run_id), "commit a chunk")
                keys = sorted({r[0] for r in rows})
                marks = ", ".join("?" for _ in keys)
                present = {r[0] for r in con.execute(
                    f"SELECT chunk_key FROM chunks WHERE run_id = ? AND chunk_key IN ({marks})",
                    [run_id, *keys]).fetchall()}
                stored: list[bool] = []
                now = _now()
                new_rows = []
                for key, payload, n_frames, n_rows in rows:
                    if key in present:
                        stored.append(False)
                        continue
                    present.add(key)
                    stored.append(True)
                    new_rows.append([run_id, key, payload, n_frames, n_rows, now])
                if new_rows:
                    con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)", new_rows)
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            if "constraint" not in str(exc).lower() and not isinstance(
                    exc, duckdb.ConstraintException):
                raise
            # committed meanwhile by another connection of this process: nothing of this
            # batch was written; report which keys are there now
            if len(rows) == 1:
                return [False]
            return [self.commit_chunks(run_id, [(key, (p, f, n))])[0]
                    for key, p, f, n in rows]
        return stored

    def completed_chunks(self, run_id: str) -> set[str]:
        """The keys of the chunks committed for a run."""
        with self._read_or_unknown(run_id) as (con, rid):
            return {r[0] for r in con.execute(
                "SELECT chunk_key FROM chunks WHERE run_id = ?", [rid]).fetchall()}

    def load_chunk(self, run_id: str, chunk_key: str) -> dict[str, pd.DataFrame]:
        """The frames of a committed chunk, by name."""
        with self._read_or_unknown(run_id) as (con, rid):
            row = con.execute("SELECT payload FROM chunks WHERE run_id = ? AND chunk_key = ?",
                              [rid, chunk_key]).fetchone()
        if row is None:
            raise InputError(f"run {rid} has no committed chunk {chunk_key!r}",
                             "see completed_chunks(run_id)")
        return _payload_frames(row[0])

    # -- trajectories -------------------------------------------------------------------------
    def write_trajectories(self, run_id: str, frame: pd.DataFrame,
                           part: str = "trajectories") -> Path:
        """Write ``frame`` to ``trajectories/<run_id>/<part>.parquet`` next to the DB, atomically
        (with the run's provenance in the Parquet metadata), and return the path."""
        from realpolitik.interfaces.output import write_frame

        if not isinstance(frame, pd.DataFrame):
            raise InputError(f"trajectories must be a DataFrame, not {type(frame).__name__}",
                             "convert them with .to_dataframe() first")
        if not isinstance(part, str) or not _PART_RE.match(part) or ".." in part:
            raise InputError(f"invalid trajectory part name {part!r}",
                             "use letters, digits, '_', '-', '.' or '=' (no path separators)")
        record = self.get_run(run_id)
        folder = self.trajectories_dir / record["run_id"]
        folder.mkdir(parents=True, exist_ok=True)
        out = frame.copy(deep=False)
        out.attrs = {"provenance": {**(record.get("provenance") or {}),
                                    "run_id": record["run_id"], "seed": record["seed"],
                                    "config_hash": record["config_hash"]}}
        path = folder / f"{part}.parquet"
        write_frame(out, path, "parquet")
        return path

    def trajectory_files(self, run_id: str) -> list[Path]:
        """The Parquet trajectory files of a run (sorted)."""
        rid = self._resolve_any(run_id)
        folder = self.trajectories_dir / rid
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []

    # -- reading ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _read_or_unknown(self, run_id: str
                         ) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
        try:
            with self._read() as con:
                yield con, self._resolve(con, run_id)
        except _EmptyStore:
            _match_id(run_id, [], self.path)

    def list_runs(self) -> pd.DataFrame:
        """One row per run, newest first; a ``running`` run whose process is gone shows as
        ``interrupted``."""
        try:
            with self._read() as con:
                cols = ", ".join(f"r.{c}" for c in _LIST_COLUMNS if c != "chunks")
                cur = con.execute(
                    f"SELECT {cols}, r.pid, r.hostname, r.claimed_at, (SELECT count(*) FROM "
                    "chunks c WHERE c.run_id = r.run_id) AS chunks FROM runs r "
                    "ORDER BY r.started_at DESC, r.run_id")
                names = [d[0] for d in cur.description]
                rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        except _EmptyStore:
            rows = []
        for r in rows:
            r["status"] = _effective_status(r["status"], r["pid"], r["hostname"],
                                            r["claimed_at"])
        frame = pd.DataFrame([{c: r[c] for c in _LIST_COLUMNS} for r in rows],
                             columns=_LIST_COLUMNS)
        for col in ("started_at", "finished_at"):
            frame[col] = pd.to_datetime(frame[col])
        for col in ("n_trajectories", "t0", "horizon", "chunks"):
            frame[col] = frame[col].astype("Int64")
        frame["elapsed_s"] = frame["elapsed_s"].astype(float)
        frame.attrs["provenance"] = {"store": str(self.path)}
        return frame

    def get_run(self, run_id: str) -> dict[str, Any]:
        """A run's record: manifest, versions, seed, status, timings, owner process, error."""
        with self._read_or_unknown(run_id) as (con, rid):
            row = self._run_row(con, rid)
            n_chunks = con.execute("SELECT count(*) FROM chunks WHERE run_id = ?",
                                   [rid]).fetchone()
        status = _effective_status(row["status"], row["pid"], row["hostname"], row["claimed_at"])
        timings = {"started_at": row["started_at"].isoformat() + "Z",
                   "finished_at": (row["finished_at"].isoformat() + "Z"
                                   if row["finished_at"] is not None else None),
                   "elapsed_s": row["elapsed_s"]}
        timings.update(_loads(row["timings"]) or {})
        return {
            "run_id": rid, "status": status, "scenario_name": row["scenario_name"],
            "seed": None if row["seed"] is None else int(row["seed"]),
            "n_trajectories": row["n_trajectories"], "t0": row["t0"], "horizon": row["horizon"],
            "package_version": row["package_version"],
            "data_versions": _loads(row["data_versions"]) or {},
            "config": _loads(row["config"]) or {}, "config_hash": row["config_hash"],
            "manifest": _loads(row["manifest"]) or {}, "provenance": _loads(row["provenance"]),
            "timings": timings, "pid": row["pid"], "hostname": row["hostname"],
            "error": row["error"], "chunks": int(n_chunks[0]) if n_chunks else 0,
            "store": str(self.path),
        }

    def load_dataset(self, run_id: str) -> xr.Dataset:
        """The stored summaries of a complete run as the Dataset the engine returned."""
        import xarray as xr

        with self._read_or_unknown(run_id) as (con, rid):
            row = self._run_row(con, rid)
            if row["status"] != "complete":
                status = _effective_status(row["status"], row["pid"], row["hostname"],
                                           row["claimed_at"])
                raise InputError(f"run {rid} is {status} and has no results",
                                 "only complete runs have summaries; see `realpolitik runs list`")
            meta = json.loads(row["meta"])
            tables = {}
            for table in (*SUMMARY_TABLES, EXTRA_TABLE):
                tables[table] = con.execute(f"SELECT * FROM {table} WHERE run_id = ?",
                                            [rid]).df()
        coords = {d: np.asarray(v, dtype=meta["dtypes"][d] if not
                                meta["dtypes"][d].startswith(("<U", "|S", "object")) else None)
                  for d, v in meta["coords"].items()}
        data_vars: dict[str, Any] = {}
        for name in meta["order"]:
            info = meta["variables"][name]
            dims = info["dims"]
            frame = tables[info["table"]]
            if info["table"] == EXTRA_TABLE:
                frame = frame[frame["variable"] == name]
                col = "value"
            else:
                col = name
            shape = [len(coords[d]) for d in dims]
            values = np.full(shape, np.nan)
            if dims:
                index = tuple(pd.Index(coords[d]).get_indexer(frame[d].to_numpy())
                              for d in dims)
                if any((ix < 0).any() for ix in index):
                    raise DataIntegrityError(f"run {rid}'s rows in {info['table']} do not match "
                                             "its coordinates", "delete the run and re-run it")
                values[index] = frame[col].to_numpy(dtype=float, na_value=np.nan)
            elif len(frame):
                values = np.asarray(float(frame[col].iloc[0]))
            dtype = np.dtype(info["dtype"])
            if dtype.kind in "iub" and not np.isnan(values).any():
                values = values.astype(dtype)
            elif dtype.kind == "f":
                values = values.astype(dtype)
            data_vars[name] = xr.Variable(dims, values, attrs=info.get("attrs") or {})
        return xr.Dataset(data_vars, coords=coords, attrs=meta["attrs"])

    def summary_frame(self, run_id: str) -> pd.DataFrame:
        """A complete run's summaries as one tidy long table: ``run_id, variable, year, label,
        quantile, partner, component, value`` (absent dimensions are empty)."""
        ds = self.load_dataset(run_id)
        record = self.get_run(run_id)
        parts = []
        for name in ds.data_vars:
            da = ds[name]
            part = (da.to_series().rename("value").reset_index() if da.ndim
                    else pd.DataFrame({"value": [float(da.values)]}))
            part.insert(0, "variable", str(name))
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["variable", "value"])
        for d in DIMS:
            if d not in frame.columns:
                frame[d] = None
        frame.insert(0, "run_id", record["run_id"])
        frame = frame[["run_id", "variable", *DIMS, "value"]]
        frame["year"] = frame["year"].astype("Int64")
        frame["quantile"] = frame["quantile"].astype(float)
        frame["value"] = frame["value"].astype(float)
        for d in ("label", "partner", "component"):
            frame[d] = frame[d].astype("string")
        frame.attrs["provenance"] = {**(record.get("provenance") or {}),
                                     "run_id": record["run_id"],
                                     "scenario_name": record["scenario_name"]}
        return frame

    def export_run(self, run_id: str, path: str | os.PathLike[str],
                   fmt: str | None = None) -> int:
        """Write a complete run's summaries to ``path`` atomically and return the rows written.

        ``fmt``: csv, json or parquet (the tidy long table of :meth:`summary_frame`, with the
        provenance as elsewhere), or netcdf (the Dataset; only if a netCDF backend is
        installed). Default: from the file's extension.
        """
        from realpolitik.interfaces.output import atomic_write, write_frame

        path = Path(path).expanduser()
        fmt = _export_format(fmt, path)
        if fmt == "netcdf":
            engine = netcdf_engine()
            if engine is None:
                raise InputError("netCDF export needs netCDF4, h5netcdf or scipy",
                                 "install one of them, or export csv, json or parquet")
            ds = self.load_dataset(run_id)

            def _nc(tmp: Path) -> None:
                ds.to_netcdf(tmp, engine=engine)  # type: ignore[call-overload]

            atomic_write(path, _nc)
            return int(sum(ds[v].size for v in ds.data_vars))
        frame = self.summary_frame(run_id)
        write_frame(frame, path, fmt)
        return len(frame)


class _EmptyStore(Exception):
    """Raised inside a read when the store file is a fresh DuckDB without tables."""


def _maybe_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _export_format(fmt: str | None, path: Path) -> str:
    if fmt is not None:
        fmt = fmt.lower()
        if fmt in ("nc", "netcdf4"):
            fmt = "netcdf"
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"unknown export format {fmt!r}",
                             "use one of " + ", ".join(EXPORT_FORMATS))
        return fmt
    ext = path.suffix.lower()
    if ext not in _EXPORT_EXT:
        raise InputError(f"cannot tell the format of {path.name!r} from its extension",
                         "use .csv, .json, .parquet or .nc, or give --format")
    return _EXPORT_EXT[ext]


def _match_id(query: str, ids: list[str], store: Path) -> str:
    """An exact id or a unique prefix (≥ 4 characters); else InputError with the closest."""
    query = str(query).strip()
    if query in ids:
        return query
    if len(query) >= 4:
        hits = [i for i in ids if i.startswith(query)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise InputError(f"run id prefix {query!r} matches {len(hits)} runs",
                             "give more characters: " + ", ".join(hits[:5]))
    close = difflib.get_close_matches(query, ids, n=3, cutoff=0.3)
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif ids:
        hint = "recent runs: " + ", ".join(ids[:3]) + "; see `realpolitik runs list`"
    else:
        hint = f"the store {store} has no runs yet"
    raise InputError(f"unknown run {query!r}", hint)
