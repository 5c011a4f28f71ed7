"""Sweeps: spec validation, expansion, bit-identical results, checkpoints, resume and faults.

Every Dask cluster here starts and stops inside its test, on 127.0.0.1, with bounded waits;
subprocesses are killed in ``finally`` blocks. Nothing asserts on speed.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik.errors import InputError
from realpolitik.interfaces.cli import main
from realpolitik.models.labels import LABELS
from realpolitik.simulate.engine import Accumulator, block_lengths, simulate
from realpolitik.simulate.resolve import resolve
from realpolitik.simulate.scenario import BLOCK, load_preset
from realpolitik.simulate.sweep import (
    SweepItem,
    chunk_files_dir,
    expand,
    expand_spec,
    frames_to_partial,
    load_chunk_frames,
    load_spec,
    parse_spec,
    partial_frames,
    plan_sweep,
    run_chunk,
    run_sweep,
    scenario_hash,
    sweep_dataset,
    sweep_results,
)
from realpolitik.store import ResultsStore

# a small sweep: 3 × 2 scenarios, 5 blocks each (the last one short), horizon 2030
SMALL = {"name": "small", "base": "status-quo", "trajectories": 4 * BLOCK + 300, "seed": 17,
         "years": [2026], "grid": {"growth.B.drift": [-0.02, 0.0, 0.02],
                                   "adversary_policy.gain": [0.5, 1.5]},
         "chunk_size": BLOCK}
SHORT = {"horizon": 2030}
PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[1]


def small_spec(**changes: Any) -> Any:
    return parse_spec({**SMALL, **changes})


def write_spec(path: Path, data: dict[str, Any]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def short_base(tmp_path: Path) -> str:
    """A scenario file: status-quo with horizon 2030 (fewer years, faster tests)."""
    import yaml

    data = load_preset("status-quo").to_dict()
    data.update(SHORT)
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def expected_keys(spec: Any) -> set[str]:
    return {t.key for t in plan_sweep(expand_spec(spec).items, BLOCK)}


def all_frames(result: Any) -> dict[str, pd.DataFrame]:
    """A computed chunk's frames: the store's and the files'."""
    return {**result.frames, **{k: pd.read_parquet(io.BytesIO(v))
                                for k, v in result.files.items()}}


def assert_same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=True)


# ---------------------------------------------------------------------------------------------
# The spec
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "words"), [
    ({"base": "status-quo", "gird": {"t0": [2010]}}, ["unknown key 'gird'", "grid"]),
    ({"growth.B.drift": [0.1]}, ["unknown key 'growth.B.drift'", "under grid:"]),
    ({"grid": {"growth.B.drif": [0.1]}}, ["grid['growth.B.drif']", "drift"]),
    ({"grid": {"growth.B.drift": [0.9]}}, ["grid['growth.B.drift'] value 0.9", "0.5"]),
    ({"grid": {"growth.B.drift": []}}, ["growth.B.drift", "no values"]),
    ({"grid": {"growth.B.drift": [0.1, 0.1]}}, ["repeats a value"]),
    ({"grid": {}}, ["grid", "empty"]),
    ({"grid": {"t0": [2010]}, "scenarios": [{}]}, ["exactly one of", "grid, scenarios"]),
    ({"base": "status-quo"}, ["exactly one of grid, scenarios or triads"]),
    ({"scenarios": [{"seed": 1}, 3]}, ["scenarios.1", "dictionary"]),
    ({"scenarios": [{"adversary_policy.gian": 1}]}, ["scenarios[0]", "gian", "gain"]),
    ({"scenarios": [{"name": "a"}, {"name": "a", "seed": 2}]}, ["labelled 'a'"]),
    ({"scenarios": [{"seed": 3}, {"seed": 3, "trajectories": 100000}]}, ["same scenario"]),
    ({"scenarios": [{"base": "status-qo"}]}, ["base = 'status-qo'", "status-quo"]),
    ({"chunk_size": 3000, "scenarios": [{}]}, ["chunk_size", "multiple of 1024"]),
    ({"trajectories": True, "scenarios": [{}]}, ["trajectories", "not true"]),
    ({"years": [1700], "scenarios": [{}]}, ["years", "1816"]),
    ({"triads": "2022-2002"}, ["FROM:TO"]),
    ({"triads": "2022:2002"}, ["FROM must come before TO"]),
    ({"triads": "2021:2022"}, ["growth.window", "3 years apart"]),
    ([1, 2], ["a sweep spec is a mapping"]),
])
def test_spec_errors_name_the_key(data: Any, words: list[str]) -> None:
    with pytest.raises(InputError) as err:
        spec = parse_spec(data)
        expand_spec(spec)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_spec_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("base: status-quo\ngrid:\n  growth.B.drift: [0.1\n")
    with pytest.raises(InputError, match=r"bad\.yaml is not valid YAML"):
        load_spec(bad)
    bad.write_text("base: status-quo\ngrid: {adversary_policy.lag: [9]}\n")
    with pytest.raises(InputError, match=r"bad\.yaml: grid\['adversary_policy.lag'\] value 9"):
        expand_spec(load_spec(bad))
    with pytest.raises(InputError, match="no sweep spec file"):
        load_spec(tmp_path / "missing.yaml")


def test_grid_is_a_full_factorial_in_key_order(tmp_path: Path) -> None:
    spec = parse_spec({"base": "status-quo", "trajectories": 2048, "seed": 5,
                       "grid": {"base": ["status-quo", "containment"],
                                "growth.B.drift": [-0.01, 0.01],
                                "adversary_policy.gain": [0, 1, 2]}})
    items = expand(spec)
    assert len(items) == 2 * 2 * 3
    assert items[0][0] == "base=status-quo, growth.B.drift=-0.01, adversary_policy.gain=0"
    assert items[1][0].endswith("adversary_policy.gain=1")  # the last key varies fastest
    assert items[-1][0] == "base=containment, growth.B.drift=0.01, adversary_policy.gain=2"
    for label, sc in items:
        assert sc.trajectories == 2048 and sc.seed == 5
        assert sc.name == label.split(",")[0].removeprefix("base=")
    drifts = [sc.growth.B.drift for _, sc in items]
    assert drifts[:6] == [-0.01] * 3 + [0.01] * 3


def test_scenario_list_labels_bases_and_seeds(tmp_path: Path) -> None:
    path = write_spec(tmp_path / "list.yaml", {
        "base": "short.yaml", "seed": 9, "trajectories": 1024,
        "scenarios": [{}, {"name": "hard-line", "adversary_policy.gain": 3.0},
                      {"base": "containment", "seed": 4}]})
    short_base(tmp_path)
    spec = load_spec(path)
    assert spec.name == "list"
    exp = expand_spec(spec)
    labels = [it.label for it in exp.items]
    assert labels == ["base", "hard-line", "base=containment, seed=4"]
    first, second, third = (it.scenario for it in exp.items)
    assert first.horizon == 2030 and first.seed == 9  # the spec's seed
    assert second.name == "hard-line" and second.adversary_policy.gain == 3.0
    assert third.name == "containment" and third.seed == 4  # the scenario's own seed wins
    assert len({it.hash for it in exp.items}) == 3


def test_expand_warns_of_skipped_triads(monkeypatch: pytest.MonkeyPatch) -> None:
    import realpolitik.simulate.sweep as sweep_mod

    spec = parse_spec({"base": "status-quo", "scenarios": [{}]})
    real = sweep_mod.expand_spec(spec)
    fake = sweep_mod.Expansion(real.items, [{"label": "X/Y vs Z", "overrides": {},
                                             "reason": "no data"}], real.bases)
    monkeypatch.setattr(sweep_mod, "expand_spec", lambda spec: fake)
    with pytest.warns(UserWarning, match=r"1 triad\(s\) skipped .*X/Y vs Z \(no data\)"):
        assert len(expand(spec)) == 1


# ---------------------------------------------------------------------------------------------
# Chunks and plans
# ---------------------------------------------------------------------------------------------
def test_chunk_frames_round_trip_bit_for_bit() -> None:
    sc = load_preset("containment").with_overrides({**SHORT, "trajectories": 3 * BLOCK + 5})
    task = plan_sweep([SweepItem("x", "b", {}, sc, scenario_hash(sc))], 2 * BLOCK)[1]
    assert task.key.endswith(":2-4") and (task.block0, task.block1) == (2, 4)
    result = run_chunk(task)
    assert set(result.frames) == {"meta", "labels"} and set(result.files) == {"hist", "sums"}
    from realpolitik.simulate.engine import simulate_blocks

    part = simulate_blocks(resolve(sc), sc.seed, sc.trajectories, 2, 4)
    frames = all_frames(result)
    back = frames_to_partial(frames)
    assert (back.block0, back.block1, back.n) == (part.block0, part.block1, part.n)
    for a, b in [(back.label_counts, part.label_counts), (back.entry_counts, part.entry_counts),
                 *[(back.hist[k], part.hist[k]) for k in part.hist],
                 *[(back.sums[k], part.sums[k]) for k in part.sums]]:
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    again = partial_frames(back, resolve(sc), sc.seed, sc.trajectories)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, again[name], check_exact=True)


def _same(a: Any, b: Any, where: str) -> None:
    import dataclasses

    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), where
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif hasattr(a, "__dict__") and not hasattr(a, "model_dump"):
        _same(vars(a), vars(b), where)
    else:
        assert a == b, (where, a, b)


@pytest.mark.parametrize("overrides", [
    {},
    {"growth.B.drift": -0.02, "adversary_policy.gain": 2.5},
    {"growth.A.volatility": 0.01, "growth.C.drift": 0.0, "cohesion.rate": 0.5},
    {"adversary_policy.path": {2030: 0.4}, "adversary_policy.mode": "path"},
    {"region_map.a_S": 0.3, "leeway.sigma0": 2.0, "adversary_policy.front_B": -0.5},
    {"seed": 3, "trajectories": 5000, "quantiles": [0.1, 0.9]},
])
@pytest.mark.parametrize("preset", ["status-quo", "containment"])
def test_resolving_once_per_data_gives_what_resolve_gives(preset: str,
                                                          overrides: dict[str, Any]) -> None:
    from realpolitik.simulate.sweep import resolve_cached

    sc = load_preset(preset).with_overrides(overrides)
    resolve_cached(load_preset(preset).with_overrides({"growth.B.drift": 0.03}))  # the cache
    _same(resolve_cached(sc), resolve(sc), "resolved")


@given(n=st.integers(1, 12 * BLOCK), first=st.integers(1, 5), second=st.integers(1, 5),
       taken=st.lists(st.booleans(), min_size=12, max_size=12))
def test_a_plan_covers_every_block_once(n: int, first: int, second: int,
                                        taken: list[bool]) -> None:
    sc = load_preset("status-quo").with_overrides({"trajectories": n})
    item = SweepItem("x", "b", {}, sc, scenario_hash(sc))
    done = [t.key for t, keep in zip(plan_sweep([item], first * BLOCK), taken, strict=False)
            if keep]
    rest = plan_sweep([item], second * BLOCK, done)  # resumed with another chunk size
    cover = np.zeros(len(block_lengths(n)), dtype=int)
    for key in [*done, *(t.key for t in rest)]:
        b0, b1 = map(int, key.split(":")[1].split("-"))
        cover[b0:b1] += 1
    assert (cover == 1).all()
    assert all(t.block1 - t.block0 <= second for t in rest)


@settings(max_examples=10)
@given(chunk_blocks=st.integers(1, 6), seed=st.integers(0, 2**63 - 1), order=st.randoms())
def test_any_chunking_and_order_gives_the_serial_run(chunk_blocks: int, seed: int,
                                                     order: Any) -> None:
    sc = load_preset("containment").with_overrides(
        {**SHORT, "trajectories": 5 * BLOCK + 77, "seed": seed})
    item = SweepItem("x", "b", {}, sc, scenario_hash(sc))
    tasks = plan_sweep([item], chunk_blocks * BLOCK)
    order.shuffle(tasks)
    r = resolve(sc)
    acc = Accumulator(r, sc.trajectories)
    for task in tasks:
        acc.add(frames_to_partial(all_frames(run_chunk(task))))
    got, ref = acc.dataset(sc.seed), simulate(r, chunk_size=BLOCK, workers=1)
    ref.attrs.pop("timings")
    got.attrs.pop("timings")
    xr.testing.assert_identical(got, ref)


# ---------------------------------------------------------------------------------------------
# Runs: identical bytes, the store layout, resume
# ---------------------------------------------------------------------------------------------
def test_in_process_two_workers_and_chunk_sizes_give_identical_bytes(tmp_path: Path) -> None:
    base = short_base(tmp_path)
    spec = small_spec(base=base)
    ref = run_sweep(spec, tmp_path / "a.duckdb")
    assert (ref.n_chunks, ref.n_computed, ref.n_reused) == (30, 30, 0)
    for chunk in (2 * BLOCK, 8 * BLOCK):
        other = run_sweep(spec, tmp_path / f"c{chunk}.duckdb", chunk_size=chunk)
        assert other.n_chunks == 6 * -(-5 // (chunk // BLOCK))
        assert_same_table(other.table, ref.table)
    dist = run_sweep(spec, tmp_path / "w.duckdb", workers=2, chunk_size=3 * BLOCK)
    assert dist.workers == "2 local worker process(es)"
    assert os.getpid() not in dist.pids and sum(dist.pids.values()) == 12
    assert_same_table(dist.table, ref.table)
    # the stored sweep Datasets are identical too, and so is each scenario's full Dataset
    with ResultsStore(tmp_path / "a.duckdb") as a, ResultsStore(tmp_path / "w.duckdb") as w:
        da, dw = a.load_dataset(ref.run_id), w.load_dataset(dist.run_id)
    for name in da.data_vars:
        assert da[name].values.tobytes() == dw[name].values.tobytes()
    label, sc = expand(spec)[3]
    full = sweep_dataset(tmp_path / "w.duckdb", dist.run_id, label)
    serial = simulate(resolve(sc))
    serial.attrs.pop("timings")
    full.attrs.pop("timings")
    xr.testing.assert_identical(full, serial)
    # the results table: one row per scenario, probabilities at the horizon and 2026
    table = ref.table
    assert list(table["scenario"]) == [name for name, _ in expand(spec)]
    assert (table["status"] == "complete").all()
    np.testing.assert_allclose(table[list(LABELS)].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    h = serial["probability"].sel(year=2030).values
    assert table.loc[3, list(LABELS)].to_numpy(float).tobytes() == h.tobytes()
    assert table.loc[3, [f"{lab}_2026" for lab in LABELS]].to_numpy(float).tobytes() == \
        serial["probability"].sel(year=2026).values.tobytes()


def test_store_layout_and_runs_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = small_spec(base=short_base(tmp_path))
    res = run_sweep(spec, tmp_path / "s.duckdb")
    with ResultsStore(tmp_path / "s.duckdb") as store:
        runs = store.list_runs()
        keys = store.completed_chunks(res.run_id)
        record = store.get_run(res.run_id)
        assert set(store.load_chunk(res.run_id, sorted(keys)[0])) == {"meta", "labels"}
        frames = load_chunk_frames(store, res.run_id, sorted(keys)[0])
        files = sorted(chunk_files_dir(store, res.run_id).iterdir())
    assert len(runs) == 1 and runs.loc[0, "status"] == "complete"
    assert runs.loc[0, "scenario_name"] == "sweep small (6 scenarios)"
    assert runs.loc[0, "chunks"] == 30
    assert keys == expected_keys(spec)
    assert all(len(k.split(":")[0]) == 16 for k in keys)
    cfg = record["config"]
    assert cfg["kind"] == "sweep" and len(cfg["scenarios"]) == 6
    assert {s["hash"][:16] for s in cfg["scenarios"]} == {k.split(":")[0] for k in keys}
    assert set(frames) == {"meta", "labels", "hist", "sums"}
    assert frames["labels"]["count"].dtype == np.int64
    assert len(files) == 2 * 30 and all(f.suffix == ".parquet" for f in files)
    assert_same_table(sweep_results(tmp_path / "s.duckdb", res.run_id), res.table)
    assert main(["runs", "list", "--store", str(tmp_path / "s.duckdb"), "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["scenario_name"] == "sweep small (6 scenarios)" and rows[0]["chunks"] == 30
    with ResultsStore(tmp_path / "s.duckdb") as store:  # deleting the run removes its files
        store.delete_run(res.run_id)
        assert not chunk_files_dir(store, res.run_id).exists()


def test_batched_commits_keep_what_was_received(tmp_path: Path) -> None:
    """Chunks are committed in batches; an interrupt after a batch keeps exactly the chunks
    committed so far, and a resume completes the sweep with the same numbers."""
    spec = small_spec(base=short_base(tmp_path))
    store = tmp_path / "s.duckdb"
    seen: list[int] = []

    def stop_after_8(done: int, total: int) -> None:
        seen.append(done)
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, store, progress=stop_after_8, commit_batch=4)
    assert seen == [0, 4, 8]  # progress moves a batch at a time
    with ResultsStore(store) as st_:
        (rid,) = st_.list_runs()["run_id"]
        assert len(st_.completed_chunks(rid)) == 8
    resumed = run_sweep(None, store, resume_run_id=rid, commit_batch=7)
    assert resumed.n_reused == 8 and resumed.n_computed == resumed.n_chunks - 8
    assert_same_table(resumed.table, run_sweep(spec, tmp_path / "ref.duckdb").table)
    with pytest.raises(InputError, match="commit_batch"):
        run_sweep(spec, store, commit_batch=0)


def test_resume_skips_completed_chunks(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = small_spec(base=short_base(tmp_path))
    store = tmp_path / "s.duckdb"

    def stop_after_7(done: int, total: int) -> None:
        if done == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, store, progress=stop_after_7, commit_batch=1)
    with ResultsStore(store) as st_:
        (rid,) = st_.list_runs()["run_id"]
        record = st_.get_run(rid)
        assert record["status"] == "failed" and "KeyboardInterrupt" in record["error"]
        assert len(st_.completed_chunks(rid)) == 7
    partial = sweep_results(store, rid)  # finished scenarios have numbers already
    assert (partial["status"] == "complete").sum() == 1
    # resume by id, with another chunk size: only the missing blocks are computed
    code = main(["sweep", "--resume", rid[:6], "--store", str(store), "--chunk-size",
                 str(3 * BLOCK), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "computed, 7 reused" in " ".join(err.split())
    rows = json.loads(out)["rows"]
    assert [r["scenario"] for r in rows] == [name for name, _ in expand(spec)]
    # the same spec again: nothing to compute, the same numbers
    again = run_sweep(spec, store)
    assert again.run_id == rid and again.n_computed == 0
    ref = run_sweep(spec, tmp_path / "ref.duckdb")
    assert_same_table(again.table, ref.table)
    for row, (_, rec) in zip(rows, ref.table.iterrows(), strict=True):
        for lab in LABELS:
            assert row[lab] == pytest.approx(rec[lab], rel=0, abs=1e-14)  # JSON: 15 digits
    with ResultsStore(store) as st_:
        keys = st_.completed_chunks(rid)
        assert st_.list_runs().loc[0, "chunks"] == len(keys)
    blocks = sorted((k.split(":")[0], *map(int, k.split(":")[1].split("-"))) for k in keys)
    for h in {b[0] for b in blocks}:  # every block of every scenario exactly once
        cover = np.zeros(5, dtype=int)
        for _, b0, b1 in (b for b in blocks if b[0] == h):
            cover[b0:b1] += 1
        assert (cover == 1).all()


def test_cli_reports_skipped_triads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path / "t.yaml", {"base": "status-quo", "trajectories": 1024,
                                            "seed": 3})
    # the major powers of 1946 are USA, UKG, FRN and RUS; France has no power data for
    # 1944, so a 1943–1946 growth window is too short for every triad with France in it
    code = main(["sweep", str(spec), "--triads", "1943:1946", "--store",
                 str(tmp_path / "s.duckdb"), "-f", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "skipped 9 triad(s)" in err and "FRN" in err
    table = pd.read_csv(io.StringIO(out))
    skipped = table[table["status"] == "skipped"]
    assert len(skipped) == 9 and skipped["scenario"].str.contains("FRN").all()
    assert skipped["note"].str.contains("yearly changes").all()
    done = table[table["status"] == "complete"]
    assert len(done) == 3 and (done["t0"] == 1946).all()
    assert sorted(done["adversary"]) == ["RUS", "UKG", "USA"]
    for tandem, adversary in zip(done["tandem"], done["adversary"], strict=True):
        a, b = tandem.split("-")
        r = resolve(load_preset("status-quo").with_overrides(
            {"tandem": [a, b], "adversary": adversary, "t0": 1946,
             "growth.window": [1943, 1946]}))
        assert r.x0[0] > r.x0[1], tandem  # A stronger than B at t0
    code = main(["sweep", str(spec), "--triads", "2020:2024", "--store",
                 str(tmp_path / "s.duckdb")])
    assert code == 2 and "no scenario to run (105 skipped" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------
def _bounded_thread(target: Any) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = target()
        except BaseException as exc:  # reported by the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def test_a_worker_killed_mid_sweep_costs_only_a_retry(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    # chunks of ~0.1 s each, so that a worker is busy when it is killed
    spec = small_spec(base="status-quo", trajectories=64 * BLOCK, chunk_size=32 * BLOCK)
    store = tmp_path / "s.duckdb"
    killed: dict[str, Any] = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        assert len(pids) == 2

        def kill_one(done: int, total: int) -> None:
            if done >= 3 and not killed:
                busy = {w: keys for w, keys in client.processing().items() if keys}
                addr = next(iter(busy)) if busy else next(iter(pids))
                killed.update(pid=pids[addr], lost=list(busy.get(addr, ())))
                os.kill(pids[addr], signal.SIGKILL)

        thread, box = _bounded_thread(lambda: run_sweep(
            spec, store, scheduler=cluster.scheduler_address, progress=kill_one,
            commit_batch=1))
        thread.join(timeout=75)
        assert not thread.is_alive(), "the sweep did not finish within 75 s"
    assert "error" not in box, box.get("error")
    result = box["result"]
    assert killed["lost"], "the killed worker had no task in flight"
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    assert result.n_computed == result.n_chunks == 12
    with ResultsStore(store) as st_:
        keys = st_.completed_chunks(result.run_id)
        assert st_.list_runs().loc[0, "chunks"] == 12 == len(keys)
        assert st_.get_run(result.run_id)["status"] == "complete"
    assert keys == {t.key for t in plan_sweep(expand_spec(spec).items, 32 * BLOCK)}
    ref = run_sweep(spec, tmp_path / "ref.duckdb", chunk_size=64 * BLOCK)
    assert_same_table(result.table, ref.table)


_SWEEP_CMD = ("import sys; from realpolitik.interfaces.cli import main; "
              "sys.exit(main(sys.argv[1:]))")


def _sweep_process(*argv: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([PYTHON, "-c", _SWEEP_CMD, "sweep", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def test_a_killed_sweep_process_resumes_exactly_once(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    data = {**SMALL, "base": short_base(tmp_path), "trajectories": 12 * BLOCK}
    path = write_spec(tmp_path / "k.yaml", data)
    store = tmp_path / "s.duckdb"
    proc = _sweep_process(str(path), "--store", str(store))
    try:
        deadline = time.monotonic() + 60
        rid, seen = None, 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            if not store.exists():
                continue
            runs = ResultsStore(store).list_runs()
            if len(runs):
                rid, seen = runs.loc[0, "run_id"], int(runs.loc[0, "chunks"])
                if seen >= 8:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
        proc.wait(timeout=30)
    finally:
        _stop(proc)
    assert proc.returncode == -signal.SIGKILL, "the sweep was not killed mid-way"
    with ResultsStore(store) as st_:
        runs = st_.list_runs()
        assert runs.loc[0, "status"] == "interrupted"
        done_before = st_.completed_chunks(str(rid))
    assert 8 <= len(done_before) < 72
    code = main(["sweep", "--resume", str(rid), "--store", str(store), "-f", "json"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 0, err
    assert f"{72 - len(done_before)} chunk(s) computed, {len(done_before)} reused" in err
    with ResultsStore(store) as st_:
        keys = st_.completed_chunks(str(rid))
        assert st_.list_runs().loc[0, "chunks"] == 72
        assert st_.get_run(str(rid))["status"] == "complete"
    assert done_before <= keys and keys == expected_keys(parse_spec(data))
    ref = run_sweep(parse_spec(data), tmp_path / "ref.duckdb", chunk_size=6 * BLOCK)
    assert_same_table(sweep_results(store, str(rid)), ref.table)


def test_processes_sharing_a_store_are_serialised_or_refused(tmp_path: Path) -> None:
    base = short_base(tmp_path)
    one = write_spec(tmp_path / "one.yaml", {**SMALL, "base": base, "chunk_size": 2 * BLOCK})
    two = write_spec(tmp_path / "two.yaml", {**SMALL, "base": base, "seed": 99,
                                             "chunk_size": 2 * BLOCK})
    store = tmp_path / "s.duckdb"
    procs = [_sweep_process(str(p), "--store", str(store), "-f", "json")
             for p in (one, two, one)]
    try:
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            _stop(p)
    codes = [p.returncode for p in procs]
    assert codes[1] == 0, outs[1][1]
    # the same sweep twice at once: each runs it or is refused with a clear message
    for code, (_, err) in zip(codes[::2], outs[::2], strict=True):
        assert code == 0 or (code == 2 and "is running in pid" in err), err
    assert 0 in codes[::2]
    refs: dict[int, pd.DataFrame] = {}
    with ResultsStore(store) as st_:
        runs = st_.list_runs()
        assert set(runs["status"]) == {"complete"}
        for rid in runs["run_id"]:
            seed = int(st_.get_run(rid)["seed"])
            spec = parse_spec({**SMALL, "base": base, "seed": seed, "chunk_size": 2 * BLOCK})
            keys = st_.completed_chunks(rid)
            want = {t.key for t in plan_sweep(expand_spec(spec).items, 2 * BLOCK)}
            assert keys == want, (rid, sorted(keys ^ want), runs.to_dict("records"), codes,
                                  [e for _, e in outs])
            if seed not in refs:
                refs[seed] = run_sweep(spec, tmp_path / f"ref{seed}.duckdb",
                                       chunk_size=5 * BLOCK).table
            assert_same_table(sweep_results(store, rid), refs[seed])


def test_a_store_held_by_another_process_fails_clearly(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    store = tmp_path / "s.duckdb"
    ResultsStore(store).begin_run({"scenario_name": "x"})  # creates the file
    holder = subprocess.Popen([PYTHON, "-c", "import duckdb, sys, time; "
                               "c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
                               "time.sleep(60)", str(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        monkeypatch.setenv("REALPOLITIK_STORE_TIMEOUT", "1")
        spec = write_spec(tmp_path / "x.yaml", {**SMALL, "base": short_base(tmp_path)})
        code = main(["sweep", str(spec), "--store", str(store)])
        err = capsys.readouterr().err
    finally:
        _stop(holder)
    assert code == 2
    assert "in use by another process" in err and f"pid {holder.pid}" in err
    with ResultsStore(store) as st_:
        assert len(st_.list_runs()) == 1  # nothing of the sweep was written
