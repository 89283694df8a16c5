"""Cleaning with a time limit, in this process or in worker processes.

A pathological page must not hang the batch: each document gets ``timeout``
seconds (an interval timer raises inside the cleaner, or outside the main
thread, where no signal arrives, a watchdog thread does; C code is interrupted
when it next returns to Python). Given dedup settings, the workers also
fingerprint what they cleaned, so that the main process, which clusters, only
gathers. A worker that dies (a crash in a C library)
costs only the document that killed it: the documents that were in flight with
it are cleaned again one by one in a fresh worker.
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from functools import partial
from multiprocessing import forkserver, get_context, parent_process
from multiprocessing.connection import wait

from .clean import clean_document, load_rules
from .clean.rules import Rules
from .collector import collect_less
from .document import HTML, Document
from .errors import DocumentError, UsageError
from .fingerprint import Fingerprint, PackedFingerprint, fingerprint_documents
from .settings import MAX_TIMEOUT, DedupSettings

# A task is CHUNK documents or CHUNK_CHARACTERS of input, whichever comes first: plain text cleans in
# well under a millisecond a page, so a task of 64 pages pays for its round trip (16 cost the main
# process a sixth more CPU on the speed corpus), while big HTML pages go a few to a task.
CHUNK = 64
CHUNK_CHARACTERS = 1 << 19
# Tasks queued per worker, so that a long stream is never read ahead in full. When the workers
# fingerprint too, the main process verifies candidates a chunk at a time meanwhile: 1,024
# documents a worker keep them busy through a chunk.
IN_FLIGHT_PER_WORKER = 4
IN_FLIGHT_PER_WORKER_FINGERPRINTING = 16
LOST_WORKER_CHECK = 1.0  # seconds between looks for a dead worker while a result is awaited
# Ctrl-C, a supervisor's stop and a closed terminal's hang-up: the main process alone takes them (see
# _start_server_deaf_to_stop_signals)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
Result = Document | tuple[Document, Fingerprint] | DocumentError


def checked_timeout(timeout: float | None) -> float | None:
    """``timeout``, or a UsageError when it is not a number of seconds above 0 and up to MAX_TIMEOUT."""
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(
            f"the time limit must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {timeout:.15g}"
        )
    return timeout


class _Timeout(Exception):
    pass


def _raise_timeout(signum, frame):
    raise _Timeout


def _time_limit(seconds: float | None) -> AbstractContextManager:
    """``seconds`` for the block, then _Timeout raised in it: by an alarm signal in the main thread, by the
    watchdog in others (Dask runs its tasks in worker threads)."""
    if not seconds:
        return nullcontext()
    if threading.current_thread() is threading.main_thread():
        return _alarm(seconds)
    return _Deadline(seconds)


@contextmanager
def _alarm(seconds: float):
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Deadline:
    """The time limit of a block in a thread other than the main one (see :class:`_Watchdog`)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self) -> None:
        _WATCHDOG.watch(time.monotonic() + self.seconds)

    def __exit__(self, kind, error, traceback) -> None:
        _WATCHDOG.forget(delivered=kind is _Timeout)


class _Watchdog:
    """One thread that raises _Timeout in every thread whose deadline has passed, as an asynchronous
    exception, which Python delivers between bytecodes as it runs the alarm's handler (a timer thread
    per limit would cost as much as cleaning a page: 0.4 ms to start one).

    The watchdog removes a deadline as it raises, under the lock: a thread ending its limit finds its
    deadline gone exactly when an exception may still be on its way, and withdraws it, so none ever
    reaches the code after the block.
    """

    def __init__(self):
        # Cleaning threads take the lock itself, written in C: an exception arriving in Python code
        # that holds it (a Condition's methods) could leave it held.
        self._lock = threading.Lock()
        self._woken = threading.Condition(self._lock)
        self._deadlines: dict[int, float] = {}  # thread id -> time.monotonic() to stop it at
        self._wakes_at = math.inf
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float) -> None:
        with self._lock:
            self._deadlines[threading.get_ident()] = deadline
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="newsdedup time limits", daemon=True)
                self._thread.start()
            elif deadline < self._wakes_at:
                self._woken.notify()

    def forget(self, delivered: bool) -> None:
        thread = threading.get_ident()
        with self._lock:
            # Only when raised and not delivered yet: withdrawing leaves Python checking for one at
            # every call until the next is delivered (about 5% slower).
            if self._deadlines.pop(thread, None) is None and not delivered:
                _raise_in(thread, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for thread, deadline in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[thread]
                        _raise_in(thread, _Timeout)
                # Woken only for an earlier deadline than this one: a later one waits its turn.
                self._wakes_at = min(self._deadlines.values(), default=math.inf)
                self._woken.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in ``thread`` at its next bytecode; None withdraws one not raised yet."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), None if exception is None else ctypes.py_object(exception)
    )


_WATCHDOG = _Watchdog()


def clean_with_limit(doc: Document, rules: Rules, timeout: float | None) -> Document | DocumentError:
    if doc.kind == HTML and timeout is not None:
        from .preload import warm_up_html  # (its import warms up for plain text too)

        warm_up_html()  # once: not counted against the first HTML page's limit
    try:
        with _time_limit(timeout):
            return clean_document(doc, rules)
    except DocumentError as error:
        return error
    except _Timeout:
        return DocumentError(doc.source, f"cleaning took longer than the {timeout:g} s limit")
    except RecursionError:
        return DocumentError(doc.source, "markup nested too deeply to clean")
    except MemoryError:
        return DocumentError(doc.source, "ran out of memory while cleaning")
    except Exception as error:  # a bug met on one page must not stop the batch: that page fails, named
        return DocumentError(doc.source, f"cleaning failed ({_described(error)}); please report it")


def _described(error: Exception) -> str:
    """The exception's type and message, on one line and short (its message may fail to render)."""
    try:
        detail = " ".join(str(error).split())[:200]
    except Exception:
        detail = ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _clean_chunk(
    docs: list[Document], *, timeout: float | None, settings: DedupSettings | None
) -> list[Result]:
    rules = load_rules()
    results = [clean_with_limit(doc, rules, timeout) for doc in docs]
    if settings is None:
        return results
    printed = fingerprint_documents([r for r in results if isinstance(r, Document)], settings)
    return [r if isinstance(r, DocumentError) else _packed(*next(printed)) for r in results]


def _packed(doc: Document, print_: Fingerprint) -> tuple[Document, PackedFingerprint]:
    return doc, print_.to_bytes()


def _unpacked(result: Result | tuple[Document, PackedFingerprint]) -> Result:
    """A worker's result as the pipeline takes it: a fingerprint sent as bytes made whole again."""
    if isinstance(result, tuple):
        doc, packed = result
        return doc, Fingerprint.from_bytes(*packed)
    return result


def _executor(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean process, not a copy of one with threads running; one
    # that has loaded the cleaner once for all of them (it applies when the server starts)
    context = get_context("forkserver")
    context.set_forkserver_preload(["newsdedup.preload"])
    _start_server_deaf_to_stop_signals()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker)


def _start_server_deaf_to_stop_signals() -> None:
    """Start the workers' server with Ctrl-C, SIGTERM and SIGHUP ignored, which it and the workers it
    forks inherit.

    Ctrl-C reaches every process of the terminal's group, and a supervisor's SIGTERM often does too:
    a server or worker that took it would die with a traceback halfway through starting, or halfway
    through sending a result, which the pool would then wait for at exit for ever. The main process
    alone takes them, and shuts the pool down (:func:`clean_in_workers`): the workers finish the
    chunks already handed to them and leave, and a worker whose main process is gone ends with it
    (:func:`_start_worker`). A signal that arrives while the server starts is kept: blocked, it
    stays pending even while ignored (Linux), and is taken by the handler restored before it is
    unblocked.
    """
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()  # signal handlers are the main thread's to set
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    # an exec keeps an ignored signal ignored
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in STOP_SIGNALS}
    try:
        forkserver.ensure_running()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextmanager
def _deferred(*signals: signal.Signals):
    """These signals are taken when the block ends, not inside it (Python runs every handler in the
    main thread, whichever thread the system gave the signal to)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, frame: received.append(number)) for number in signals
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in received[:1]:
            signal.raise_signal(number)


def _submit(executor: ProcessPoolExecutor, task: Callable, chunk: list[Document]) -> Future:
    # A submit may start a worker process: interrupted half-way, the worker would be left to start
    # after the main process had gone, and fail with a traceback of its own.
    with _deferred(*STOP_SIGNALS):
        try:
            return executor.submit(task, chunk)
        except BrokenProcessPool as error:  # a worker died since the last result: settled as its chunks are
            failed: Future = Future()
            failed.set_exception(error)
            return failed


def _start_worker() -> None:
    collect_less()
    # A worker outlives a main process that was killed (SIGKILL, the OOM killer): it would wait on its
    # task queue for ever, holding the server alive too. It watches the main process and ends with it.
    main_process = parent_process()
    if main_process is not None:
        threading.Thread(target=_exit_with, args=(main_process.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)


def clean_in_workers(
    docs: Iterable[Document], jobs: int, timeout: float | None, settings: DedupSettings | None = None
) -> Iterator[Result]:
    """Clean in ``jobs`` processes; results come back in input order.

    With dedup ``settings``, each cleaned document comes back with its fingerprint, as a pair.
    """
    task = partial(_clean_chunk, timeout=timeout, settings=settings)
    in_flight = IN_FLIGHT_PER_WORKER if settings is None else IN_FLIGHT_PER_WORKER_FINGERPRINTING
    executor = _executor(jobs)
    pending: deque[tuple[list[Document], Future]] = deque()
    try:
        for chunk in _chunks(docs, CHUNK, CHUNK_CHARACTERS):
            pending.append((chunk, _submit(executor, task, chunk)))
            while len(pending) >= jobs * in_flight:
                executor, results = _settle(pending, executor, jobs, task)
                yield from results
        while pending:
            executor, results = _settle(pending, executor, jobs, task)
            yield from results
    finally:
        _stop(executor)


def _settle(pending: deque, executor: ProcessPoolExecutor, jobs: int, task: Callable):
    chunk, future = pending.popleft()
    try:
        return executor, list(map(_unpacked, _result(executor, future)))
    except BrokenProcessPool:
        # Every task still queued died with the pool: redo them, one document at a time.
        redo = [doc for c in [chunk] + [c for c, _ in pending] for doc in c]
        pending.clear()
        _stop(executor)
        return _executor(jobs), _one_by_one(redo, task)


def _one_by_one(docs: list[Document], task: Callable) -> list[Result]:
    """Clean documents singly in one worker; the one whose cleaning kills it is reported."""
    results: list[Result] = []
    single = _executor(1)
    try:
        for doc in docs:
            try:
                results.extend(map(_unpacked, _result(single, _submit(single, task, [doc]))))
            except BrokenProcessPool:
                results.append(DocumentError(doc.source, "cleaning crashed the worker process"))
                _stop(single)
                single = _executor(1)
    finally:
        _stop(single)
    return results


def _stop(executor: ProcessPoolExecutor) -> None:
    """Cancel the chunks not yet handed out and wait for the workers to finish the few that were.

    Interrupted, terminated or stopped early, the workers still finish their chunks and leave:
    ending them instead could cut a result in half on its way back, and the executor would wait for
    the rest of it for ever. The wait is here, not at exit, where it would happen anyway: there,
    Python 3.11's exit hook writes to the pool's wake-up pipe while the pool's own thread may be
    closing it, and prints a traceback (CPython gh-125451, fixed in 3.12.8 and 3.13.1).

    A pool one of whose workers died (a crash, the OOM killer's SIGKILL) stops reading results and
    asks the others to end with SIGTERM, which they ignore: one that was sending a result waited for
    ever, and the run with it (even SIGTERM did not end it). Those are killed: what they held is
    cleaned again (:func:`_settle`) or was not wanted any more (the run is stopping).
    """
    # (the pool's own attributes: shutdown drops them, and its thread is the one that waits)
    processes = _processes(executor)
    manager = getattr(executor, "_executor_manager_thread", None)
    results = getattr(executor, "_result_queue", None)
    executor.shutdown(wait=manager is None, cancel_futures=True)
    try:
        while manager is not None and manager.is_alive():
            manager.join(0.1)
            if getattr(executor, "_broken", False) or any(map(_gone, processes)):
                _kill(processes, results)  # (a worker only ends this early, or once every result is in)
    except BaseException:  # stopped while waiting (a second Ctrl-C, a SIGTERM in a recovery): end them now
        _kill(processes, results)
        if manager is not None:
            manager.join(5)  # its end follows theirs
        raise


def _result(executor: ProcessPoolExecutor, future: Future) -> list:
    """``future.result()``; BrokenProcessPool when a worker died. One killed while it sent a result
    (the OOM killer's SIGKILL) leaves the pool's thread waiting for the rest of it, which never comes,
    and the pool never tells: its futures then wait for ever."""
    processes = _processes(executor)
    while True:
        try:
            return future.result(timeout=LOST_WORKER_CHECK)
        except TimeoutError:
            if any(map(_gone, processes)):  # (a worker only ends when the pool is shut down)
                raise BrokenProcessPool("a worker process died") from None


def _processes(executor: ProcessPoolExecutor) -> list:
    return list(dict(getattr(executor, "_processes", None) or {}).values())  # a copy: its thread edits it


def _gone(process) -> bool:
    """The worker process has ended (its server reaps it at once), told without reading its exit status,
    which only the pool's thread may read: two readers could each get half of it."""
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _kill(processes: list, results) -> None:
    """End the workers; then the pool's thread, should it wait for a result cut in half: its pipe
    closed by its last writer, which the workers no longer are, its wait ends."""
    for process in processes:
        process.kill()
    # waited for as _gone tells it: joining them would read their exit status beside the pool's thread
    deadline = time.monotonic() + 5
    while not all(map(_gone, processes)) and time.monotonic() < deadline:
        time.sleep(0.01)
    with suppress(AttributeError, OSError):
        results._writer.close()


def _chunks(items: Iterable[Document], size: int, characters: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    held = 0
    for item in items:
        chunk.append(item)
        held += len(item.raw or "")
        if len(chunk) == size or held >= characters:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk
