"""newsdedup core library: read -> clean -> fingerprint -> index -> cluster -> canonical.

Nothing in this package prints, exits or imports a terminal library; it yields
results and raises the exceptions of :mod:`core.errors`. Names are imported on
first use, so ``import core`` stays cheap for a command that only prints help.
"""

from importlib import import_module

_EXPORTS = {
    "Cluster": "core.document",
    "Document": "core.document",
    "Member": "core.document",
    "DocumentError": "core.errors",
    "NewsdedupError": "core.errors",
    "UsageError": "core.errors",
    "DedupSettings": "core.settings",
    "read_documents": "core.pipeline",
    "clean_documents": "core.pipeline",
    "dedup_documents": "core.pipeline",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
