"""Site templates on the cluster: the local engine's batch-level template learning and stripping
(:mod:`newsdedup.templates`), as passes over the partitions.

1. **Learn.** Each partition counts the pages of each site (template key) and, for each of a site's lines
   (its 64-bit digest, :func:`newsdedup.templates.page_lines`), the pages that hold it and two of their
   page keys (:func:`newsdedup.templates.page_key`, the same for pages with the same lines), different
   when it saw two. The pages per site are few numbers, summed on the client; the line counts are
   summed after a shuffle on the line, a line whose keys are all one counts as on one page (as the
   local engine counts a line that only copies of one page hold), and a line is template by the local
   rule (:func:`newsdedup.templates.is_template`) against its site's pages. The template lines, a few
   per site, go to the client and from there to every worker.
2. **Strip.** Each partition strips its texts with the local code (:meth:`SiteTemplates.strip` over the
   lines of its sites), fingerprints the changed ones again and writes them to its stripped file (see
   :mod:`.prints`); it gives back the positions it changed and whether any text was left.
3. **Pairs again.** As the local engine does: the verified pairs no changed document touches stay; those
   with a changed document left with text are verified again on the stripped fingerprints; those with a
   document left with none are dropped (that document fails with :class:`TemplateOnly`).
"""

from __future__ import annotations

from collections import Counter
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

SITES = _meta(site="object", pages="int64")
LINES = _meta(site="object", line="uint64", pages="int64", key="uint64", other="uint64")
FOUND = _meta(site="object", line="uint64")
KEPT, EMPTIED = 1, 2  # a changed document: left with text, or with none
CHANGED = _meta(pos="int64", mark="int64", source="object")


def template_lines(prints, broadcast: Callable, parts: int) -> dict[str, frozenset[int]]:
    """Each site's template lines as digests (``prints``: columns ``template`` and ``text``)."""
    sites = prints[["template"]].map_partitions(site_pages, meta=SITES).compute()
    pages = sites.groupby("site")["pages"].sum()
    pages = pages[pages >= MIN_PAGES]  # no line of a smaller site is template
    lines = prints.map_partitions(line_pages, meta=LINES).shuffle(on="line", npartitions=parts)
    found = lines.map_partitions(templates_of, broadcast(pages.to_dict()), meta=FOUND).compute()
    learned: dict[str, set[int]] = {}
    for site, line in zip(found["site"].tolist(), found["line"].tolist(), strict=True):
        learned.setdefault(site, set()).add(line)
    return {site: frozenset(lines) for site, lines in learned.items()}


def site_pages(part: pd.DataFrame) -> pd.DataFrame:
    counts = Counter(site for site in part["template"].tolist() if site)
    return pd.DataFrame({"site": list(counts), "pages": list(counts.values())}).astype(SITES.dtypes)


def line_pages(part: pd.DataFrame) -> pd.DataFrame:
    """Per site and line of the partition's pages: on how many of them it stands, and the keys of two of
    those pages (different when they are not all copies of one page)."""
    counts: dict[tuple[str, int], list[int]] = {}  # [pages, a page's key, another page's key]
    for site, text in zip(part["template"].tolist(), part["text"].tolist(), strict=True):
        if site:
            lines = page_lines(text)
            key = page_key(lines)
            for line in lines:
                found = counts.get((site, line))
                if found is None:
                    counts[site, line] = [1, key, key]
                else:
                    found[0] += 1
                    if key != found[1]:
                        found[2] = key
    values = list(counts.values())
    return pd.DataFrame(
        {
            "site": [site for site, _ in counts],
            "line": np.array([line for _, line in counts], dtype=np.uint64),
            "pages": [pages for pages, _, _ in values],
            "key": np.array([key for _, key, _ in values], dtype=np.uint64),
            "other": np.array([other for _, _, other in values], dtype=np.uint64),
        }
    ).astype(LINES.dtypes)  # an empty partition's columns too: a shuffle needs the same types everywhere


def templates_of(part: pd.DataFrame, pages: dict[str, int]) -> pd.DataFrame:
    """(Every count of a line together.) The lines that are template on their site."""
    part = part[part["site"].isin(list(pages))]
    summed = (
        part.groupby(["site", "line"], sort=False)
        .agg(
            pages=("pages", "sum"),
            low=("key", "min"),
            high=("key", "max"),
            low2=("other", "min"),
            high2=("other", "max"),
        )
        .reset_index()
    )
    one_page = np.minimum(summed["low"], summed["low2"]) == np.maximum(summed["high"], summed["high2"])
    on_pages = np.where(one_page.to_numpy(), 1, summed["pages"].to_numpy())
    site_total = summed["site"].map(pages).to_numpy()
    return summed[is_template(on_pages, site_total)][["site", "line"]].astype(FOUND.dtypes)


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
