"""Cleaning with a time limit, in this process or in worker processes.

A pathological page must not hang the batch: each document gets ``timeout``
seconds (an interval timer raises inside the cleaner; C code is interrupted
when it next returns to Python). Given dedup settings, the workers also
fingerprint what they cleaned, so that the main process, which clusters, only
gathers. A worker that dies (a crash in a C library)
costs only the document that killed it: the documents that were in flight with
it are cleaned again one by one in a fresh worker.
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context

from .clean import clean_document, load_rules
from .clean.rules import Rules
from .collector import collect_less
from .document import Document
from .errors import DocumentError
from .fingerprint import Fingerprint, PackedFingerprint, fingerprint_documents
from .settings import DedupSettings

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
Result = Document | tuple[Document, Fingerprint] | DocumentError


class _Timeout(Exception):
    pass


def _raise_timeout(signum, frame):
    raise _Timeout


@contextmanager
def _time_limit(seconds: float | None):
    usable = seconds and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clean_with_limit(doc: Document, rules: Rules, timeout: float | None) -> Document | DocumentError:
    try:
        with _time_limit(timeout):
            return clean_document(doc, rules)
    except DocumentError as error:
        return error
    except _Timeout:
        return DocumentError(doc.id, f"cleaning took longer than the {timeout:g} s limit")
    except RecursionError:
        return DocumentError(doc.id, "markup nested too deeply to clean")


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
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=collect_less)


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
            pending.append((chunk, executor.submit(task, chunk)))
            while len(pending) >= jobs * in_flight:
                executor, results = _settle(pending, executor, jobs, task)
                yield from results
        while pending:
            executor, results = _settle(pending, executor, jobs, task)
            yield from results
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _settle(pending: deque, executor: ProcessPoolExecutor, jobs: int, task: Callable):
    chunk, future = pending.popleft()
    try:
        return executor, list(map(_unpacked, future.result()))
    except BrokenProcessPool:
        # Every task still queued died with the pool: redo them, one document at a time.
        redo = [doc for c in [chunk] + [c for c, _ in pending] for doc in c]
        pending.clear()
        executor.shutdown(wait=False, cancel_futures=True)
        return _executor(jobs), _one_by_one(redo, task)


def _one_by_one(docs: list[Document], task: Callable) -> list[Result]:
    """Clean documents singly in one worker; the one whose cleaning kills it is reported."""
    results: list[Result] = []
    single = _executor(1)
    try:
        for doc in docs:
            try:
                results.extend(map(_unpacked, single.submit(task, [doc]).result()))
            except BrokenProcessPool:
                results.append(DocumentError(doc.id, "cleaning crashed the worker process"))
                single.shutdown(wait=False, cancel_futures=True)
                single = _executor(1)
    finally:
        single.shutdown(wait=False, cancel_futures=True)
    return results


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
