"""Site templates on the cluster: the local engine's batch-level template learning and stripping
(:mod:`newsdedup.templates`), as passes over the partitions.

1. **Learn.** Each partition counts the pages of each site (template key), and for each of a site's
   lines (its 64-bit digest, :func:`newsdedup.templates.page_lines`) the pages that hold it, with the
   lowest and highest of their title keys and lines keys (:func:`newsdedup.templates.add_spans`). The
   pages per site are few numbers, summed on the client; the line counts are summed after a shuffle on
   the line, and the local rule (:func:`newsdedup.templates.verdicts`) finds the template lines and
   those that only pages under one headline hold. They go to the client (a few per site) and from
   there to every worker.
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
from ..templates import MIN_PAGES, SiteTemplates, add_spans, lines_key, page_lines, title_key, verdicts
from .candidates import _meta
from .groups import AGAIN, EDGES, PAIR_ORDER, verified_edge_frame
from .prints import STRIPPED_SCHEMA, add_print, part_name
from .storage import Place

SITES = _meta(site="object", pages="int64")
SPANS = ("pages", "title_low", "title_high", "set_low", "set_high")
LINES = _meta(site="object", line="uint64", pages="int64", **dict.fromkeys(SPANS[1:], "uint64"))
FOUND = _meta(site="object", line="uint64", versions="bool")
KEPT, EMPTIED = 1, 2  # a changed document: left with text, or with none
CHANGED = _meta(pos="int64", mark="int64", source="object", lost="int64", lines="int64")


def template_lines(prints, broadcast: Callable, parts: int) -> SiteTemplates:
    """Each site's template lines as digests, and those that only pages under one headline hold
    (``prints``: columns ``template``, ``title`` and ``text``)."""
    sites = prints[["template"]].map_partitions(site_pages, meta=SITES).compute()
    pages = sites.groupby("site")["pages"].sum()
    pages = pages[pages >= MIN_PAGES]  # no line of a smaller site is template
    lines = prints.map_partitions(line_pages, meta=LINES).shuffle(on="line", npartitions=parts)
    found = lines.map_partitions(templates_of, broadcast(pages.to_dict()), meta=FOUND).compute()
    template: dict[str, set[int]] = {}
    versions: dict[str, set[int]] = {}
    for site, line, on_versions in found.itertuples(index=False):
        template.setdefault(site, set()).add(int(line))
        if on_versions:
            versions.setdefault(site, set()).add(int(line))
    return SiteTemplates(
        {site: frozenset(lines) for site, lines in template.items()},
        {site: frozenset(lines) for site, lines in versions.items()},
    )


def site_pages(part: pd.DataFrame) -> pd.DataFrame:
    counts = Counter(site for site in part["template"].tolist() if site)
    return pd.DataFrame({"site": list(counts), "pages": list(counts.values())}).astype(SITES.dtypes)


def line_pages(part: pd.DataFrame) -> pd.DataFrame:
    """Per site and line of the partition's pages: on how many of them it stands, and the lowest and
    highest of their title keys and lines keys."""
    pages: dict[str, list[tuple[int, frozenset[int]]]] = {}
    columns = (part[name].tolist() for name in ("template", "title", "text"))
    for site, title, text in zip(*columns, strict=True):
        if site:
            lines = page_lines(text)
            pages.setdefault(site, []).append((title_key(title, lines_key(lines)), lines))
    spans: dict[tuple[str, int], list[int]] = {}
    for site, site_pages in pages.items():
        add_spans(spans, site_pages, key=lambda line, site=site: (site, line))
    keys = list(spans)
    return pd.DataFrame(
        {
            "site": [site for site, _ in keys],
            "line": np.array([line for _, line in keys], dtype=np.uint64),
            **{
                name: np.array([spans[key][column] for key in keys], dtype=LINES.dtypes[name])
                for column, name in enumerate(SPANS)
            },
        }
    ).astype(LINES.dtypes)  # an empty partition's columns too: a shuffle needs the same types everywhere


def templates_of(part: pd.DataFrame, pages: dict[str, int]) -> pd.DataFrame:
    """(Every count of a line together.) The lines that are template on their site, and whether only
    pages under one headline hold them."""
    part = part[part["site"].isin(list(pages))]
    summed = (
        part.groupby(["site", "line"], sort=False)
        .agg(
            pages=("pages", "sum"),
            title_low=("title_low", "min"),
            title_high=("title_high", "max"),
            set_low=("set_low", "min"),
            set_high=("set_high", "max"),
        )
        .reset_index()
    )
    template, versions = verdicts(
        summed["pages"].to_numpy(),
        summed["site"].map(pages).to_numpy(),
        (summed["title_low"] == summed["title_high"]).to_numpy(),
        (summed["set_low"] == summed["set_high"]).to_numpy(),
    )
    return summed[template][["site", "line"]].assign(versions=versions[template]).astype(FOUND.dtypes)


def strip_part(
    part: pd.DataFrame,
    templates: SiteTemplates,
    settings: DedupSettings,
    stripped: Place,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    """Strip one partition's texts (``id``, ``path``, ``template``, ``text``), write its stripped file; the
    changes (with each document's ``source``, as a failure names it, and the lines it lost that only
    pages under one headline hold, of how many: :meth:`SiteTemplates.versions_lost`)."""
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
    kept, emptied, lost = templates.strip(enumerate(docs))
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
    versions = [lost.get(row, (0, 0)) for row in rows]
    return pd.DataFrame(
        {
            "pos": positions[rows].astype(np.int64),
            "mark": np.array([KEPT] * len(kept) + [EMPTIED] * len(emptied), dtype=np.int64),
            "source": pd.Series([docs[row].source for row in rows], dtype=object),
            "lost": np.array([n for n, _ in versions], dtype=np.int64),
            "lines": np.array([n for _, n in versions], dtype=np.int64),
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
