"""The persistent index: documents, their fingerprints and clusters, kept across runs.

``open_store(location, settings)`` opens (or creates) an index to write to;
``open_store(location)`` opens an existing one to read, with the settings it
was built with. Backends behave the same (:class:`Store`); which one serves a
location is decided by its URL scheme, from :data:`BACKENDS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module

from ..errors import StoreError
from ..settings import DedupSettings
from .backend import mask_location
from .base import NoIndex, Store
from .types import StoredCluster, StoredDocument

# URL scheme -> "module:class" of the backend, imported when used; a plain path is an SQLite file.
BACKENDS = {
    "redis": "redis_store:RedisStore",
    "rediss": "redis_store:RedisStore",
    "unix": "redis_store:RedisStore",
}
FILE_BACKEND = "sqlite_store:SQLiteStore"
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")  # as RFC 3986 spells one
LOCATION_HELP = "a SQLite file, or redis://[:password@]host:port/N (also rediss://, unix://)"

__all__ = [
    "BACKENDS",
    "NoIndex",
    "Store",
    "StoreError",
    "StoredCluster",
    "StoredDocument",
    "mask_location",
    "open_store",
]


def open_store(
    location: str,
    settings: DedupSettings | None = None,
    *,
    writable: bool | None = None,
    busy_timeout: float = 600.0,
    on_wait: Callable[[str], None] | None = None,
) -> Store:
    """Open the index at ``location``.

    With ``settings``: for writing, created when missing (a SQLite file's
    directory must exist); an existing index built with another identity
    (:meth:`DedupSettings.identity`) raises StoreError naming the differences,
    and its other settings (threshold, canonical rule...) are replaced by
    those of ``settings`` for this store only: the index keeps its own.
    Without: an existing index (:class:`NoIndex` if there is none), with the
    settings it was built with, for reading unless ``writable``; opened to be
    read, it is left exactly as it is. A batch waits up to ``busy_timeout``
    seconds for another process's batch, and first tells ``on_wait`` so, once.
    """
    scheme, separator, _ = location.partition("://")
    if separator and _URL_SCHEME.fullmatch(scheme) and scheme.lower() not in BACKENDS:
        # before: read as a path, "directory sqlite: does not exist"
        raise StoreError(
            f"{mask_location(location)}: no index is served at {scheme}:// addresses: give {LOCATION_HELP} "
            f"(a file path with :// in it: start it with ./)"
        )
    module, _, name = (BACKENDS.get(scheme.lower(), FILE_BACKEND) if separator else FILE_BACKEND).partition(
        ":"
    )
    backend = getattr(import_module(f".{module}", __name__), name)
    return backend(
        location,
        settings,
        writable=settings is not None if writable is None else writable,
        busy_timeout=busy_timeout,
        on_wait=on_wait,
    )
