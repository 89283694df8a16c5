"""Stage 2 on the cluster: the local engine's candidate pairs, found with shuffles instead of one band index.

The local rule (:mod:`newsdedup.candidates`): a document's candidates are the
*earlier indexed* documents sharing an LSH band with it, at most
``MAX_VERIFIED``, the closest by signature (ties by id); a document is indexed
unless an earlier indexed document sharing a band agrees with ``TWIN_AGREEMENT``
of its signature. "Earlier" is position order (the input order), here as there:

1. **Heads.** Documents with identical signatures are grouped (a shuffle on a
   128-bit digest); the first of a group is its head. A later copy is never
   indexed (its head, or the head's indexed twin, is an earlier indexed twin of
   it), so only heads are cut into bands: a story copied 100,000 times word for
   word is one row per band.
2. **Head pairs.** A round of bands at a time (as many as keep a round's rows
   within bounds, see :mod:`.layout`), each head becomes (band, band key, position) rows,
   shuffled on (band, key); each bucket gives its pairs of heads. Pairs found in
   several bands are kept once, and two joins bring both signatures to count
   how many values agree.
3. **Twins.** Head pairs agreeing on ``TWIN_AGREEMENT`` are twins. In position
   order, a head is indexed unless an earlier twin of it is (:func:`twin_losers`),
   per connected component of the twin graph.
4. **Found and capped.** A document's found set is its head's indexed
   neighbours (and its head, for a later copy), those earlier than itself, with
   their agreement; :func:`newsdedup.candidates.closest_candidates` caps it.

**Skewed buckets.** A bucket of k distinct heads gives k(k-1)/2 pairs; a story
reprinted 10,000 times with small differences would give 50 million in every
band its versions share. A bucket of more than ``Layout.bucket_heads`` heads
therefore gives linear pairs (:func:`representative_links`): in position order,
a head is a *representative* unless it is a twin of an earlier representative
and has no word-for-word copies, and each head is paired with the earlier
representatives only. The pairs left out are those of a non-representative
with later heads. A pair with a head that is not indexed changes nothing (not
its partner's twin rule, not its partner's found set); a head's own found set
only holds earlier heads, and the only documents that take a head's pairs with
*later* heads are its copies, which a non-representative has none of. A
non-representative is a twin of an earlier head, so it is almost never indexed. That is checked once the twins are settled (:func:`unsafe_buckets`: by
induction in position order, the twin rule then gives every head the status it
has with all pairs); a bucket where a non-representative is indexed gives all
its pairs, and the stages run again until none does, so the result is always the
local one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..candidates import MAX_VERIFIED, TWIN_AGREEMENT, band_keys, closest_candidates
from ..settings import DedupSettings
from .components import labels_frame
from .layout import Layout
from .prints import uint32_rows

_I64, _U64, _STR = "int64", "uint64", "object"


def _meta(**columns: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


HEADED = _meta(pos=_I64, id=_STR, signature=_STR, head=_I64, head_id=_STR, copied="bool")
BAND_ROWS = _meta(band=_I64, key=_U64, pos=_I64)
PAIRS = _meta(q=_I64, r=_I64)
AGREEING = _meta(q=_I64, r=_I64, agreement=_I64, id_q=_STR, id_r=_STR)
FOUND = _meta(q=_I64, p=_I64, agreement=_I64, id_q=_STR)
CANDIDATES = _meta(q=_I64, p=_I64, order=_I64)
LOSERS = _meta(pos=_I64)
LINKS = _meta(band=_I64, key=_U64, q=_I64, r=_I64, follows="bool")
Buckets = frozenset[tuple[int, int]]  # (band, key) of buckets


def candidate_pairs(signatures, settings: DedupSettings, persist: Callable, layout: Layout):
    """``q``, ``p``, ``order``: the candidate pairs of the local engine (``q`` earlier), ``order`` being the
    place of ``q`` among ``p``'s candidates as the local engine yields them.

    ``signatures`` has the columns ``pos``, ``id`` and ``signature``; ``persist`` computes a frame on the
    cluster and keeps it there.
    """
    parts = layout.partitions
    headed = persist(
        signatures.map_partitions(with_digest, meta=signatures._meta.assign(d0=np.uint64(0), d1=np.uint64(0)))
        .shuffle(on=["d0", "d1"], npartitions=parts)
        .map_partitions(with_heads, meta=HEADED)
    )
    heads = headed[headed["pos"] == headed["head"]][["pos", "id", "signature", "copied"]]
    in_full: Buckets = frozenset()
    while True:  # until every bucket that gave its representatives' pairs only was safe to
        pairs, links = head_pairs(heads, settings, persist, layout, in_full)
        pairs = persist(agreeing_pairs(pairs, heads, settings.num_perm, parts))
        twins = pairs[pairs["agreement"] >= TWIN_AGREEMENT * settings.num_perm]
        losers = twin_losers_of(twins, persist, layout)
        unsafe = unsafe_buckets(links, losers, parts) if links is not None else frozenset()
        if not unsafe:
            break
        in_full |= unsafe
    found = found_pairs(headed, pairs, losers, settings.num_perm, parts)
    found = dd.concat([found, twins_found(headed, pairs, losers, found, settings.num_perm, parts)])
    return found.shuffle(on="p", npartitions=parts).map_partitions(capped, meta=CANDIDATES)


def with_digest(part: pd.DataFrame) -> pd.DataFrame:
    """Two uint64 columns ``d0``, ``d1``: a 128-bit digest of each signature (equal signatures, equal digests)."""
    digests = b"".join(hashlib.blake2b(s, digest_size=16).digest() for s in part["signature"].tolist())
    halves = np.frombuffer(digests, dtype=np.uint64).reshape(len(part), 2)
    return part.assign(d0=halves[:, 0], d1=halves[:, 1])


def with_heads(part: pd.DataFrame) -> pd.DataFrame:
    """Each document's head, the first document with the same signature, the head's id, and whether the
    signature has copies."""
    part = part.sort_values(["d0", "d1", "pos"])
    groups = part.groupby(["d0", "d1"], sort=False)
    first = groups[["pos", "id"]].transform("first")
    return pd.DataFrame(
        {
            "pos": part["pos"],
            "id": part["id"],
            "signature": part["signature"],
            "head": first["pos"],
            "head_id": first["id"],
            "copied": groups["pos"].transform("size") > 1,
        }
    )


def head_pairs(heads, settings: DedupSettings, persist: Callable, layout: Layout, in_full: Buckets):
    """``q``, ``r``: the pairs of heads (``q`` earlier) that share at least one band, each once, those of
    large buckets (unless ``in_full``) with their representatives only; and those buckets' links (None:
    there were none)."""
    pair_rounds, link_rounds, parts, per_round = [], [], layout.partitions, layout.bands_per_round
    signed_heads = heads[["pos", "signature", "copied"]]
    for first in range(0, settings.bands, per_round):
        bands = range(first, min(first + per_round, settings.bands))
        rows = heads.map_partitions(band_rows, bands, settings, meta=BAND_ROWS)
        buckets = persist(rows.shuffle(on=["band", "key"], npartitions=parts))
        limits = (layout.bucket_heads, in_full)
        pair_rounds.append(persist(buckets.map_partitions(full_bucket_pairs, *limits, meta=PAIRS)))
        large = persist(buckets.map_partitions(large_bucket_rows, *limits, meta=BAND_ROWS))
        if len(large):
            signed = large.merge(signed_heads, on="pos", npartitions=parts)
            shuffled = signed.shuffle(on=["band", "key"], npartitions=parts)
            link_rounds.append(
                persist(shuffled.map_partitions(representative_links, settings.num_perm, meta=LINKS))
            )
    links = dd.concat(link_rounds, ignore_index=True) if link_rounds else None
    if links is not None:
        pair_rounds.append(links[["q", "r"]])
    pairs = dd.concat(pair_rounds, ignore_index=True).shuffle(on="r", npartitions=parts)
    return pairs.map_partitions(pd.DataFrame.drop_duplicates, meta=PAIRS), links


def band_rows(part: pd.DataFrame, bands: range, settings: DedupSettings) -> pd.DataFrame:
    """One row per head and band: the band, its key (as the local band index computes it), the position."""
    matrix = uint32_rows(part["signature"], settings.num_perm)
    rows = settings.num_perm // settings.bands
    keys = [band_keys(matrix[:, band * rows : (band + 1) * rows]) for band in bands]
    positions = part["pos"].to_numpy()
    return pd.DataFrame(
        {
            "band": np.repeat(np.array(bands, dtype=np.int64), len(part)),
            "key": np.concatenate(keys) if keys else np.empty(0, dtype=np.uint64),
            "pos": np.tile(positions, len(keys)),
        }
    )


def bucket_pairs(part: pd.DataFrame) -> pd.DataFrame:
    """Every pair of rows with the same band and key: ``q`` the earlier position, ``r`` the later."""
    order = np.lexsort((part["pos"].to_numpy(), part["key"].to_numpy(), part["band"].to_numpy()))
    band, key = part["band"].to_numpy()[order], part["key"].to_numpy()[order]
    positions = part["pos"].to_numpy()[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    earlier = np.arange(len(order)) - first  # rows before this one in its bucket: one pair each
    later = np.repeat(np.arange(len(order)), earlier)
    within = np.arange(len(later)) - np.repeat(np.cumsum(earlier) - earlier, earlier)
    return pd.DataFrame({"q": positions[first[later] + within], "r": positions[later]}).drop_duplicates()


def _large(part: pd.DataFrame, bucket_heads: int, in_full: Buckets) -> np.ndarray:
    """Which rows of a partition of whole buckets belong to a bucket of more than ``bucket_heads``
    heads that is not ``in_full``."""
    sizes = part.groupby(["band", "key"], sort=False)["pos"].transform("size").to_numpy()
    large = sizes > bucket_heads
    if in_full and large.any():
        rows = np.flatnonzero(large)
        bands, keys = part["band"].to_numpy()[rows].tolist(), part["key"].to_numpy()[rows].tolist()
        large[rows[[bucket in in_full for bucket in zip(bands, keys, strict=True)]]] = False
    return large


def full_bucket_pairs(part: pd.DataFrame, bucket_heads: int, in_full: Buckets) -> pd.DataFrame:
    """Every pair of the buckets that give all their pairs."""
    return bucket_pairs(part[~_large(part, bucket_heads, in_full)])


def large_bucket_rows(part: pd.DataFrame, bucket_heads: int, in_full: Buckets) -> pd.DataFrame:
    """The rows of the buckets that give their representatives' pairs only."""
    return part[_large(part, bucket_heads, in_full)]


def representative_links(part: pd.DataFrame, num_perm: int) -> pd.DataFrame:
    """Per bucket (rows with the head's ``signature`` and ``copied``), in position order: a head is a
    representative unless it is a twin of an earlier one and has no copies; each head is linked to every
    earlier representative (``q``), and ``follows`` says the head is no representative and ``q`` one of
    the representatives it is a twin of."""
    found = []
    for (band, key), bucket in part.groupby(["band", "key"], sort=False):
        bucket = bucket.sort_values("pos")
        positions, copied = bucket["pos"].to_numpy(), bucket["copied"].to_numpy()
        matrix = uint32_rows(bucket["signature"], num_perm)
        representatives: list[int] = []
        for row in range(len(bucket)):
            twin = (matrix[representatives] == matrix[row]).sum(axis=1) >= TWIN_AGREEMENT * num_perm
            follows = twin & ~copied[row]
            found.append((band, key, positions[representatives], positions[row], follows))
            if not follows.any():
                representatives.append(row)
    if not found:
        return LINKS.copy()
    sizes = [len(q) for _, _, q, _, _ in found]
    return pd.DataFrame(
        {
            "band": np.repeat(np.array([band for band, *_ in found], dtype=np.int64), sizes),
            "key": np.repeat(np.array([key for _, key, *_ in found], dtype=np.uint64), sizes),
            "q": np.concatenate([q for _, _, q, _, _ in found]).astype(np.int64),
            "r": np.repeat(np.array([r for *_, r, _ in found], dtype=np.int64), sizes),
            "follows": np.concatenate([follows for *_, follows in found]).astype(bool),
        }
    )


def unsafe_buckets(links, losers, parts: int) -> Buckets:
    """The buckets that gave their representatives' pairs only where a head that is not a representative
    is indexed: the pairs left out there may count (see the module)."""
    followers = links[links["follows"]][["band", "key", "r"]]
    marked = _with_lost(followers, "r", losers, parts)
    unsafe = marked[~marked["lost"]][["band", "key"]].drop_duplicates().compute()
    return frozenset(zip(unsafe["band"].tolist(), unsafe["key"].tolist(), strict=True))


def agreeing_pairs(pairs, heads, num_perm: int, parts: int):
    """The pairs with both heads' ids and the number of signature values they agree on."""
    heads = heads[["pos", "id", "signature"]]
    left = heads.rename(columns={"pos": "q", "id": "id_q", "signature": "sig_q"})
    right = heads.rename(columns={"pos": "r", "id": "id_r", "signature": "sig_r"})
    joined = pairs.merge(left, on="q", npartitions=parts).merge(right, on="r", npartitions=parts)
    return joined.map_partitions(with_agreement, num_perm, meta=AGREEING)


def with_agreement(part: pd.DataFrame, num_perm: int) -> pd.DataFrame:
    agreement = (uint32_rows(part["sig_q"], num_perm) == uint32_rows(part["sig_r"], num_perm)).sum(axis=1)
    return pd.DataFrame(
        {
            "q": part["q"],
            "r": part["r"],
            "agreement": agreement.astype(np.int64),
            "id_q": part["id_q"],
            "id_r": part["id_r"],
        }
    )


def twin_losers(part: pd.DataFrame) -> pd.DataFrame:
    """The heads that are not indexed: in position order, those with an earlier twin that is indexed.

    ``part`` holds twin pairs ``q`` < ``r`` covering whole components of the
    twin graph; a head's status is settled before any later head asks for it.
    """
    losers: set[int] = set()
    ordered = part.sort_values(["r", "q"])
    for earlier, later in zip(ordered["q"].tolist(), ordered["r"].tolist(), strict=True):
        if later not in losers and earlier not in losers:
            losers.add(later)
    return pd.DataFrame({"pos": np.array(sorted(losers), dtype=np.int64)})


def twin_losers_of(twins, persist: Callable, layout: Layout):
    """:func:`twin_losers` over the twin graph: on the client while it is small (an array), else per
    component (a frame)."""
    twins = persist(twins[["q", "r"]])
    if len(twins) <= layout.client_edges:
        return twin_losers(twins.compute())["pos"].to_numpy()
    labels = labels_frame(twins.rename(columns={"q": "a", "r": "b"}), persist, layout)
    labelled = twins.merge(labels.rename(columns={"pos": "q"}), on="q", npartitions=layout.partitions)
    return persist(
        labelled.shuffle(on="label", npartitions=layout.partitions).map_partitions(twin_losers, meta=LOSERS)
    )


def found_pairs(headed, pairs, losers, num_perm: int, parts: int):
    """``q``, ``p``, ``agreement``, ``id_q``: for every document ``p``, the indexed documents ``q`` < ``p``
    that share a band with it. ``p``'s signature is its head's, so its head's pairs tell."""
    later = pairs[["r", "q", "agreement", "id_q"]].rename(columns={"r": "head"})
    earlier = pairs[["q", "r", "agreement", "id_r"]].rename(columns={"q": "head", "r": "q", "id_r": "id_q"})
    neighbours = _indexed(dd.concat([later, earlier], ignore_index=True), "q", losers, parts)
    documents = headed[["pos", "head", "head_id"]].rename(columns={"pos": "p"})
    via_head = documents.merge(neighbours, on="head", npartitions=parts)
    via_head = via_head[via_head["q"] < via_head["p"]][["q", "p", "agreement", "id_q"]]
    copies = _indexed(documents[documents["p"] != documents["head"]], "head", losers, parts)
    heads = copies.rename(columns={"head": "q", "head_id": "id_q"}).assign(agreement=np.int64(num_perm))
    return dd.concat([via_head, heads[["q", "p", "agreement", "id_q"]]], ignore_index=True)


def twins_found(headed, pairs, losers, found, num_perm: int, parts: int):
    """``q``, ``p``, ``agreement``, ``id_q``: the twins ``q`` < ``p`` of the indexed documents ``p`` found,
    as the local engine adds them (:func:`newsdedup.candidates._with_twins`): of each indexed head, the
    first ``MAX_VERIFIED`` documents by position that were left out of the index as its twins.

    A document is a twin of the indexed head ``x`` when it is a later copy of ``x``, or when its own
    head is not indexed and agrees with ``x`` on ``TWIN_AGREEMENT`` (two indexed heads never do: the
    later would have been left out) and it comes after ``x``. The first ``MAX_VERIFIED`` of them
    overall hold the first ones before any ``p``.
    """
    twins = pairs[pairs["agreement"] >= TWIN_AGREEMENT * num_perm][["q", "r"]]
    either = dd.concat(
        [twins.rename(columns={"q": "x", "r": "y"}), twins.rename(columns={"q": "y", "r": "x"})],
        ignore_index=True,
    )
    either = _indexed(either, "x", losers, parts)
    documents = headed[["pos", "head"]].rename(columns={"pos": "t", "head": "y"})
    held = either.merge(documents, on="y", npartitions=parts)
    held = held[held["t"] > held["x"]][["x", "t"]]
    # and the later copies of an indexed head, word for word, are its twins
    copies = _indexed(documents[documents["t"] != documents["y"]], "y", losers, parts)
    held = dd.concat([held, copies.rename(columns={"y": "x"})[["x", "t"]]], ignore_index=True)
    first = held.shuffle(on="x", npartitions=parts).map_partitions(_first_twins, meta=_meta(x=_I64, t=_I64))
    via = found[["q", "p"]].merge(first.rename(columns={"x": "q"}), on="q", npartitions=parts)
    via = via[via["t"] < via["p"]][["t", "p"]].drop_duplicates()
    signed = headed[["pos", "id", "signature"]]
    joined = via.merge(signed.rename(columns={"pos": "t", "id": "id_q", "signature": "sig_q"}), on="t")
    joined = joined.merge(
        signed[["pos", "signature"]].rename(columns={"pos": "p", "signature": "sig_r"}), on="p"
    )
    return joined.rename(columns={"t": "q"}).map_partitions(_with_found_agreement, num_perm, meta=FOUND)


def _first_twins(part: pd.DataFrame) -> pd.DataFrame:
    """Of each ``x``, the ``MAX_VERIFIED`` smallest ``t``."""
    part = part.drop_duplicates().sort_values(["x", "t"])
    return part[part.groupby("x", sort=False).cumcount() < MAX_VERIFIED]


def _with_found_agreement(part: pd.DataFrame, num_perm: int) -> pd.DataFrame:
    agreement = (uint32_rows(part["sig_q"], num_perm) == uint32_rows(part["sig_r"], num_perm)).sum(axis=1)
    return pd.DataFrame(
        {"q": part["q"], "p": part["p"], "agreement": agreement.astype(np.int64), "id_q": part["id_q"]}
    )


def _indexed(frame, column: str, losers, parts: int):
    """The rows whose ``column`` is an indexed head (not among the ``losers``, an array or a frame)."""
    marked = _with_lost(frame, column, losers, parts)
    return marked[~marked["lost"]].drop(columns="lost")


def _with_lost(frame, column: str, losers, parts: int):
    """``frame`` with a column ``lost``: whether its ``column`` is among the ``losers`` (an array or a frame)."""
    if isinstance(losers, np.ndarray):
        return frame.map_partitions(_marked, column, losers, meta=frame._meta.assign(lost=False))
    lost = losers.rename(columns={"pos": column}).assign(lost=True)
    marked = frame.merge(lost, on=column, how="left", npartitions=parts)
    return marked.assign(lost=~marked["lost"].isna())


def _marked(part: pd.DataFrame, column: str, positions: np.ndarray) -> pd.DataFrame:
    return part.assign(lost=np.isin(part[column].to_numpy(), positions))


def capped(part: pd.DataFrame) -> pd.DataFrame:
    """Each document's candidates as the local engine picks them, in its order: all of them in position
    order, or the ``MAX_VERIFIED`` closest (:func:`closest_candidates`)."""
    part = part.sort_values(["p", "q"])
    sizes = part.groupby("p", sort=False)["q"].transform("size")
    few = part[sizes <= MAX_VERIFIED]
    chosen = [few.assign(order=few.groupby("p", sort=False).cumcount())[["q", "p", "order"]]]
    for p, group in part[sizes > MAX_VERIFIED].groupby("p", sort=False):
        found = group["q"].tolist()
        keys = dict(zip(found, group["id_q"].tolist(), strict=True))
        closest = closest_candidates(found, group["agreement"].to_numpy(), keys)
        chosen.append(pd.DataFrame({"q": closest, "p": p, "order": np.arange(len(closest))}))
    return pd.concat(chosen, ignore_index=True).astype(np.int64)
