"""How often the cyclic garbage collector runs in the processes that run a batch.

A batch makes millions of short-lived containers (line verdicts, lists of lines),
which reference counting frees as it goes; at Python's default threshold of 700
the collector kept walking the long-lived ones (the line caches, the batch) as
well: 4.0 s of a 30.8 s one-process run of the speed corpus, 0.4 s at 100,000.
No result depends on it. The CLI process and the worker processes set it, and so
do the Dask workers of a cluster the engine starts; a program that imports the
library, or a Dask cluster of one's own, keeps its own setting.
"""

from __future__ import annotations

import gc

GC_THRESHOLD = 100_000


def collect_less() -> None:
    """Run the collector's youngest generation every ``GC_THRESHOLD`` allocations in this process."""
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
