"""Cleaning in worker processes: order kept, a crash costs only the document that caused it."""

import os

import numpy as np

from newsdedup.document import Document
from newsdedup.errors import DocumentError
from newsdedup.pipeline import clean_and_fingerprint, clean_documents, fingerprint_documents
from newsdedup.settings import DedupSettings
from tests.conftest import article


class CrashingDocument(Document):
    """Kills the worker process that unpacks it, as a crash in a C library would."""

    def __setstate__(self, state):
        if state["id"] == "crash":
            os._exit(3)
        self.__dict__.update(state)


def batch(size: int, crash_at: int | None = None) -> list[Document]:
    docs = []
    for i in range(size):
        kind = CrashingDocument if i == crash_at else Document
        docs.append(kind(id="crash" if i == crash_at else f"d{i:03d}", raw=article(f"topic{i}", 6)))
    return docs


def test_workers_keep_input_order():
    cleaned = list(clean_documents(batch(80), jobs=2))
    assert [d.id for d in cleaned] == [f"d{i:03d}" for i in range(80)]


def test_a_worker_crash_loses_only_the_document_that_caused_it():
    errors: list[DocumentError] = []
    cleaned = list(clean_documents(batch(80, crash_at=37), jobs=2, on_error=errors.append))
    assert [(e.source, e.reason) for e in errors] == [("crash", "cleaning crashed the worker process")]
    assert [d.id for d in cleaned] == [f"d{i:03d}" for i in range(80) if i != 37]


def test_workers_fingerprint_what_they_clean_as_this_process_would():
    settings = DedupSettings()
    in_workers = list(clean_and_fingerprint(batch(80, crash_at=5), settings, jobs=2, on_error=lambda e: None))
    here = list(fingerprint_documents(clean_documents(batch(80)), settings))
    here = here[:5] + here[6:]
    assert [d.id for d, _ in in_workers] == [d.id for d, _ in here]
    assert [d.text for d, _ in in_workers] == [d.text for d, _ in here]
    for (_, ours), (_, theirs) in zip(in_workers, here, strict=True):
        assert np.array_equal(ours.shingles, theirs.shingles)
        assert np.array_equal(ours.signature, theirs.signature)


def test_worker_processes_collect_garbage_less_often():
    import gc

    from newsdedup.collector import GC_THRESHOLD
    from newsdedup.workers import _executor

    executor = _executor(1)
    try:
        assert executor.submit(gc.get_threshold).result()[0] == GC_THRESHOLD
    finally:
        executor.shutdown()


def test_collect_less_changes_only_the_first_threshold():
    import gc

    from newsdedup.collector import GC_THRESHOLD, collect_less

    before = gc.get_threshold()
    try:
        collect_less()
        assert gc.get_threshold() == (GC_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)


def _language_model_loaded() -> bool:
    from py3langid import langid

    from newsdedup import native
    from newsdedup.clean import language

    if native.speedups is None:  # py3langid's own classifier, with its own model
        return langid.IDENTIFIER is not None
    return language._compiled_model.cache_info().currsize == 1  # the tables, mapped or unpacked


def test_workers_start_with_the_language_model_loaded_once_by_their_server():
    from newsdedup.workers import _executor

    executor = _executor(1)
    try:
        assert executor.submit(_language_model_loaded).result()
    finally:
        executor.shutdown()


_LIMIT_SEES_TRAFILATURA = """
import sys
from newsdedup import workers
from newsdedup.clean import load_rules
from newsdedup.document import HTML, Document

seen, real = [], workers._time_limit
workers._time_limit = lambda timeout: seen.append("trafilatura" in sys.modules) or real(timeout)
assert "trafilatura" not in sys.modules
page = "<html><body><article><h1>A headline here</h1><p>" + "Words of the story. " * 30 + "</p></article></body></html>"
workers.clean_with_limit(Document(id="p", raw=page, kind=HTML), load_rules(), 5.0)
print(seen)
"""


def test_the_first_html_page_does_not_pay_for_importing_trafilatura_within_its_time_limit():
    # About 60 ms of a first HTML page went to importing and setting up trafilatura: Dask's workers
    # failed their first page at --timeout 0.1. A fresh interpreter, where nothing imported it yet.
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _LIMIT_SEES_TRAFILATURA], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[True]"
