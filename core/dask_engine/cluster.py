"""Where the engine runs: a ``LocalCluster`` of worker processes, or the scheduler of an existing cluster;
what goes wrong there, as the library's errors; and what the workers report of their work.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing.resource_tracker
import resource
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from distributed import Client, LocalCluster
from distributed.client import AllExit
from distributed.comm import connect
from distributed.comm.core import CommClosedError
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker
from distributed.security import Security

from ..collector import collect_less
from ..errors import EngineError, UsageError

CONNECT_TIMEOUT = 10  # seconds to reach an existing scheduler


def start(workers: int, scheduler: str | None) -> tuple[Client, LocalCluster | None]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers`` processes."""
    if scheduler is not None:
        if not scheduler.strip():  # given empty on the command line: not a request for a local cluster
            raise UsageError(
                "an empty Dask scheduler address: give one such as tcp://host:8786, or no --scheduler"
            )
        try:
            # Client bounds the connection, not the handshake that follows: a server that accepts and
            # never answers (not a Dask scheduler) would hold it for ever.
            asyncio.run(_handshake(scheduler))
            return _quiet_when_stopped(Client(scheduler, timeout=CONNECT_TIMEOUT)), None
        except ValueError as error:  # distributed's word for an address it cannot parse
            raise UsageError(
                f"{scheduler}: not a Dask scheduler address such as tcp://host:8786 ({_reason(error)})"
            ) from None
        except TypeError as error:  # a protocol without its settings: tls:// without a TLS context
            raise UsageError(f"{scheduler}: cannot connect with this protocol ({_reason(error)})") from None
        except (OSError, TimeoutError) as error:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {_reason(error)}") from None
    # One thread per worker process: cleaning is Python code, which threads would run one at a time.
    with _deaf_to_hang_up():
        multiprocessing.resource_tracker.ensure_running()
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            # The run reports what fails (a lost worker, a failed task) in its own words; distributed's
            # logs added tracebacks, a stopped run's most of all (heartbeats to a scheduler gone first).
            silence_logs=logging.CRITICAL,
        )
    client = _quiet_when_stopped(Client(cluster))
    client.register_plugin(LocalWorkerSetup(), name=LocalWorkerSetup.name)
    return client, cluster


@contextmanager
def _deaf_to_hang_up() -> Iterator[None]:
    """The processes started in the block (Dask's nannies and workers, the resource tracker) ignore
    SIGHUP: a closed terminal's hang-up reaches every process of the run, and the run alone stops on it
    (their deaths printed a dozen tracebacks). A hang-up meanwhile is kept, blocked, for the run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _quiet_when_stopped(client: Client) -> Client:
    """``client``, its results still awaited when a run stops midway (Ctrl-C, SIGTERM) left unreported:
    distributed ends each such wait with ``AllExit``, which asyncio printed as a traceback ("Task
    exception was never retrieved") once the task was collected. The run has said why it stopped."""

    def report(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if not isinstance(context.get("exception"), AllExit):
            loop.default_exception_handler(context)

    client.loop.asyncio_loop.set_exception_handler(report)
    return client


async def _handshake(address: str) -> None:
    """Connect to ``address`` and exchange distributed's handshake, within CONNECT_TIMEOUT in all."""
    args = Security().get_connection_args("client")  # what Client connects with, TLS settings included
    try:
        comm = await asyncio.wait_for(connect(address, timeout=CONNECT_TIMEOUT, **args), CONNECT_TIMEOUT)
    except asyncio.TimeoutError:  # not the built-in one before Python 3.11
        raise TimeoutError(f"no Dask scheduler answered within {CONNECT_TIMEOUT} s") from None
    await comm.close()


class LocalWorkerSetup(WorkerPlugin):
    """Each worker of a cluster the engine started, those that replace a lost one included, as the local
    engine's workers are: its garbage-collector setting (see :mod:`newsdedup.collector`: stage 1 took
    15.3 s of the speed corpus with Python's default, 10.3 s with it), and Ctrl-C left to the run,
    which stops its cluster (the terminal sends it to every process of the run: each worker printed a
    traceback of its own). The workers of an existing cluster are not the engine's to change."""

    name = "newsdedup-local-worker"

    def setup(self, worker) -> None:
        collect_less()
        if threading.current_thread() is threading.main_thread():  # where Python takes signals
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def cluster_failures(work_dir: str) -> Iterator[None]:
    """Failures of the cluster as :class:`EngineError`: a worker lost for good, the scheduler gone, a work
    directory that not every worker reaches."""
    try:
        yield
    except KilledWorker as error:
        raise EngineError(
            f"Dask workers died {error.allowed_failures + 1} times running the same task ({error.task}); "
            "the run was stopped"
        ) from None
    except (CommClosedError, TimeoutError) as error:
        raise EngineError(f"lost the connection to the Dask cluster: {_reason(error)}") from None
    except FileNotFoundError as error:
        if work_dir not in str(error):
            raise
        raise EngineError(
            f"a worker cannot find the work directory {work_dir}: every worker must reach it "
            "(give --work-dir on storage they share)"
        ) from None


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


@dataclass(frozen=True)
class WorkerFigures:
    """What the workers did: their peak memory (bytes, each), and the bytes they exchanged."""

    peak_memory: tuple[int, ...]
    shuffled: int  # rows sent through Dask's peer-to-peer shuffles (merges, group-bys, set_index)
    transferred: int  # task results fetched from another worker

    def since(self, earlier: WorkerFigures) -> WorkerFigures:
        """The exchanges since ``earlier`` (peak memory is the workers' own, over their lifetime)."""
        return WorkerFigures(
            self.peak_memory, self.shuffled - earlier.shuffled, self.transferred - earlier.transferred
        )


def worker_figures(client: Client) -> WorkerFigures:
    counted = client.run(_counters)
    return WorkerFigures(
        tuple(sorted(peak for peak, _, _ in counted.values())),
        sum(shuffled for _, shuffled, _ in counted.values()),
        sum(transferred for _, _, transferred in counted.values()),
    )


def _counters(dask_worker) -> tuple[int, int, int]:
    """On a worker: its peak resident memory, p2p shuffle bytes and bytes sent to other workers."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak *= 1 if sys.platform == "darwin" else 1024  # bytes there, KiB on Linux
    shuffled = sum(
        value
        for key, value in dask_worker.digests_total.items()
        if isinstance(key, tuple) and key[0] == "p2p" and key[2:] == ("foreground", "shards", "bytes")
    )
    return peak, int(shuffled), int(dask_worker.transfer_outgoing_bytes_total)
