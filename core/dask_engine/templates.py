"""Site templates on the cluster: the local engine's batch-level template learning and stripping
(:mod:`newsdedup.templates`), as passes over the partitions.

1. **Learn.** As locally, a site's pages with the same lines count once: a page is known by the digest of
   its lines (:func:`newsdedup.templates.page_key`). Each partition gives the distinct pages of each site
   (template key), and each line (its 64-bit digest, :func:`newsdedup.templates.page_lines`) of those
   pages with the page it is on. The distinct pages are counted per site after a shuffle on the page, a
   few numbers for the client; the lines' pages are counted after a shuffle on the line, and a line is
   template by the local rule (:func:`newsdedup.templates.is_template`) against its site's pages. The
   template lines, a few per site, go to the client and from there to every worker.
2. **Strip.** Each partition strips its texts with the local code (:meth:`SiteTemplates.strip` over the
   lines of its sites), fingerprints the changed ones again and writes them to its stripped file (see
   :mod:`.prints`); it gives back the positions it changed and whether any text was left.
3. **Pairs again.** As the local engine does: the verified pairs no changed document touches stay; those
   with a changed document left with text are verified again on the stripped fingerprints; those with a
   document left with none are dropped (that document fails with :class:`TemplateOnly`).
"""

from __future__ import annotations

from collections.abc import Callable

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..document import Document
from ..fingerprint import fingerprints
from ..settings import DedupSettings
from ..templates import MIN_PAGES, SiteTemplates, is_template, page_key, page_lines
from .candidates import _meta
from .groups import AGAIN, EDGES, PAIR_ORDER, verified_edge_frame
from .prints import STRIPPED_SCHEMA, add_print, part_name
from .storage import Place

PAGES = _meta(site="object", page="uint64")
LINES = _meta(site="object", line="uint64", page="uint64")
FOUND = _meta(site="object", line="uint64")
KEPT, EMPTIED = 1, 2  # a changed document: left with text, or with none
CHANGED = _meta(pos="int64", mark="int64", source="object")


def template_lines(prints, broadcast: Callable, parts: int) -> dict[str, frozenset[int]]:
    """Each site's template lines as digests (``prints``: columns ``template`` and ``text``)."""
    sites = prints.map_partitions(site_pages, meta=PAGES).drop_duplicates(split_out=parts)
    pages = sites["site"].value_counts().compute()
    pages = pages[pages >= MIN_PAGES]  # no line of a smaller site is template
    lines = prints.map_partitions(line_pages, meta=LINES).shuffle(on="line", npartitions=parts)
    found = lines.map_partitions(templates_of, broadcast(pages.to_dict()), meta=FOUND).compute()
    learned: dict[str, set[int]] = {}
    for site, line in zip(found["site"].tolist(), found["line"].tolist(), strict=True):
        learned.setdefault(site, set()).add(line)
    return {site: frozenset(lines) for site, lines in learned.items()}


def site_pages(part: pd.DataFrame) -> pd.DataFrame:
    """The partition's distinct pages of each site."""
    pages = {(site, page) for site, page, _ in _pages(part)}
    return pd.DataFrame(
        {"site": [site for site, _ in pages], "page": np.array([page for _, page in pages], dtype=np.uint64)}
    ).astype(PAGES.dtypes)


def line_pages(part: pd.DataFrame) -> pd.DataFrame:
    """Each line of the partition's distinct pages of each site, with the page it is on."""
    rows = {(site, line, page) for site, page, lines in _pages(part) for line in lines}
    return pd.DataFrame(
        {
            "site": [site for site, _, _ in rows],
            "line": np.array([line for _, line, _ in rows], dtype=np.uint64),
            "page": np.array([page for _, _, page in rows], dtype=np.uint64),
        }
    ).astype(LINES.dtypes)  # an empty partition's columns too: a shuffle needs the same types everywhere


def _pages(part: pd.DataFrame):
    """(site, page key, lines) of each of the partition's pages that has a site."""
    for site, text in zip(part["template"].tolist(), part["text"].tolist(), strict=True):
        if site:
            lines = page_lines(text)
            yield site, page_key(lines), lines


def templates_of(part: pd.DataFrame, pages: dict[str, int]) -> pd.DataFrame:
    """(Every page of a line together.) The lines that are template on their site."""
    part = part[part["site"].isin(list(pages))].drop_duplicates()
    counted = part.groupby(["site", "line"], sort=False).size().reset_index(name="pages")
    site_total = counted["site"].map(pages).to_numpy()
    return counted[is_template(counted["pages"].to_numpy(), site_total)][["site", "line"]].astype(
        FOUND.dtypes
    )


def strip_part(
    part: pd.DataFrame,
    lines: dict[str, frozenset[int]],
    settings: DedupSettings,
    stripped: Place,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    """Strip one partition's texts (``id``, ``path``, ``template``, ``text``), write its stripped file; the
    changes (with each document's ``source``, as a failure names it)."""
    positions = part.index.to_numpy()
    docs = [
        Document(id=doc_id, path=path, text=text, template=site)
        for doc_id, path, text, site in zip(
            part["id"].tolist(),
            part["path"].tolist(),
            part["text"].tolist(),
            part["template"].tolist(),
            strict=True,
        )
    ]
    kept, emptied = SiteTemplates(lines).strip(enumerate(docs))
    prints = fingerprints(list(kept.values()), settings.shingle_size, settings.num_perm, settings.seed)
    columns: dict[str, list] = {name: [] for name in STRIPPED_SCHEMA.names}
    for (row, text), print_ in zip(kept.items(), prints, strict=True):
        columns["pos"].append(int(positions[row]))
        columns["text"].append(text)
        add_print(columns, print_)
        columns["emptied"].append(False)
    for row in emptied:
        columns["pos"].append(int(positions[row]))
        for name in STRIPPED_SCHEMA.names[1:-1]:
            columns[name].append(None)
        columns["emptied"].append(True)
    stripped.write_table(part_name(partition_info["number"]), _table(columns))
    rows = [*kept, *emptied]
    return pd.DataFrame(
        {
            "pos": positions[rows].astype(np.int64),
            "mark": np.array([KEPT] * len(kept) + [EMPTIED] * len(emptied), dtype=np.int64),
            "source": pd.Series([docs[row].source for row in rows], dtype=object),
        }
    )


def _table(columns: dict[str, list]):
    import pyarrow as pa

    return pa.table(columns, schema=STRIPPED_SCHEMA)


def stripped_edges(edges, changed, prints, settings: DedupSettings, parts: int):
    """The verified pairs once templates are stripped (step 3 of the module); ``prints``: the stripped
    prints with the columns ``pos`` and ``VERIFIED``."""
    marks = changed[["pos", "mark"]]
    marked = edges.merge(
        marks.rename(columns={"pos": "a", "mark": "mark_a"}), on="a", how="left", npartitions=parts
    )
    marked = marked.merge(
        marks.rename(columns={"pos": "b", "mark": "mark_b"}), on="b", how="left", npartitions=parts
    )
    mark_a, mark_b = marked["mark_a"].fillna(0), marked["mark_b"].fillna(0)
    untouched = marked[(mark_a == 0) & (mark_b == 0)][list(EDGES.columns)]
    again = marked[((mark_a == KEPT) | (mark_b == KEPT)) & (mark_a != EMPTIED) & (mark_b != EMPTIED)]
    again = again[["a", "b", *PAIR_ORDER]].assign(stage=again["stage"] + AGAIN)
    verified = verified_edge_frame(again, prints, settings, parts)
    return dd.concat([untouched, verified], ignore_index=True)
