"""newsdedup: strip boilerplate from news articles and cluster near-duplicate reprints.

The stages, one module each: read (:mod:`.read`) -> clean (:mod:`.clean`) ->
fingerprint -> candidates -> verify -> cluster -> canonical, wired by
:mod:`.pipeline`; a persistent index in :mod:`.store`. Nothing in this package
prints, exits or imports a terminal library; it yields results and raises the
exceptions of :mod:`.errors`. Names are imported on first use, so ``import
newsdedup`` stays cheap for a command that only prints help.
"""

from importlib import import_module

_EXPORTS = {
    "Cluster": ".document",
    "Document": ".document",
    "Member": ".document",
    "DocumentError": ".errors",
    "NewsdedupError": ".errors",
    "StoreError": ".errors",
    "UsageError": ".errors",
    "DedupSettings": ".settings",
    "read_documents": ".read",
    "clean_documents": ".pipeline",
    "clean_and_fingerprint": ".pipeline",
    "cluster_documents": ".pipeline",
    "dedup_documents": ".pipeline",
    "IndexedRun": ".indexed",
    "open_store": ".store",
    "explain": ".explain",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
