"""Cluster stage against a persistent index: today's batch joins what earlier runs remember.

The batch is compared with itself (an in-memory LSH index) and with the index
(its stored LSH bands), verified and clustered by the same rules as a one-off
run (:mod:`core.cluster`). Stored documents of one stored cluster are together
already; a new document can join a stored cluster, start one, or join two
stored clusters (then the older one keeps its id and takes the other's
members). Everything happens inside one index transaction, so a batch is
stored whole or not at all.

Returned are the clusters this batch touched: every cluster that holds a
document of the batch, with all its members. ``meta["status"]`` of a member:
``new`` (indexed now, and its story was not seen before), ``duplicate`` (indexed
now, a copy of a story an earlier run indexed) or ``seen`` (indexed by an
earlier run).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .canonical import choose_canonical
from .cluster import Edge, EdgeColumns, cluster_groups
from .document import Cluster, Document, Member
from .fingerprint import Fingerprint, fingerprint
from .index import CandidateIndex
from .pipeline import agreement_with, closest_candidates, fingerprint_documents
from .settings import DedupSettings
from .similarity import is_copy, overlap

NEW, DUPLICATE, SEEN = "new", "duplicate", "seen"


@dataclass
class _Node:
    """A document in this batch's clustering: from the batch, or loaded from the index."""

    doc: Document
    print_: Fingerprint
    key: int | None = None  # index key, for stored documents
    cluster: int | None = None  # stored cluster id
    batch_position: int | None = None  # order in the batch, for batch documents
    similarity: float = 1.0


@dataclass
class _Universe:
    """The nodes, with their fingerprints and ids as parallel lists for the clustering functions."""

    nodes: list[_Node] = field(default_factory=list)
    prints: list[Fingerprint] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    by_key: dict[int, int] = field(default_factory=dict)

    def add(self, node: _Node) -> int:
        if node.key is not None and node.key in self.by_key:
            return self.by_key[node.key]
        self.nodes.append(node)
        self.prints.append(node.print_)
        self.ids.append(node.doc.id)
        if node.key is not None:
            self.by_key[node.key] = len(self.nodes) - 1
        return len(self.nodes) - 1


def _as_document(stored) -> Document:
    """A document an earlier run indexed, as output sees it (its text is not kept)."""
    return Document(
        id=stored.id,
        path=stored.path,
        title=stored.title,
        url=stored.url,
        date=stored.date,
        language=stored.language,
        meta={"status": SEEN, "first_seen": stored.first_seen},
    )


def settings_fingerprint(settings: DedupSettings) -> dict:
    """What an index must agree on with the run that reads it."""
    from .fingerprint import SEED

    return {
        "shingle_size": settings.shingle_size,
        "num_perm": settings.num_perm,
        "bands": settings.bands,
        "seed": SEED,
    }


def dedup_with_index(docs: Iterable[Document], settings: DedupSettings, store) -> list[Cluster]:
    """Cluster clean ``docs`` together with the index ``store`` and record the result in it."""
    return cluster_with_index(fingerprint_documents(docs, settings), settings, store)


def cluster_with_index(
    printed: Iterable[tuple[Document, Fingerprint]], settings: DedupSettings, store
) -> list[Cluster]:
    """``dedup_with_index`` of documents fingerprinted already."""
    with store.transaction():
        return _Batch(settings, store).run(printed)


class _Batch:
    def __init__(self, settings: DedupSettings, store):
        self.settings = settings
        self.store = store
        self.universe = _Universe()
        self.edges: list[Edge] = []
        self.stored_clusters: dict = {}

    def run(self, printed: Iterable[tuple[Document, Fingerprint]]) -> list[Cluster]:
        batch = self._take_batch(printed)
        index = CandidateIndex(self.settings.num_perm, self.settings.bands)
        for position in batch:
            node = self.universe.nodes[position]
            if node.key is not None:  # seen before: its cluster is known, no new links needed
                continue
            nearby = [
                p for p in index.add(position, node.print_.signature) if self.universe.nodes[p].key is None
            ]
            nearby += self._load_stored(self.store.candidates(node.print_.signature))
            self._verify(position, nearby)
        self._load_cluster_context()
        return self._settle(batch)

    def _take_batch(self, printed: Iterable[tuple[Document, Fingerprint]]) -> list[int]:
        """The batch's documents; those whose id is indexed already are loaded from the index."""
        printed = list(printed)
        known = self.store.lookup_ids([doc.id for doc, _ in printed])
        positions, seen_ids = [], set()
        for order, (doc, print_) in enumerate(printed):
            if doc.id in seen_ids:  # the same id twice in one batch: one document
                continue
            seen_ids.add(doc.id)
            if doc.id in known:
                [position] = self._load_stored([known[doc.id]])
                self.universe.nodes[position].doc.meta["status"] = SEEN
            else:
                doc.meta["status"] = NEW
                position = self.universe.add(_Node(doc, print_))
            self.universe.nodes[position].batch_position = order
            positions.append(position)
        return positions

    def _load_stored(self, keys) -> list[int]:
        """Positions of stored documents, loaded from the index (one read) unless here already.

        Keys the index no longer holds (a pruned canonical) are left out.
        """
        by_key = self.universe.by_key
        for stored in self.store.documents(sorted(set(keys) - set(by_key))).values():
            print_ = Fingerprint(shingles=stored.shingles, signature=stored.signature)
            self.universe.add(
                _Node(_as_document(stored), print_, stored.key, stored.cluster, similarity=stored.similarity)
            )
        return [by_key[key] for key in sorted(keys) if key in by_key]

    def _verify(self, position: int, nearby: list[int]) -> None:
        nodes = self.universe.nodes
        node = nodes[position]
        agreement = agreement_with(node.print_, nearby, self.universe.prints)
        for other in closest_candidates(nearby, agreement, self.universe.ids):
            pair = overlap(node.print_.shingles, nodes[other].print_.shingles)
            if is_copy(pair, self.settings.threshold, self.settings.min_shared):
                self.edges.append(Edge(pair.containment_lower_bound, other, position))

    def _load_cluster_context(self) -> None:
        """Bring in the representatives and canonical of every stored cluster the batch reached."""
        cluster_ids = {n.cluster for n in self.universe.nodes if n.cluster is not None}
        self.stored_clusters = self.store.clusters(cluster_ids)
        wanted = set()
        for cluster in self.stored_clusters.values():
            wanted.update(cluster.representatives)
            wanted.add(cluster.canonical_key)
        self._load_stored(wanted)

    def _settle(self, batch: list[int]) -> list[Cluster]:
        nodes = self.universe.nodes
        joined = self._stored_membership()
        groups = cluster_groups(self.universe.prints, self.universe.ids, EdgeColumns(self.edges), joined)
        in_batch = set(batch)
        touched = [g for g in groups if in_batch.intersection(g)]
        touched.sort(
            key=lambda g: min(nodes[i].batch_position for i in g if nodes[i].batch_position is not None)
        )
        return [self._write_group(group) for group in touched]

    def _stored_membership(self) -> list[tuple[int, int]]:
        first_of: dict[int, int] = {}
        pairs = []
        for position, node in enumerate(self.universe.nodes):
            if node.cluster is None:
                continue
            if node.cluster in first_of:
                pairs.append((first_of[node.cluster], position))
            else:
                first_of[node.cluster] = position
        return pairs

    def _write_group(self, group: list[int]) -> Cluster:
        nodes = self.universe.nodes
        new = [i for i in group if nodes[i].key is None]
        stored_ids = sorted({nodes[i].cluster for i in group if nodes[i].cluster is not None})
        canonical = self._choose_canonical(new, stored_ids)
        canonical_text = self._canonical_text(canonical)
        canonical_print = fingerprint(canonical_text, self.settings.shingle_size, self.settings.num_perm)
        target = stored_ids[0] if stored_ids else None
        for i in sorted(new, key=lambda i: i != canonical):  # the canonical first: it may found the cluster
            node = nodes[i]
            node.similarity = 1.0 if i == canonical else self._similarity(canonical_print, node.print_)
            node.key = self.store.add_document(
                node.doc, node.print_, cluster=target, similarity=node.similarity
            )
            if target is None:
                target = self.store.documents([node.key], fingerprints=False)[node.key].cluster
            node.cluster = target
        for cluster_id in stored_ids[1:]:
            self.store.move_documents([m.key for m in self.store.cluster_members(cluster_id)], target)
            self.store.delete_cluster(cluster_id)
        canonical_node = nodes[canonical]
        self.store.set_cluster(
            cluster_id=target,
            canonical_key=canonical_node.key,
            title=canonical_node.doc.title,
            text=canonical_text,
        )
        return self._output_cluster(target, canonical_node, canonical_text)

    def _choose_canonical(self, new: list[int], stored_ids: list[int]) -> int:
        """Among the batch's new documents and the stored canonicals of the clusters involved."""
        nodes = self.universe.nodes
        choices = list(new)
        for cluster_id in stored_ids:
            key = self.stored_clusters[cluster_id].canonical_key
            if key in self.universe.by_key:
                choices.append(self.universe.by_key[key])
        if not choices:  # every stored canonical was pruned: the longest loaded member stands in
            choices = [i for i, n in enumerate(nodes) if n.cluster in stored_ids]
        picked = choose_canonical(
            [nodes[i].doc for i in choices], [nodes[i].print_ for i in choices], self.settings.canonical
        )
        return choices[picked]

    def _canonical_text(self, position: int) -> str:
        node = self.universe.nodes[position]
        if node.key is None or node.doc.text:
            return node.doc.text
        cluster = self.stored_clusters.get(node.cluster)
        return cluster.text if cluster and cluster.canonical_key == node.key else ""

    def _similarity(self, canonical: Fingerprint, print_: Fingerprint) -> float:
        return round(overlap(canonical.shingles, print_.shingles).containment, 4)

    def _output_cluster(self, cluster_id: int, canonical_node: _Node, canonical_text: str) -> Cluster:
        """The cluster as the index now holds it: every member, the batch's own with their status."""
        batch_docs = {
            n.doc.id: n
            for n in self.universe.nodes
            if n.cluster == cluster_id and n.batch_position is not None
        }
        members = []
        for stored in self.store.cluster_members(cluster_id):
            node = batch_docs.get(stored.id)
            if node is not None:
                members.append(Member(node.doc, node.similarity))
                continue
            members.append(Member(_as_document(stored), stored.similarity))
        if any(m.document.meta["status"] == SEEN for m in members):
            for member in members:
                if member.document.meta["status"] == NEW:
                    member.document.meta["status"] = DUPLICATE
        canonical = next(m.document for m in members if m.document.id == canonical_node.doc.id)
        canonical.text = canonical.text or canonical_text
        return Cluster(id=cluster_id, canonical=canonical, members=members)
