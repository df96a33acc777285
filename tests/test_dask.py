"""``ogi batch --engine dask --scheduler tcp://…``: a cluster of separate worker processes.

The cluster is a :class:`distributed.LocalCluster` started by the test (scheduler in this process,
two worker processes); ``ogi batch`` runs as its own process and is pointed at the scheduler's
address exactly as at a real cluster's. The warehouse must hold what ``--engine local`` writes,
and every document must have been a task on that scheduler.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.writers import load_tables

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "guantang-2024.txt"


def _ogi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from extractor.cli import run; run()", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_batch_on_a_cluster_of_separate_processes(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    folder = tmp_path / "in"
    folder.mkdir()
    seed = SEED.read_bytes()
    for i in range(6):  # copies with different bytes: six documents
        (folder / f"report-{i}.txt").write_bytes(seed + f"\n# copy {i}\n".encode())
    (folder / "bad.txt").write_bytes(b"\x00junk" * 100)
    done: set[str] = set()

    from distributed.diagnostics.plugin import SchedulerPlugin

    class Finished(SchedulerPlugin):  # type: ignore[misc]
        def transition(self, key: object, start: str, finish: str, *args: object, **kwargs: object) -> None:
            if finish == "memory":
                done.add(str(key))

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        cluster.scheduler.add_plugin(Finished())
        with distributed.Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        assert len(worker_pids) == 2 and os.getpid() not in worker_pids
        dask = _ogi("batch", str(folder), "-o", str(tmp_path / "dask.jsonl"), "--engine", "dask",
                    "--scheduler", cluster.scheduler_address, "-q")
        assert dask.returncode in (0, 1), dask.stderr
    assert len(done) == 7 and all(k.startswith("ogi-") for k in done)  # every document, a task on this scheduler
    local = _ogi("batch", str(folder), "-o", str(tmp_path / "local.jsonl"), "-j", "2", "-q")
    assert local.returncode in (0, 1), local.stderr
    a, b = load_tables(tmp_path / "local.jsonl"), load_tables(tmp_path / "dask.jsonl")
    assert len(a["reports"]) == 7
    for table, cols in (("reports", ("sha256", "status", "error_code", "n_figures", "organ")),
                        ("figures", ("sha256", "key", "value", "state", "raw"))):
        assert sorted(tuple(r[c] for c in cols) for r in a[table]) == sorted(tuple(r[c] for c in cols) for r in b[table])
