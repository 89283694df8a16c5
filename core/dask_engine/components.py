"""Connected components of a graph given as a Dask DataFrame of edges ``a``, ``b`` (document positions).

Up to ``Layout.client_edges`` edges, the client takes them (16 bytes an edge) and
labels the components in numpy: hooking each edge's larger root under the
smaller, then pointer jumping, until every edge sits inside one tree. Beyond
that, the components are found on the cluster by alternating large-star and
small-star rounds (Kiveris et al., "Connected Components in MapReduce and
Beyond", 2014), each a join and a group-by on the edges, until every edge
points from a node to the smallest node of its component. Either way a
component's label is its smallest position, so the two give the same labels.
"""

from __future__ import annotations

from collections.abc import Callable

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .layout import Layout

EDGE_META = pd.DataFrame({"a": pd.Series(dtype="int64"), "b": pd.Series(dtype="int64")})
LABEL_META = pd.DataFrame({"pos": pd.Series(dtype="int64"), "label": pd.Series(dtype="int64")})


def component_labels(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every node of the edges ``a[i] - b[i]`` (sorted) and the smallest node of its component."""
    nodes, ends = np.unique(np.concatenate((a, b)), return_inverse=True)
    left, right = ends[: len(a)], ends[len(a) :]
    parent = np.arange(len(nodes))
    while True:
        root_left, root_right = parent[left], parent[right]
        apart = root_left != root_right
        if not apart.any():
            return nodes, nodes[parent]
        low = np.minimum(root_left[apart], root_right[apart])
        high = np.maximum(root_left[apart], root_right[apart])
        np.minimum.at(parent, high, low)
        while True:  # pointer jumping: every node straight under its root
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def labels_frame(edges, persist: Callable, layout: Layout):
    """``pos``, ``label`` of every node of ``edges`` (a Dask DataFrame with int64 columns ``a``, ``b``);
    ``persist`` computes a frame on the cluster and keeps it there."""
    edges = persist(edges[["a", "b"]])
    if len(edges) <= layout.client_edges:
        local = edges.compute()
        nodes, labels = component_labels(local["a"].to_numpy(), local["b"].to_numpy())
        frame = pd.DataFrame({"pos": nodes, "label": labels})
        return dd.from_pandas(frame, npartitions=layout.partitions, sort=False)
    return _stars(edges, persist)


def _stars(edges, persist):
    """Large-star and small-star rounds until the edges form stars around each component's smallest node."""
    edges = persist(edges.map_partitions(_oriented, meta=EDGE_META))
    while True:
        edges = persist(_small_star(_large_star(edges)))
        if _settled(edges):
            labels = edges.rename(columns={"a": "pos", "b": "label"})
            centres = edges[["b"]].drop_duplicates().rename(columns={"b": "pos"})
            return dd.concat([labels, centres.assign(label=centres["pos"])], ignore_index=True)


def _oriented(part: pd.DataFrame) -> pd.DataFrame:
    """Each edge once, from its larger node ``a`` to its smaller ``b``; no loops."""
    a, b = part["a"].to_numpy(), part["b"].to_numpy()
    keep = a != b
    return pd.DataFrame({"a": np.maximum(a, b)[keep], "b": np.minimum(a, b)[keep]}).drop_duplicates()


def _large_star(edges):
    """Every node's larger neighbours are linked to the smallest node of its neighbourhood (itself included)."""
    both = dd.concat([edges, edges.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
    smallest = both.groupby("a")["b"].min().rename("m").reset_index()
    joined = both.merge(smallest, on="a")
    joined = joined[joined["b"] > joined["a"]].assign(m=lambda f: f["m"].clip(upper=f["a"]))
    linked = joined[["b", "m"]].rename(columns={"b": "a", "m": "b"})
    return linked.map_partitions(_oriented, meta=EDGE_META)


def _small_star(edges):
    """Every node and its smaller neighbours are linked to the smallest of them."""
    smallest = edges.groupby("a")["b"].min().rename("m").reset_index()
    joined = edges.merge(smallest, on="a")
    to_smallest = joined[["b", "m"]].rename(columns={"b": "a", "m": "b"})
    node_itself = smallest.rename(columns={"m": "b"})
    linked = dd.concat([to_smallest, node_itself], ignore_index=True)
    return linked.map_partitions(_oriented, meta=EDGE_META).drop_duplicates()


def _settled(edges) -> bool:
    """Stars: no leaf has two centres, and no centre is a leaf."""
    centres = edges[["b"]].drop_duplicates().rename(columns={"b": "a"})
    two_centres = (edges.groupby("a")["b"].count() > 1).sum()
    centre_leaves = edges[["a"]].merge(centres, on="a").shape[0]
    return dask.compute(two_centres, centre_leaves) == (0, 0)
