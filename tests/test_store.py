"""The results store: round trips, CLI, chunk checkpoints, kills, concurrent writers, bad files."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from realpolitik.errors import DataIntegrityError, InputError
from realpolitik.interfaces.runs_cli import runs_app
from realpolitik.models.labels import LABELS
from realpolitik.store import ResultsStore, default_store_path, netcdf_engine
from realpolitik.store.duck import EXTRA_TABLE, SUMMARY_TABLES

TESTS = Path(__file__).resolve().parent
COMPONENTS = ["macro", "arctic", "central_asia", "total"]
QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]


def synthetic(seed: int = 42, name: str = "status_quo", t0: int = 2022,
              horizon: int = 18) -> xr.Dataset:
    """A Dataset with exactly the engine's shape (dims, variables, attrs)."""
    rng = np.random.default_rng(seed)
    years = np.arange(t0, t0 + horizon + 1)
    ny = len(years)
    first_year = np.where(rng.random(6) < 0.4, np.nan, rng.uniform(t0, t0 + horizon, 6))
    first_year[0] = np.nan  # at least one label never entered

    def fan() -> np.ndarray:
        return np.sort(rng.normal(size=(ny, len(QUANTILES))), axis=1)

    provenance = {"package": "realpolitik", "version": "0.1.0", "data": {"nmc": "7.0"},
                  "config": {"name": name, "t0": t0}, "seed": seed}
    return xr.Dataset(
        {
            "probability": (("year", "label"), rng.dirichlet(np.ones(6), size=ny)),
            "rg_quantile": (("year", "quantile"), fan()),
            "ar_quantile": (("year", "quantile"), fan()),
            "beaufre_quantile": (("year", "quantile"), fan()),
            "rg_mean": (("year",), rng.normal(size=ny)),
            "ar_mean": (("year",), rng.normal(size=ny)),
            "leeway_mean": (("year", "partner", "component"),
                            rng.normal(size=(ny, 2, len(COMPONENTS)))),
            "cohesion_mean": (("year",), rng.random(ny)),
            "first_entry_probability": (("label",), rng.random(6)),
            "first_entry_expected_year": (("label",), first_year),
        },
        coords={"year": years, "label": list(LABELS), "quantile": QUANTILES,
                "partner": ["A", "B"], "component": COMPONENTS},
        attrs={"provenance": json.dumps(provenance), "scenario_name": name,
               "n_trajectories": 1000, "seed": seed, "t0": t0, "horizon": t0 + horizon},
    )


def expected_rows(ds: xr.Dataset) -> dict[str, int]:
    ny = ds.sizes["year"]
    return {"summary_yearly": ny, "summary_label": ny * 6, "summary_quantile": ny * 5,
            "summary_leeway": ny * 2 * len(COMPONENTS), "summary_first_entry": 6}


def row_counts(path: Path, run_id: str) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t} WHERE run_id = ?",
                               [run_id]).fetchone()[0]  # type: ignore[index]
                for t in (*SUMMARY_TABLES, EXTRA_TABLE)}
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> ResultsStore:
    return ResultsStore(tmp_path / "results.duckdb", timeout=10)


def complete_run(store: ResultsStore, seed: int = 42, name: str = "status_quo") -> str:
    run_id = store.begin_run({"scenario_name": name, "seed": seed, "config": {"name": name},
                              "data": {"nmc": "7.0"}, "n_trajectories": 1000})
    store.write_summary(run_id, synthetic(seed, name), timings={"simulate": 0.5})
    return run_id


# --------------------------------------------------------------------------------------------
def test_round_trip_is_identical(store: ResultsStore) -> None:
    ds = synthetic()
    run_id = complete_run(store)
    back = store.load_dataset(run_id)
    xr.testing.assert_identical(back, ds)
    assert list(back.data_vars) == list(ds.data_vars)
    assert list(back["component"].values) == COMPONENTS  # order kept, not sorted
    assert np.isnan(back["first_entry_expected_year"].sel(label="hedging").item())
    assert json.loads(back.attrs["provenance"])["seed"] == 42
    assert row_counts(store.path, run_id) == {**expected_rows(ds), EXTRA_TABLE: 0}


def test_round_trip_of_extra_and_missing_variables(store: ResultsStore) -> None:
    ds = synthetic().drop_vars(["beaufre_quantile", "cohesion_mean"])
    ds["entered"] = ds["first_entry_probability"] > 0.5  # bool, not a known table's variable
    ds["leeway_q"] = ds["leeway_mean"].expand_dims(quantile=QUANTILES)  # 4 dims → long table
    ds["total_runs"] = xr.DataArray(3.0)  # a scalar
    run_id = store.begin_run({"seed": 42})
    store.write_summary(run_id, ds)
    xr.testing.assert_identical(store.load_dataset(run_id), ds)
    # the run's columns of the tables come from the Dataset's attrs when not in the manifest
    record = store.get_run(run_id)
    assert (record["scenario_name"], record["t0"], record["horizon"]) == ("status_quo", 2022, 2040)


def test_write_summary_rejects_bad_datasets(store: ResultsStore) -> None:
    run_id = store.begin_run({"seed": 1})
    with pytest.raises(InputError, match="Dataset"):
        store.write_summary(run_id, pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="dimension"):
        store.write_summary(run_id, xr.Dataset({"x": (("draw",), [1.0])}))
    with pytest.raises(InputError, match="coordinate 'year'"):
        store.write_summary(run_id, synthetic(seed=1).assign_coords(
            year=np.arange(2022, 2041) + 0.5))
    with pytest.raises(InputError, match="seed 42 differs"):
        store.write_summary(run_id, synthetic(seed=42))
    assert store.get_run(run_id)["status"] == "running"
    assert sum(row_counts(store.path, run_id).values()) == 0


def test_list_show_export_delete(store: ResultsStore, tmp_path: Path) -> None:
    assert store.list_runs().empty and not store.path.exists()  # reading creates nothing
    a = complete_run(store, 1, "containment")
    b = store.begin_run({"scenario_name": "detente", "seed": 2})
    runs = store.list_runs()
    assert list(runs["run_id"]) == [b, a]  # newest first
    assert list(runs["status"]) == ["running", "complete"]
    assert runs["seed"].tolist() == [2, 1]

    rec = store.get_run(a[:6])  # a unique prefix is enough
    assert rec["run_id"] == a and rec["status"] == "complete"
    assert rec["config"] == {"name": "containment"} and rec["data_versions"] == {"nmc": "7.0"}
    assert rec["timings"]["simulate"] == 0.5 and rec["timings"]["elapsed_s"] >= 0
    assert rec["pid"] == os.getpid()

    long = store.summary_frame(a)
    assert list(long.columns) == ["run_id", "variable", "year", "label", "quantile", "partner",
                                  "component", "value"]
    assert len(long) == sum(v.size for v in synthetic().data_vars.values())
    for ext in ("csv", "json", "parquet"):
        out = tmp_path / f"run.{ext}"
        assert store.export_run(a, out) == len(long)
    back = pd.read_parquet(tmp_path / "run.parquet")
    p = back[(back["variable"] == "probability") & (back["year"] == 2030)]
    assert p["value"].sum() == pytest.approx(1.0)
    payload = json.loads((tmp_path / "run.json").read_text())
    assert payload["provenance"]["run_id"] == a and len(payload["rows"]) == len(long)
    assert (tmp_path / "run.csv.provenance.json").exists()
    if netcdf_engine() is not None:
        store.export_run(a, tmp_path / "run.nc")
        with xr.open_dataset(tmp_path / "run.nc") as nc:
            np.testing.assert_allclose(nc["probability"].values,
                                       synthetic(1, "containment")["probability"].values)
    with pytest.raises(InputError, match="running and has no results"):
        store.export_run(b, tmp_path / "b.csv")
    assert not (tmp_path / "b.csv").exists()
    with pytest.raises(InputError, match="format"):
        store.export_run(a, tmp_path / "run.xlsx")

    with pytest.raises(InputError, match="still running"):
        store.delete_run(b)
    store.delete_run(b, force=True)
    store.delete_run(a)
    assert store.list_runs().empty
    assert sum(row_counts(store.path, a).values()) == 0


def test_unknown_run_lists_the_closest(store: ResultsStore) -> None:
    a = complete_run(store)
    with pytest.raises(InputError) as info:
        store.get_run(a[:-1] + ("0" if a[-1] != "0" else "1"))
    assert a in str(info.value.hint)
    with pytest.raises(InputError, match="unknown run"):
        store.delete_run("nope")
    empty = ResultsStore(store.path.with_name("empty.duckdb"))
    with pytest.raises(InputError, match="no runs yet"):
        empty.load_dataset("abcd")


def test_chunk_commits_are_idempotent(store: ResultsStore) -> None:
    run_id = store.begin_run({"scenario_name": "sweep", "seed": 3})
    frame = pd.DataFrame({"x": [1.0, 2.0], "label": ["hedging", "buck_passing"]})
    assert store.completed_chunks(run_id) == set()
    assert store.commit_chunk(run_id, "grid/0", frame, stats=frame.head(1)) is True
    assert store.commit_chunk(run_id, "grid/0", frame.iloc[:0]) is False  # no-op, first wins
    assert store.commit_chunk(run_id, "grid/1", frame) is True
    assert store.completed_chunks(run_id) == {"grid/0", "grid/1"}
    frames = store.load_chunk(run_id, "grid/0")
    assert list(frames) == ["0", "stats"]
    pd.testing.assert_frame_equal(frames["0"], frame)
    assert store.get_run(run_id)["chunks"] == 2
    store.write_summary(run_id, synthetic(seed=3))
    with pytest.raises(InputError, match="complete; cannot commit"):
        store.commit_chunk(run_id, "grid/2", frame)
    with pytest.raises(InputError, match="chunk key"):
        store.commit_chunk(run_id, "", frame)


def test_batched_chunk_commits(store: ResultsStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from realpolitik.store import chunk_payload

    run_id = store.begin_run({"scenario_name": "batch", "seed": 6})
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    assert store.commit_chunks(run_id, []) == []
    assert store.commit_chunk(run_id, "b/0", x=frame) is True
    # already-held keys and a key repeated inside the batch are stored once; bytes made
    # elsewhere (chunk_payload) and frames mix
    got = store.commit_chunks(run_id, [("b/0", {"x": frame}), ("b/1", chunk_payload({"x": frame})),
                                       ("b/2", {"x": frame.head(1)}), ("b/1", {"x": frame})])
    assert got == [False, True, True, False]
    assert store.completed_chunks(run_id) == {"b/0", "b/1", "b/2"}
    pd.testing.assert_frame_equal(store.load_chunk(run_id, "b/1")["x"], frame)
    # a failure inside the transaction rolls the whole batch back
    real = duckdb.DuckDBPyConnection.executemany

    def boom(self: duckdb.DuckDBPyConnection, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(duckdb.DuckDBPyConnection, "executemany", boom)
    with pytest.raises(KeyboardInterrupt):
        store.commit_chunks(run_id, [("b/3", {"x": frame}), ("b/4", {"x": frame})])
    monkeypatch.setattr(duckdb.DuckDBPyConnection, "executemany", real)
    assert store.completed_chunks(run_id) == {"b/0", "b/1", "b/2"}
    with pytest.raises(InputError, match="chunk key"):
        store.commit_chunks(run_id, [("b/5", {"x": frame}), ("", {"x": frame})])
    with pytest.raises(InputError, match="dict of DataFrames"):
        store.commit_chunks(run_id, [("b/5", frame)])  # type: ignore[list-item]
    assert store.completed_chunks(run_id) == {"b/0", "b/1", "b/2"}


def test_threads_committing_the_same_chunks(store: ResultsStore) -> None:
    run_id = store.begin_run({"scenario_name": "threads", "seed": 4})
    barrier = threading.Barrier(3)
    won: list[str] = []

    def work() -> None:
        for i in range(6):
            barrier.wait(30)
            if store.commit_chunk(run_id, f"k{i}", pd.DataFrame({"x": [float(i)]})):
                won.append(f"k{i}")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(won) == [f"k{i}" for i in range(6)]  # each key committed exactly once
    assert store.completed_chunks(run_id) == set(won)


def test_trajectories_go_next_to_the_db(store: ResultsStore) -> None:
    run_id = store.begin_run({"seed": 5})
    frame = pd.DataFrame({"traj": [0, 0, 1], "year": [2022, 2023, 2022], "rg": [0.0, 0.1, 0.0]})
    path = store.write_trajectories(run_id, frame, part="chunk-0")
    assert path == store.path.parent / "trajectories" / run_id / "chunk-0.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
    assert store.trajectory_files(run_id) == [path]
    assert not list(path.parent.glob("*.tmp"))
    with pytest.raises(InputError, match="part name"):
        store.write_trajectories(run_id, frame, part="../escape")
    store.delete_run(run_id, force=True)
    assert not path.parent.exists()


def test_failure_inside_the_transaction_leaves_no_rows(
    store: ResultsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = store.begin_run({"seed": 42})

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ResultsStore, "_mark_complete", boom)
    with pytest.raises(KeyboardInterrupt):
        store.write_summary(run_id, synthetic())
    assert sum(row_counts(store.path, run_id).values()) == 0
    monkeypatch.undo()
    store.write_summary(run_id, synthetic())  # the run is still writable afterwards
    assert store.get_run(run_id)["status"] == "complete"


def test_recording_marks_a_ctrl_c_as_failed(store: ResultsStore) -> None:
    with pytest.raises(KeyboardInterrupt), store.recording({"seed": 9}) as run_id:
        raise KeyboardInterrupt
    rec = store.get_run(run_id)
    assert rec["status"] == "failed" and "KeyboardInterrupt" in rec["error"]
    store.fail_run(run_id, "again")  # failing a failed run is allowed
    resumed = store.resume_run(run_id)
    assert resumed["status"] == "running" and resumed["error"] is None


# --------------------------------------------------------------------------------------------
_KILLED_WRITER = """
import sys, time
sys.path.insert(0, {tests!r})
import pandas as pd
from test_store import synthetic
from realpolitik.store import ResultsStore

store = ResultsStore({path!r})
run_id = store.begin_run({{"scenario_name": "killed", "seed": 42}})
store.commit_chunk(run_id, "c0", pd.DataFrame({{"x": [1, 2, 3]}}))

def hang(self, *args, **kwargs):
    print(run_id, flush=True)  # the summary rows are inserted, the transaction is open
    time.sleep(120)

ResultsStore._mark_complete = hang
store.write_summary(run_id, synthetic())
"""


def test_a_writer_killed_mid_transaction_leaves_no_summary(tmp_path: Path) -> None:
    path = tmp_path / "results.duckdb"
    code = _KILLED_WRITER.format(tests=str(TESTS), path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        run_id = proc.stdout.readline().strip()
        assert len(run_id) == 12, "the writer did not reach the transaction"
        store = ResultsStore(path, timeout=0.2)
        with pytest.raises(DataIntegrityError, match=rf"in use by another process \(pid "
                                                     rf"{proc.pid}\)"):
            store.list_runs()  # the writer holds the file: a clear message, no waiting forever
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    store = ResultsStore(path, timeout=10)
    runs = store.list_runs()
    assert runs.loc[runs["run_id"] == run_id, "status"].item() == "interrupted"
    assert sum(row_counts(path, run_id).values()) == 0
    assert store.completed_chunks(run_id) == {"c0"}  # committed before the kill: kept
    with pytest.raises(InputError, match="interrupted and has no results"):
        store.load_dataset(run_id)
    # a killed sweep resumes: another (younger) process takes the run over and owns it …
    resumer = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from realpolitik.store import ResultsStore; "
         "ResultsStore(sys.argv[1]).resume_run(sys.argv[2]); print('ok', flush=True); "
         "time.sleep(60)", str(path), run_id], stdout=subprocess.PIPE, text=True)
    try:
        assert resumer.stdout is not None and resumer.stdout.readline().strip() == "ok"
        rec = store.get_run(run_id)
        assert (rec["status"], rec["pid"]) == ("running", resumer.pid)
        with pytest.raises(InputError, match="still running"):
            store.delete_run(run_id)
    finally:
        resumer.kill()
        resumer.wait()
    assert store.get_run(run_id)["status"] == "interrupted"
    # … and this one finishes it, skipping the chunk already done
    store.resume_run(run_id)
    assert store.commit_chunk(run_id, "c0", pd.DataFrame()) is False
    store.write_summary(run_id, synthetic())
    xr.testing.assert_identical(store.load_dataset(run_id), synthetic())


_BUSY_WRITER = """
import sys
sys.path.insert(0, {tests!r})
from test_store import synthetic
from realpolitik.store import ResultsStore

store = ResultsStore({path!r})
for i in range(10_000):
    run_id = store.begin_run({{"scenario_name": "loop", "seed": i}})
    store.commit_chunk(run_id, "c0", synthetic(i).to_dataframe().reset_index().head(50))
    store.write_summary(run_id, synthetic(i))
    print(i, flush=True)
"""


def test_a_writer_killed_at_a_random_moment_leaves_a_consistent_store(tmp_path: Path) -> None:
    path = tmp_path / "results.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", _BUSY_WRITER.format(tests=str(TESTS),
                                                                        path=str(path))],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one run done
        time.sleep(0.37)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    store = ResultsStore(path, timeout=10)
    runs = store.list_runs()
    assert set(runs["status"]) <= {"complete", "interrupted"}
    assert (runs["status"] == "complete").sum() >= 1
    for rec in runs.to_dict("records"):
        counts = row_counts(path, rec["run_id"])
        if rec["status"] == "complete":
            ds = synthetic(int(rec["seed"]))
            assert counts == {**expected_rows(ds), EXTRA_TABLE: 0}
            xr.testing.assert_identical(store.load_dataset(rec["run_id"]), ds)
        else:
            assert sum(counts.values()) == 0


def _writer(path: str, tag: str, n: int, barrier: object, queue: object) -> None:
    """One of several processes writing to the same store (run under spawn)."""
    store = ResultsStore(path, timeout=25)
    out = []
    barrier.wait(60)  # type: ignore[attr-defined]  # start together
    start = time.time()
    for i in range(n):
        seed = 100 * (tag == "b") + i
        try:
            run_id = store.begin_run({"scenario_name": f"{tag}{i}", "seed": seed})
            for c in range(2):
                store.commit_chunk(run_id, f"c{c}", pd.DataFrame({"x": np.arange(200.0)}))
            store.write_summary(run_id, synthetic(seed, f"{tag}{i}"))
            out.append(("ok", run_id, seed))
        except DataIntegrityError as exc:  # allowed, if it says why
            out.append(("busy", str(exc), seed))
    queue.put((out, start, time.time()))  # type: ignore[attr-defined]


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "results.duckdb"
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(path), tag, 3, barrier, queue))
             for tag in "ab"]
    for p in procs:
        p.start()
    reports = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    starts, ends = [r[1] for r in reports], [r[2] for r in reports]
    assert max(starts) < min(ends), "the two writers did not overlap"
    results = [r for rep in reports for r in rep[0]]
    busy = [r for r in results if r[0] == "busy"]
    assert all("in use by another process" in r[1] for r in busy)
    done = [r for r in results if r[0] == "ok"]
    assert len(done) == 6  # with a generous timeout both processes get all their turns
    store = ResultsStore(path)
    runs = store.list_runs()
    assert set(runs["run_id"]) == {r[1] for r in done}
    assert set(runs["status"]) == {"complete"}
    for _, run_id, seed in done:
        ds = synthetic(seed, store.get_run(run_id)["scenario_name"])
        assert row_counts(path, run_id) == {**expected_rows(ds), EXTRA_TABLE: 0}
        assert store.completed_chunks(run_id) == {"c0", "c1"}
        xr.testing.assert_identical(store.load_dataset(run_id), ds)


def test_a_locked_store_fails_clearly_and_changes_nothing(store: ResultsStore) -> None:
    complete_run(store)
    before = store.list_runs()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(60)", str(store.path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        busy = ResultsStore(store.path, timeout=0.5)
        t = time.monotonic()
        with pytest.raises(DataIntegrityError) as info:
            busy.begin_run({"seed": 1})
        assert 0.4 < time.monotonic() - t < 5  # retried for the timeout, then gave up
        assert f"in use by another process (pid {holder.pid})" in str(info.value)
        assert str(store.path) in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    pd.testing.assert_frame_equal(store.list_runs(), before)


# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", ["random", "text", "empty", "sqlite-like"])
def test_a_file_that_is_not_a_store_is_refused_and_kept(tmp_path: Path, content: str) -> None:
    path = tmp_path / "results.duckdb"
    data = {"random": np.random.default_rng(0).bytes(5000), "text": b"run,seed\nabc,42\n" * 50,
            "empty": b"", "sqlite-like": b"SQLite format 3\x00" + bytes(4080)}[content]
    path.write_bytes(data)
    for action in (lambda: ResultsStore(path), lambda: ResultsStore(path).list_runs()):
        with pytest.raises(DataIntegrityError) as info:
            action()
        assert str(path) in str(info.value) and "--store" in str(info.value)
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.duckdb"]


def test_a_foreign_duckdb_database_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE runs (id INTEGER)")
    con.execute("INSERT INTO runs VALUES (1)")
    con.close()
    digest = sha(path)
    store = ResultsStore(path)
    for action in (store.list_runs, lambda: store.begin_run({"seed": 1})):
        with pytest.raises(DataIntegrityError, match="another program"):
            action()
    assert sha(path) == digest
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT * FROM runs").fetchall() == [(1,)]
    con.close()


def test_a_newer_schema_is_refused(store: ResultsStore) -> None:
    complete_run(store)
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE schema_version SET version = 99")
    con.close()
    with pytest.raises(DataIntegrityError, match="newer"):
        store.list_runs()


def test_the_environment_variable_moves_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere" / "mine.duckdb"
    monkeypatch.setenv("REALPOLITIK_STORE", str(target))
    assert default_store_path() == target
    (tmp_path / "elsewhere").mkdir()
    store = ResultsStore()
    assert store.path == target
    complete_run(store)
    assert target.exists()
    monkeypatch.delenv("REALPOLITIK_STORE")
    assert default_store_path().name == "results.duckdb"
    assert default_store_path() != target
    monkeypatch.setenv("REALPOLITIK_STORE_TIMEOUT", "soon")
    with pytest.raises(InputError, match="REALPOLITIK_STORE_TIMEOUT"):
        ResultsStore(target)


def test_an_explicit_store_in_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "typo" / "results.duckdb")
    with pytest.raises(InputError, match="does not exist"):
        store.begin_run({"seed": 1})
    assert not (tmp_path / "typo").exists()
    with pytest.raises(InputError, match="folder"):
        ResultsStore(tmp_path)


# --------------------------------------------------------------------------------------------
@pytest.fixture
def cli_main(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The real entry point with `runs` mounted (as cli.py does, if it does not already)."""
    import typer

    from realpolitik.interfaces import cli

    groups = list(cli.app.registered_groups)
    if not any(g.name == "runs" for g in groups):
        monkeypatch.setattr(cli.app, "registered_groups",
                            [*groups, typer.models.TyperInfo(runs_app, name="runs")])
    yield cli.main


def test_cli_runs_commands(store: ResultsStore, tmp_path: Path) -> None:
    runner = CliRunner()
    a = complete_run(store, 7, "containment")
    st = ["--store", str(store.path)]
    res = runner.invoke(runs_app, ["list", *st])
    assert res.exit_code == 0, res.output
    assert a in res.output and "complete" in res.output
    res = runner.invoke(runs_app, ["list", *st, "--format", "csv"])
    assert pd.read_csv(__import__("io").StringIO(res.output))["run_id"].tolist() == [a]
    res = runner.invoke(runs_app, ["show", a[:5], *st])
    assert res.exit_code == 0 and "containment" in res.output
    assert "Label probability by year" in res.output and "2040" in res.output
    res = runner.invoke(runs_app, ["show", a, *st, "--format", "json"])
    assert json.loads(res.output)["seed"] == 7
    out = tmp_path / "x.parquet"
    res = runner.invoke(runs_app, ["export", a, "--output", str(out), *st])
    assert res.exit_code == 0 and out.exists()
    res = runner.invoke(runs_app, ["delete", a, *st], input="n\n")
    assert res.exit_code != 0 and len(store.list_runs()) == 1
    res = runner.invoke(runs_app, ["delete", a, *st, "--yes"])
    assert res.exit_code == 0 and store.list_runs().empty


def test_cli_errors_are_one_line(
    cli_main: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = cli_main
    store = ResultsStore(tmp_path / "r.duckdb")
    a = complete_run(store)
    assert main(["runs", "show", "zzzz", "--store", str(store.path)]) == 2  # type: ignore[operator]
    err = capsys.readouterr().err
    assert "unknown run 'zzzz'" in err and "Traceback" not in err
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n")
    assert main(["runs", "list", "--store", str(bad)]) == 2  # type: ignore[operator]
    assert "not a DuckDB database" in capsys.readouterr().err
    assert bad.read_text() == "not a database\n"
    assert main(["runs", "export", a, "-o", str(tmp_path / "x.csv"),  # type: ignore[operator]
                 "--store", str(store.path)]) == 0
    assert main(["runs", "list", "--store", str(store.path)]) == 0  # type: ignore[operator]
    assert a in capsys.readouterr().out


def test_a_store_being_created_by_another_process_is_waited_for(tmp_path: Path) -> None:
    """Another process may have created the file but not yet written DuckDB's header: an empty
    or zero-filled file is read again for a moment, not called foreign at once (a race three
    processes starting a sweep on a fresh store hit)."""
    path = tmp_path / "r.duckdb"
    made = tmp_path / "elsewhere" / "r.duckdb"
    made.parent.mkdir()
    ResultsStore(made).begin_run({"scenario_name": "made elsewhere"})
    path.write_bytes(b"")  # what a creating process leaves for a moment
    ready = threading.Event()

    def create() -> None:  # the header appears 0.3 s later
        time.sleep(0.3)
        os.replace(made, path)
        ready.set()

    t = threading.Thread(target=create)
    t.start()
    try:
        store = ResultsStore(path)  # waits for the header instead of refusing the file
        t.join(30)
        assert ready.is_set()
        assert list(store.list_runs()["scenario_name"]) == ["made elsewhere"]
    finally:
        t.join(30)


@pytest.mark.parametrize("content", [b"", b"\0" * 4096, b"DUC"])
def test_an_empty_or_zeroed_file_is_refused_after_the_wait(tmp_path: Path,
                                                            content: bytes) -> None:
    path = tmp_path / "r.duckdb"
    path.write_bytes(content)
    with pytest.raises(DataIntegrityError, match="not a DuckDB database"):
        ResultsStore(path, timeout=0.1)
    assert path.read_bytes() == content  # left unchanged
