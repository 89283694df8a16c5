"""Stages 3 to 5 on the cluster: candidate pairs verified, components of the verified pairs, and each
component clustered with its canonicals, all by the local engine's own functions.

Verification joins each candidate pair with both documents' shingles and asks
:func:`newsdedup.verify.verified_edges`. The clustering of the local engine
(:func:`newsdedup.cluster.cluster_groups`, Kruskal order with ties by id, no
chaining) never joins documents that no verified pair connects, so it runs
component by component with the same result; the edges of a component are fed
to it in the order the local engine found them (later document, then its
candidates' order), which keeps even ties among equal ids as they are there.
:func:`newsdedup.canonical.canonical_cluster` then picks each canonical.
"""

from __future__ import annotations

import pickle
from itertools import pairwise

import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..canonical import canonical_cluster
from ..cluster import EdgeColumns, cluster_groups
from ..fingerprint import Fingerprint
from ..settings import DedupSettings
from ..verify import Edge, verified_edges
from .candidates import _meta
from .prints import documents_of, fingerprints_of

EDGES = _meta(q="int64", p="int64", order="int64", strength="float64")
CLUSTERS = _meta(first="int64", cluster="object")
_NO_SIGNATURE = np.empty(0, dtype=np.uint32)  # verification reads shingles only


def verified_edge_frame(candidates, shingles, settings: DedupSettings, parts: int):
    """``q``, ``p``, ``order``, ``strength``: the candidate pairs the local verification accepts.

    ``shingles`` has the columns ``pos`` and ``shingles``; ``parts``: partitions of the joins.
    """
    left = shingles.rename(columns={"pos": "q", "shingles": "shingles_q"})
    right = shingles.rename(columns={"pos": "p", "shingles": "shingles_p"})
    joined = candidates.merge(left, on="q", npartitions=parts).merge(right, on="p", npartitions=parts)
    return joined.map_partitions(verified, settings, meta=EDGES)


def verified(part: pd.DataFrame, settings: DedupSettings) -> pd.DataFrame:
    prints = [
        Fingerprint(shingles=np.frombuffer(shingles, dtype=np.uint32), signature=_NO_SIGNATURE)
        for pair in zip(part["shingles_q"].tolist(), part["shingles_p"].tolist(), strict=True)
        for shingles in pair
    ]
    edges = list(verified_edges(((2 * i, 2 * i + 1) for i in range(len(part))), prints, settings))
    rows = np.array([edge.a // 2 for edge in edges], dtype=np.int64)
    return pd.DataFrame(
        {
            "q": part["q"].to_numpy()[rows],
            "p": part["p"].to_numpy()[rows],
            "order": part["order"].to_numpy()[rows],
            "strength": np.array([edge.strength for edge in edges], dtype=np.float64),
        }
    )


def cluster_frame(prints, edges, labels, members, settings: DedupSettings, partitions: int):
    """``first``, ``cluster``: every cluster of the components ``labels`` gives (``pos`` -> ``label``), as
    a pickled :class:`~newsdedup.document.Cluster` numbered 0, with the position of its first member.

    ``prints`` is indexed by position, with every column; ``members`` are the labels indexed by position
    with the prints' divisions; ``edges`` are the verified pairs; ``partitions``: of the shuffles.
    """
    nodes = prints.join(members, how="inner").reset_index()
    labelled = edges.merge(labels.rename(columns={"pos": "p"}), on="p", npartitions=partitions)
    # both shuffled on the label into as many partitions: partition k of each holds the same components
    nodes = nodes.shuffle(on="label", npartitions=partitions)
    labelled = labelled.shuffle(on="label", npartitions=partitions)
    return dd.map_partitions(
        clustered, nodes, labelled, settings, meta=CLUSTERS, align_dataframes=False, enforce_metadata=False
    )


def clustered(nodes: pd.DataFrame, edges: pd.DataFrame, settings: DedupSettings) -> pd.DataFrame:
    """The clusters of whole components: the local clustering and canonical choice, component by component."""
    nodes = nodes.sort_values(["label", "pos"])
    edges = edges.sort_values(["label", "p", "order"])
    labels, positions = nodes["label"].to_numpy(), nodes["pos"].to_numpy()
    docs, prints = documents_of(nodes), fingerprints_of(nodes, settings.num_perm)
    node_bounds = _bounds(labels)
    edge_bounds = _bounds(edges["label"].to_numpy())
    if not np.array_equal(labels[node_bounds[:-1]], edges["label"].to_numpy()[edge_bounds[:-1]]):
        raise RuntimeError("the shuffles of nodes and edges disagree on where components are")
    strengths, earlier, later = (edges[name].to_numpy() for name in ("strength", "q", "p"))
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
