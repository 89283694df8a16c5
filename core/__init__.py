"""newsdedup core library: read -> clean -> fingerprint -> index -> cluster -> canonical.

Nothing in this package prints, exits or imports a terminal library; it yields
results and raises the exceptions of :mod:`newsdedup.errors`. Names are imported on
first use, so ``import newsdedup`` stays cheap for a command that only prints help.
"""

from importlib import import_module

_EXPORTS = {
    "Cluster": "newsdedup.document",
    "Document": "newsdedup.document",
    "Member": "newsdedup.document",
    "DocumentError": "newsdedup.errors",
    "NewsdedupError": "newsdedup.errors",
    "UsageError": "newsdedup.errors",
    "DedupSettings": "newsdedup.settings",
    "read_documents": "newsdedup.pipeline",
    "clean_documents": "newsdedup.pipeline",
    "dedup_documents": "newsdedup.pipeline",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
