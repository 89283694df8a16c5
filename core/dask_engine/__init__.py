"""The distributed engine: the local engine's deduplication on a Dask cluster (``newsdedup[dask]``).

Stages, each a module, each calling the local stage functions for the work itself:

1. ``prints``: read, clean and fingerprint on the workers; one Parquet file per read task (``sources``);
   ``repeats``: records read again left out, a reused id told, as the local read stage does.
2. ``candidates``: the local engine's candidate pairs, with shuffles on LSH bands (position order kept);
   ``probe``: the containment probe's pairs of a short text and a text that holds it.
3. ``groups``: both kinds of pairs verified by the local verification (figures and dates included).
4. ``templates``: site templates learned across all partitions, texts stripped and fingerprinted again,
   the pairs they touch verified again (with ``--templates``, the default).
5. ``components``: connected components of the verified pairs, on the client or on the cluster;
   ``groups``: each component clustered (no chaining) and given its canonicals by the local code.
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
