"""Site templates on the cluster: the local engine's batch-level template learning and stripping
(:mod:`newsdedup.templates`), as passes over the partitions.

1. **Learn.** Each partition counts the pages of each site (template key) and, for each of a site's lines
   (a 128-bit digest of its phrase key), the pages that hold it. The pages per site are few numbers, summed
   on the client; the line counts are summed after a shuffle on the line, and a line is template by the
   local rule (:func:`newsdedup.templates.is_template`) against its site's pages. The template lines, a few
   per site, go to the client and from there to every worker.
2. **Strip.** Each partition strips its texts with the local code (:meth:`SiteTemplates.strip` over the
   lines of its sites), fingerprints the changed ones again and writes them to its stripped file (see
   :mod:`.prints`); it gives back the positions it changed and whether any text was left.
3. **Pairs again.** As the local engine does: the verified pairs no changed document touches stay; those
   with a changed document left with text are verified again on the stripped fingerprints; those with a
   document left with none are dropped (that document fails with :class:`TemplateOnly`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..document import Document
from ..fingerprint import fingerprints
from ..settings import DedupSettings
from ..templates import MIN_PAGES, SiteTemplates, is_template, line_keys
from .candidates import _meta
from .groups import AGAIN, EDGES, PAIR_ORDER, verified_edge_frame
from .prints import STRIPPED_SCHEMA, add_print, part_name
from .storage import Place

LINES = _meta(site="object", k0="uint64", k1="uint64", pages="int64")
SITES = _meta(site="object", pages="int64")
KEPT, EMPTIED = 1, 2  # a changed document: left with text, or with none
CHANGED = _meta(pos="int64", mark="int64", id="object")


def template_lines(prints, broadcast: Callable, parts: int) -> dict[str, frozenset[tuple[int, int]]]:
    """Each site's template lines as digests (``prints``: columns ``template`` and ``text``)."""
    sites = prints[["template"]].map_partitions(site_pages, meta=SITES).compute()
    pages = sites.groupby("site")["pages"].sum()
    pages = pages[pages >= MIN_PAGES]  # no line of a smaller site is template
    lines = prints.map_partitions(line_pages, meta=LINES).shuffle(on=["k0", "k1"], npartitions=parts)
    found = lines.map_partitions(templates_of, broadcast(pages.to_dict()), meta=LINES).compute()
    learned: dict[str, set[tuple[int, int]]] = {}
    for site, k0, k1 in zip(found["site"].tolist(), found["k0"].tolist(), found["k1"].tolist(), strict=True):
        learned.setdefault(site, set()).add((k0, k1))
    return {site: frozenset(keys) for site, keys in learned.items()}


def site_pages(part: pd.DataFrame) -> pd.DataFrame:
    counts = Counter(site for site in part["template"].tolist() if site)
    return pd.DataFrame({"site": list(counts), "pages": list(counts.values())}).astype(SITES.dtypes)


def digests(keys: list[str]) -> np.ndarray:
    """A 128-bit digest of each line key, as two uint64 columns."""
    joined = b"".join(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest() for key in keys
    )
    return np.frombuffer(joined, dtype="<u8").reshape(len(keys), 2)


def line_pages(part: pd.DataFrame) -> pd.DataFrame:
    """Per site and line of the partition's pages: on how many of them it stands."""
    counts: Counter[tuple[str, str]] = Counter()
    for site, text in zip(part["template"].tolist(), part["text"].tolist(), strict=True):
        if site:
            counts.update((site, key) for key in line_keys(text))
    keys = digests([key for _, key in counts])
    return pd.DataFrame(
        {
            "site": [site for site, _ in counts],
            "k0": keys[:, 0],
            "k1": keys[:, 1],
            "pages": list(counts.values()),
        }
    ).astype(LINES.dtypes)  # an empty partition's columns too: a shuffle needs the same types everywhere


def templates_of(part: pd.DataFrame, pages: dict[str, int]) -> pd.DataFrame:
    """(Every count of a line together.) The lines that are template on their site."""
    part = part[part["site"].isin(list(pages))]
    summed = part.groupby(["site", "k0", "k1"], sort=False)["pages"].sum().reset_index()
    site_total = summed["site"].map(pages).to_numpy()
    return summed[is_template(summed["pages"].to_numpy(), site_total)].astype(LINES.dtypes)


def strip_part(
    part: pd.DataFrame,
    lines: dict[str, frozenset[tuple[int, int]]],
    settings: DedupSettings,
    stripped: Place,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    """Strip one partition's texts (``id``, ``template``, ``text``), write its stripped file; the changes."""
    positions = part.index.to_numpy()
    docs = [
        Document(id=doc_id, text=text, template=site)
        for doc_id, text, site in zip(
            part["id"].tolist(), part["text"].tolist(), part["template"].tolist(), strict=True
        )
    ]
    here: dict[str, set[str]] = {}
    for doc in docs:
        site_lines = lines.get(doc.template or "")
        if site_lines:
            keys = sorted(line_keys(doc.text))
            here.setdefault(doc.template, set()).update(
                key
                for key, digest in zip(keys, map(tuple, digests(keys).tolist()), strict=True)
                if digest in site_lines
            )
    kept, emptied = SiteTemplates({site: frozenset(keys) for site, keys in here.items()}).strip(
        enumerate(docs)
    )
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
            "id": pd.Series([docs[row].id for row in rows], dtype=object),
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
