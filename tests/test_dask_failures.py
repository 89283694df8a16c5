"""Dask workers killed in the middle of a run, for real (SIGKILL to a worker process of a LocalCluster):
the run redoes the lost work and prints the same output, or, when the cluster allows no retry, stops
with a clear error, exit 2, and leaves nothing that looks complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from tests.dask_cluster import local_cluster, need_dask

DEADLINE = 240  # seconds for a run on two busy cores


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from tools.corpus import write_corpus

    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, 600, seed=11)
    return root / "docs"


def _dedup_on(scheduler: str, *args: str) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "newsdedup",
        "dedup",
        *args,
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
    ]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"}
    )


def _kill_a_worker_running(client, task_prefix: str) -> None:
    """SIGKILL the process of a worker as soon as it runs a task whose key starts with ``task_prefix``."""
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        for address, keys in client.processing().items():
            if any(_name(key).startswith(task_prefix) for key in keys):
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                return
        time.sleep(0.005)
    pytest.fail(f"no task {task_prefix}... ran within {DEADLINE} s")


def _name(key) -> str:
    """A task's key: a string, or a tuple of its name and partition."""
    return key[0] if isinstance(key, tuple) else str(key)


@pytest.mark.parametrize("stage", ["fingerprint_part", "shuffle-transfer"])
def test_a_worker_killed_mid_run_is_replaced_and_the_output_is_the_same(corpus, stage):
    need_dask()
    from distributed import Client

    expected = CliRunner().invoke(app, ["dedup", str(corpus), "-q"]).stdout
    with local_cluster() as cluster, Client(cluster) as client:
        run = _dedup_on(cluster.scheduler_address, str(corpus), "-q")
        _kill_a_worker_running(client, stage)
        out, err = run.communicate(timeout=DEADLINE)
    assert run.returncode == 0, err.decode()
    assert out.decode() == expected


def test_a_worker_lost_for_good_stops_the_run_and_nothing_looks_complete(corpus, tmp_path):
    need_dask()
    from distributed import Client

    output = tmp_path / "clusters"
    with local_cluster(allowed_failures=0) as cluster, Client(cluster) as client:
        run = _dedup_on(cluster.scheduler_address, str(corpus), "--output", str(output))
        _kill_a_worker_running(client, "fingerprint_part")
        out, err = run.communicate(timeout=DEADLINE)
    assert run.returncode == 2 and out == b""
    message = err.decode().strip().splitlines()[-1]
    assert message.startswith(
        "newsdedup: error: Dask workers died 1 times running the same task (fingerprint_part"
    )
    assert not output.exists() or not any(output.iterdir())


def test_a_write_that_fails_part_way_leaves_the_output_directory_empty(dask_engine, tmp_path):
    from newsdedup.records import cluster_record
    from newsdedup.settings import DedupSettings
    from tests.conftest import SAMPLES

    def records_failing_after_the_first(clusters):  # defined here: the workers get it by value
        for cluster in clusters:
            if cluster.id > 1:
                raise OSError("disk full")
            yield cluster_record(cluster)

    run = dask_engine.dedup([str(SAMPLES)], DedupSettings())
    with pytest.raises(OSError, match="disk full"):
        run.write(str(tmp_path / "out"), "jsonl", records_failing_after_the_first)
    assert not any((tmp_path / "out").iterdir())
