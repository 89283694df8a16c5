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
    return _stars(edges, persist, layout.partitions)


def _stars(edges, persist, parts: int):
    """Large-star and small-star rounds until a round changes nothing: the edges are then stars, each
    leaf pointing to the smallest node of its component. Each step is one shuffle on the node ``a``."""
    edges = persist(edges.map_partitions(_oriented, meta=EDGE_META))
    while True:
        both = dd.concat([edges, edges.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
        larger = both.shuffle(on="a", npartitions=parts).map_partitions(_large_star, meta=EDGE_META)
        settled = persist(
            larger.shuffle(on="a", npartitions=parts).map_partitions(_small_star, meta=EDGE_META)
        )
        if _same(edges, settled, parts):
            leaves = settled.rename(columns={"a": "pos", "b": "label"})
            centres = settled[["b"]].rename(columns={"b": "pos"}).assign(label=lambda f: f["pos"])
            labels = dd.concat([leaves, centres], ignore_index=True).shuffle(on="pos", npartitions=parts)
            return labels.map_partitions(pd.DataFrame.drop_duplicates, meta=LABEL_META)
        edges = settled


def _oriented(part: pd.DataFrame) -> pd.DataFrame:
    """Each edge once, from its larger node ``a`` to its smaller ``b``; no loops."""
    a, b = part["a"].to_numpy(), part["b"].to_numpy()
    keep = a != b
    return pd.DataFrame({"a": np.maximum(a, b)[keep], "b": np.minimum(a, b)[keep]}).drop_duplicates()


def _large_star(part: pd.DataFrame) -> pd.DataFrame:
    """(Every edge both ways, all of a node's together.) Each node's larger neighbours are linked to the
    smallest node of its neighbourhood, itself included."""
    smallest = np.minimum(part.groupby("a")["b"].transform("min").to_numpy(), part["a"].to_numpy())
    larger = part["b"].to_numpy() > part["a"].to_numpy()
    return _oriented(pd.DataFrame({"a": part["b"].to_numpy()[larger], "b": smallest[larger]}))


def _small_star(part: pd.DataFrame) -> pd.DataFrame:
    """(Edges from larger to smaller, all of a node's together.) Each node and its smaller neighbours are
    linked to the smallest of them."""
    part = part.drop_duplicates()
    smallest = part.groupby("a")["b"].min()
    neighbours = pd.DataFrame({"a": part["b"].to_numpy(), "b": smallest.loc[part["a"]].to_numpy()})
    nodes = pd.DataFrame({"a": smallest.index.to_numpy(), "b": smallest.to_numpy()})
    return _oriented(pd.concat([neighbours, nodes], ignore_index=True))


def _same(old, new, parts: int) -> bool:
    """The two sets of edges are equal (either may hold an edge more than once)."""
    both = dd.concat([old.assign(side=0), new.assign(side=1)], ignore_index=True)
    shuffled = both.shuffle(on=["a", "b"], npartitions=parts)
    return bool(shuffled.map_partitions(_both_sides, meta=pd.Series(dtype=bool)).all().compute())


def _both_sides(part: pd.DataFrame) -> pd.Series:
    return pd.Series([bool((part.groupby(["a", "b"])["side"].nunique() == 2).all())])
