"""The distributed engine: the local engine's deduplication on a Dask cluster (``newsdedup[dask]``).

Stages, each a module, each calling the local stage functions for the work itself:

1. ``prints``: read, clean and fingerprint on the workers; one Parquet file per read task (``sources``).
2. ``candidates``: the local engine's candidate pairs, with shuffles on LSH bands (position order kept).
3. ``groups``: candidate pairs verified by the local verification.
4. ``components``: connected components of the verified pairs, on the client or on the cluster.
5. ``groups``: each component clustered (no chaining) and given its canonicals by the local code.
6. ``output``: the clusters in the local order and numbering, streamed or written as files.

docs/scale-out.md explains the design and works through 100 million documents.
Nothing here is imported unless the engine is asked for: :func:`require_dask`
says how to install what is missing.
"""

from __future__ import annotations

from ..errors import MissingExtra


def require_dask() -> None:
    """Raise :class:`MissingExtra` unless the dask extra is installed."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingExtra("--engine dask", "dask") from None
