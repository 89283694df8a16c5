"""What the forkserver that starts the cleaning workers (:mod:`newsdedup.workers`) imports once.

Each worker would otherwise import the cleaner, compile its rules and load
py3langid's model on its first page: 0.5-0.6 s of CPU a worker when the model
was unpacked each time (1,000 speed-corpus pages with 2 workers: 2.7 -> 2.0 s of
CPU), and still about 20 ms for the rules now that its tables are mapped from
the cache (see :mod:`newsdedup.clean.langid_tables`). Forked from a server that
holds them, the workers start with all three, in memory they share until one
writes to it.

The server then cleans and fingerprints one small page, so that what the stages
build on first use is built here once too: justext imported for its stoplists,
the phrase rules' compiled prefilter, numpy's random module for the MinHash
permutations. A worker's first page took 67 ms, the next ones about 1 ms.
"""

from contextlib import suppress
from functools import cache

from .clean import clean_document, load_rules
from .clean.language import load_model
from .document import HTML, Document
from .fingerprint import fingerprint_documents
from .settings import DedupSettings

# Verdicts on lines are remembered, but they depend only on the line: this page changes no result.
_WARM_UP_PAGE = """Home | News | Sport | About
Ministers agree on a new plan for the city's water supply
Read also: Rain expected over the weekend
The ministers met on Tuesday and agreed that the city will build two new reservoirs, which
should be ready before the dry season of next year, the government said in a statement.
Share this article
Copyright 2024 The News. All rights reserved.
"""


_WARM_UP_HTML = f"""<html><head><title>Ministers agree on a new plan</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Ministers agree on a new plan</h1>
<p>{" ".join(_WARM_UP_PAGE.splitlines()[3:5])}</p></article></body></html>"""


@cache
def warm_up() -> None:
    """Load and build, once in this process, what the cleaning stages make on first use.

    Done before the first page, so that it is not counted against that page's time limit (70 ms
    or so: one process and the Dask engine's threads failed a first page at ``--timeout 0.1``).
    A failure here would stop the workers' server, and with it every worker: a process whose
    model or rules did not load loads them itself, and a page that cannot be cleaned fails alone.
    """
    with suppress(Exception):
        load_model()
    with suppress(Exception):
        load_rules()
    with suppress(Exception):
        cleaned = clean_document(Document(id="warm-up", raw=_WARM_UP_PAGE), load_rules())
        for _ in fingerprint_documents([cleaned], DedupSettings()):
            pass


@cache
def warm_up_html() -> None:
    """The same for HTML pages, before the first one's time limit starts: trafilatura imported and its
    first extraction made (60 ms here; Dask workers at ``--timeout 0.1`` failed their first HTML page).
    Not in :func:`warm_up`, which every worker's server runs: a run of plain text does without it."""
    with suppress(Exception):
        clean_document(Document(id="warm-up", raw=_WARM_UP_HTML, kind=HTML), load_rules())


warm_up()  # the workers' server imports this module before it forks them (newsdedup.workers)
