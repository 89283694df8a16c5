"""What the forkserver that starts the cleaning workers (:mod:`newsdedup.workers`) imports once.

Each worker would otherwise import the cleaner and load py3langid's model on its
first page: 0.5-0.6 s of CPU a worker (1,000 speed-corpus pages with 2 workers:
2.7 -> 2.0 s of CPU). Forked from a server that holds them, the workers start
with both, in memory they share until one writes to it.
"""

from contextlib import suppress

from .clean.language import load_model

# A failure here would stop the server, and with it every worker: a worker whose model did not load
# loads it itself, and a page that cannot be classified fails alone.
with suppress(Exception):
    load_model()
