"""Cleaning in worker processes: order kept, a crash costs only the document that caused it."""

import os

from core.document import Document
from core.errors import DocumentError
from core.pipeline import clean_documents
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
