"""The containment probe on the cluster: the local engine's pairs of a short text and a text that holds
it (:func:`newsdedup.candidates.containment_pairs`), found on the texts as they were fingerprinted,
before site templates are stripped (as there).

Up to ``Layout.probe_values`` shingles of short texts, the client gathers the short texts into the local
engine's own table (:class:`newsdedup.candidates.ShortTexts`), which goes to every worker once; each
partition then looks its texts up in it, as the local engine looks up a chunk. Beyond that, shuffles:
the short texts' shingles on their value (each value kept for the first ``PROBE_COMMON`` short texts
that hold it), every text's shingles joined to them on the value, and the shared shingles counted per
pair after a shuffle on the pair. Both give the local pairs; each pair carries its place in the local order (``stage`` 1, then the chunk of
``PROBE_CHUNK`` texts its other text falls in, the short text, the other text).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..candidates import PROBE_CHUNK, PROBE_COMMON, SHORT_TEXT_SHINGLES, ShortTexts, is_short
from ..settings import DedupSettings
from ..verify import shared_needed
from .candidates import _meta
from .groups import PAIRS
from .layout import Layout
from .prints import part_of

SHORTS = _meta(pos="int64", shingles="object", count="int64")
HITS = _meta(value="int64", pos="int64", count="int64")
PROBE_STAGE = 1
_ROW = (1 << 32) - 1


def probe_pairs(
    texts,
    offsets: np.ndarray,
    settings: DedupSettings,
    persist: Callable,
    broadcast: Callable,
    layout: Layout,
):
    """``a`` (the short text), ``b`` and the order: the containment probe's pairs.

    ``texts``: the prints' ``shingles``, indexed by position; ``offsets``: the documents before each
    partition (for the local chunks); ``persist`` keeps a frame on the cluster, ``broadcast`` sends a value
    to every worker (a future of it).
    """
    shorts = persist(texts.map_partitions(short_texts, meta=SHORTS))
    values = int(shorts["count"].sum().compute())
    if values == 0:
        return texts.map_partitions(lambda part: PAIRS, meta=PAIRS)
    needed = wanted_shared(settings)
    if values <= layout.probe_values:
        local = shorts.compute().sort_values("pos")
        table = ShortTexts(
            local["pos"].to_numpy(),
            [np.frombuffer(value, dtype=np.uint32) for value in local["shingles"].tolist()],
            lambda n: int(needed[n]),
        )
        return texts.map_partitions(looked_up, broadcast(table), offsets, meta=PAIRS, enforce_metadata=False)
    return _shuffled(texts, shorts, needed, offsets, layout.partitions)


def wanted_shared(settings: DedupSettings) -> np.ndarray:
    """The shared shingles a short text of n shingles needs, indexed by n."""
    return np.array([shared_needed(n, settings) for n in range(SHORT_TEXT_SHINGLES + 1)], dtype=np.int64)


def short_texts(part: pd.DataFrame) -> pd.DataFrame:
    """The short texts of a partition: position, shingles (bytes) and how many."""
    counts = np.array([len(value) // 4 for value in part["shingles"].tolist()], dtype=np.int64)
    short = is_short(counts)
    return pd.DataFrame(
        {
            "pos": part.index.to_numpy()[short],
            "shingles": part["shingles"][short].to_numpy(),
            "count": counts[short],
        }
    )


def looked_up(part: pd.DataFrame, table: ShortTexts, offsets: np.ndarray) -> pd.DataFrame:
    """The partition's texts looked up in the table, ``PROBE_CHUNK`` at a time (the pairs do not depend on it)."""
    positions = part.index.to_numpy()
    sets = [np.frombuffer(value, dtype=np.uint32) for value in part["shingles"].tolist()]
    found = [
        pair
        for first in range(0, len(positions), PROBE_CHUNK)
        for pair in table.contained(positions[first : first + PROBE_CHUNK], sets[first : first + PROBE_CHUNK])
    ]
    a = np.array([short for short, _ in found], dtype=np.int64)
    b = np.array([other for _, other in found], dtype=np.int64)
    return ordered(a, b, offsets)


def ordered(a: np.ndarray, b: np.ndarray, offsets: np.ndarray) -> pd.DataFrame:
    """Probe pairs with their place in the local order (see the module)."""
    rank = offsets[part_of(b)] + (b & _ROW)
    return pd.DataFrame(
        {"a": a, "b": b, "stage": PROBE_STAGE, "k1": rank // PROBE_CHUNK, "k2": a, "k3": b}
    ).astype(np.int64)


def _shuffled(texts, shorts, needed: np.ndarray, offsets: np.ndarray, parts: int):
    """The probe by shuffles, for more short texts than the client takes."""
    table = shorts.map_partitions(exploded, meta=HITS).shuffle(on="value", npartitions=parts)
    table = table.map_partitions(first_holders, meta=HITS)
    queries = texts.map_partitions(lambda part: exploded(_counted(part)), meta=HITS)
    hits = queries.merge(table, on="value", suffixes=("_b", "_a"), npartitions=parts)
    hits = hits[hits["pos_a"] != hits["pos_b"]][["pos_a", "pos_b", "count_a", "count_b"]]
    pairs = hits.shuffle(on=["pos_a", "pos_b"], npartitions=parts)
    return pairs.map_partitions(counted_pairs, needed, offsets, meta=PAIRS)


def _counted(part: pd.DataFrame) -> pd.DataFrame:
    counts = np.array([len(value) // 4 for value in part["shingles"].tolist()], dtype=np.int64)
    return pd.DataFrame(
        {"pos": part.index.to_numpy(), "shingles": part["shingles"].to_numpy(), "count": counts}
    )


def exploded(part: pd.DataFrame) -> pd.DataFrame:
    """One row per shingle of each text: its value, the text's position and shingle count."""
    counts = part["count"].to_numpy()
    values = np.frombuffer(b"".join(part["shingles"].tolist()), dtype=np.uint32)
    return pd.DataFrame(
        {
            "value": values.astype(np.int64),
            "pos": np.repeat(part["pos"].to_numpy(), counts),
            "count": np.repeat(counts, counts),
        }
    )


def first_holders(part: pd.DataFrame) -> pd.DataFrame:
    """(Every row of a value together.) Each value's rows of the first ``PROBE_COMMON`` short texts that
    hold it, by position, as the local table keeps them."""
    rank = part.groupby("value")["pos"].rank(method="first")
    return part[rank <= PROBE_COMMON]


def counted_pairs(part: pd.DataFrame, needed: np.ndarray, offsets: np.ndarray) -> pd.DataFrame:
    """(Every hit of a pair together.) The pairs that share enough, the other text the longer (or as long
    and later)."""
    shared = part.groupby(["pos_a", "pos_b"], sort=False).agg(
        shared=("count_a", "size"), count_a=("count_a", "first"), count_b=("count_b", "first")
    )
    a = shared.index.get_level_values("pos_a").to_numpy()
    b = shared.index.get_level_values("pos_b").to_numpy()
    count_a, count_b = shared["count_a"].to_numpy(), shared["count_b"].to_numpy()
    keep = (shared["shared"].to_numpy() >= needed[count_a]) & (
        (count_b > count_a) | ((count_b == count_a) & (b > a))
    )
    return ordered(a[keep], b[keep], offsets)
