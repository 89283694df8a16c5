"""What the forkserver that starts the cleaning workers (:mod:`newsdedup.workers`) imports once.

Each worker would otherwise import the cleaner, compile its rules and load
py3langid's model on its first page: 0.5-0.6 s of CPU a worker when the model
was unpacked each time (1,000 speed-corpus pages with 2 workers: 2.7 -> 2.0 s of
CPU), and still about 20 ms for the rules now that its tables are mapped from
the cache (see :mod:`newsdedup.clean.langid_tables`). Forked from a server that
holds them, the workers start with all three, in memory they share until one
writes to it.
"""

from contextlib import suppress

from .clean import load_rules
from .clean.language import load_model

# A failure here would stop the server, and with it every worker: a worker whose model or rules
# did not load loads them itself, and a page that cannot be cleaned fails alone.
with suppress(Exception):
    load_model()
with suppress(Exception):
    load_rules()
