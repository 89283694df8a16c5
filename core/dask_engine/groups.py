"""Stages 3 to 5 on the cluster: candidate pairs verified, components of the verified pairs, and each
component clustered with its canonicals, all by the local engine's own functions.

Verification joins each pair with both documents' shingles, figures and dates
and asks :func:`newsdedup.verify.verified_edges`. The clustering of the local
engine (:func:`newsdedup.cluster.cluster_groups`, Kruskal order with ties by
id, no chaining) never joins documents that no verified pair connects, so it
runs component by component with the same result; the edges of a component are
fed to it in the order the local engine holds them (``PAIR_ORDER``), which
keeps even ties among equal ids as they are there.
:func:`newsdedup.canonical.canonical_cluster` then picks each canonical.

The local engine's order of verified pairs: the LSH candidates (by later
document, then the candidates' order), then the containment probe's pairs (by
chunk, short text, other text); once site templates are stripped, the pairs no
stripped text touched, then those verified again. A pair carries that order as
``stage`` (1 for the probe's, 2 more once verified again) and three keys.
"""

from __future__ import annotations

import pickle
from itertools import pairwise

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..canonical import canonical_cluster
from ..cluster import EdgeColumns, cluster_groups
from ..settings import DedupSettings
from ..verify import Edge, verified_edges
from .candidates import _meta
from .prints import documents_of, fingerprints_of

PAIR_ORDER = ("stage", "k1", "k2", "k3")
PAIRS = _meta(a="int64", b="int64", **dict.fromkeys(PAIR_ORDER, "int64"))
EDGES = _meta(a="int64", b="int64", strength="float64", **dict.fromkeys(PAIR_ORDER, "int64"))
CLUSTERS = _meta(first="int64", cluster="object")
VERIFIED = ("shingles", "figures", "dates")  # what verification reads of a fingerprint
AGAIN = 2  # added to the stage of a pair verified again


def lsh_pairs(candidates):
    """The candidate pairs (``q``, ``p``, ``order``) as pairs to verify, in the local order."""
    return candidates.map_partitions(
        lambda part: pd.DataFrame(
            {"a": part["q"], "b": part["p"], "stage": 0, "k1": part["p"], "k2": part["order"], "k3": 0}
        ).astype(np.int64),
        meta=PAIRS,
    )


def verified_edge_frame(pairs, prints, settings: DedupSettings, parts: int):
    """``a``, ``b``, ``strength`` and the order: the ``pairs`` the local verification accepts.

    ``prints`` has the columns ``pos`` and ``VERIFIED``; ``parts``: partitions of the joins.
    """
    left = prints.rename(columns={"pos": "a", **{name: name + "_a" for name in VERIFIED}})
    right = prints.rename(columns={"pos": "b", **{name: name + "_b" for name in VERIFIED}})
    joined = pairs.merge(left, on="a", npartitions=parts).merge(right, on="b", npartitions=parts)
    return joined.map_partitions(verified, settings, meta=EDGES)


def verified(part: pd.DataFrame, settings: DedupSettings) -> pd.DataFrame:
    prints = [
        print_
        for pair in zip(fingerprints_of(part, suffix="_a"), fingerprints_of(part, suffix="_b"), strict=True)
        for print_ in pair
    ]
    edges = list(verified_edges(((2 * i, 2 * i + 1) for i in range(len(part))), prints, settings))
    rows = np.array([edge.a // 2 for edge in edges], dtype=np.int64)
    columns = {name: part[name].to_numpy()[rows] for name in ("a", "b", *PAIR_ORDER)}
    columns["strength"] = np.array([edge.strength for edge in edges], dtype=np.float64)
    return pd.DataFrame(columns)[list(EDGES.columns)]


def cluster_frame(prints, edges, labels, members, settings: DedupSettings, partitions: int):
    """``first``, ``cluster``: every cluster of the components ``labels`` gives (``pos`` -> ``label``), as
    a pickled :class:`~newsdedup.document.Cluster` numbered 0, with the position of its first member.

    ``prints`` is indexed by position, with every column; ``members`` are the labels indexed by position
    with the prints' divisions; ``edges`` are the verified pairs; ``partitions``: of the shuffles.
    """
    nodes = prints.join(members, how="inner").reset_index()
    labelled = edges.merge(labels.rename(columns={"pos": "b"}), on="b", npartitions=partitions)
    # both shuffled on the label into as many partitions: partition k of each holds the same components
    nodes = nodes.shuffle(on="label", npartitions=partitions)
    labelled = labelled.shuffle(on="label", npartitions=partitions)
    return dd.map_partitions(
        clustered, nodes, labelled, settings, meta=CLUSTERS, align_dataframes=False, enforce_metadata=False
    )


def clustered(nodes: pd.DataFrame, edges: pd.DataFrame, settings: DedupSettings) -> pd.DataFrame:
    """The clusters of whole components: the local clustering and canonical choice, component by component."""
    nodes = nodes.sort_values(["label", "pos"])
    edges = edges.sort_values(["label", *PAIR_ORDER])
    labels, positions = nodes["label"].to_numpy(), nodes["pos"].to_numpy()
    docs, prints = documents_of(nodes), fingerprints_of(nodes, settings.num_perm)
    node_bounds = _bounds(labels)
    edge_bounds = _bounds(edges["label"].to_numpy())
    if not np.array_equal(labels[node_bounds[:-1]], edges["label"].to_numpy()[edge_bounds[:-1]]):
        raise RuntimeError("the shuffles of nodes and edges disagree on where components are")
    strengths, earlier, later = (edges[name].to_numpy() for name in ("strength", "a", "b"))
    first, payload = [], []
    for (start, stop), (edge_start, edge_stop) in zip(
        pairwise(node_bounds.tolist()), pairwise(edge_bounds.tolist()), strict=True
    ):
        members = positions[start:stop]
        columns = EdgeColumns(
            Edge(strength, a, b)
            for strength, a, b in zip(
                strengths[edge_start:edge_stop].tolist(),
                np.searchsorted(members, earlier[edge_start:edge_stop]).tolist(),
                np.searchsorted(members, later[edge_start:edge_stop]).tolist(),
                strict=True,
            )
        )
        component_docs, component_prints = docs[start:stop], prints[start:stop]
        for group in cluster_groups(component_prints, [doc.id for doc in component_docs], columns):
            first.append(int(members[group[0]]))
            cluster = canonical_cluster(0, group, component_docs, component_prints, settings)
            payload.append(pickle.dumps(cluster, protocol=pickle.HIGHEST_PROTOCOL))
    return pd.DataFrame(
        {"first": np.array(first, dtype=np.int64), "cluster": pd.Series(payload, dtype=object)}
    )


def _bounds(labels: np.ndarray) -> np.ndarray:
    """Where each run of equal labels starts, and the end."""
    starts = (
        np.flatnonzero(np.concatenate(([True], labels[1:] != labels[:-1])))
        if len(labels)
        else np.empty(0, int)
    )
    return np.concatenate((starts, [len(labels)]))
