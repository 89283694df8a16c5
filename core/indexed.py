"""A run against a persistent index: the index supplies earlier documents, and keeps the run's result.

The run's loop is the one-off run's (:func:`newsdedup.pipeline.cluster_documents`);
this module only adds what the index knows. A document is known by its id and
its content (:meth:`Document.content_key`): one the index holds already is
*seen* and is not cleaned again; a file rewritten under the same name is a new
document. During candidate search the index adds its stored documents that
share a band; before clustering, the stored clusters reached are loaded (their
representatives and canonical), and their members are together already.
Afterwards each touched group is written back: a new document joins a stored
cluster, starts one, or joins two (the older keeps its id and takes the
other's members). The caller holds one index transaction around it all, so a
batch is stored whole or not at all.

Returned are the clusters the run touched, in the order their first document
arrived, with this run's documents as their members (``indexed_size`` counts
every member the index holds; the canonical may be a document of an earlier
run). ``meta["status"]`` of a member: ``new`` (indexed now, a story not seen
before), ``duplicate`` (indexed now, a copy of a story indexed earlier) or
``seen`` (indexed by an earlier run, and read again now).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np

from .batch import Batch
from .canonical import RULES, choose_canonical
from .document import Cluster, Document, Member
from .fingerprint import Fingerprint
from .settings import DedupSettings
from .store import Store
from .store.types import ContentKey, StoredDocument
from .templates import SiteTemplates
from .verify import similarity, too_short

NEW, DUPLICATE, SEEN = "new", "duplicate", "seen"
LOOKUP_CHUNK = 500  # documents looked up in the index at once


class IndexedRun:
    """One run's dealings with the index ``store``, in the order the stages need them."""

    def __init__(self, store: Store, settings: DedupSettings):
        self.store, self.settings = store, settings
        self.arrival: dict[ContentKey, int] = {}  # input order, for the order of the output
        self.seen: dict[ContentKey, int] = {}  # documents of this run the index holds: their store key
        self.indexed_meanwhile = 0  # of those, the ones another run indexed while this one cleaned them
        self.removed_meanwhile: list[ContentKey] = []  # of those, the ones pruned before this run wrote
        self._admitted: set[ContentKey] = set()
        self._batch: Batch | None = None
        self._position: dict[int, int] = {}  # store key -> batch position, of the loaded documents
        self._stored: dict[int, StoredDocument] = {}  # batch position -> stored record
        self._key: dict[int, int] = {}  # batch position -> store key, of the documents written now
        self._similarity: dict[int, float] = {}  # batch position -> similarity, of the run's new documents
        self._clusters: dict = {}

    def unseen(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Before cleaning: the documents the index does not hold yet, each once."""
        for chunk, known in self._looked_up((doc, None) for doc in docs):
            for (doc, _), key in chunk:
                if key in self.arrival:
                    continue  # the same document twice in one run
                self.arrival[key] = len(self.arrival)
                if key in known:
                    self.seen[key] = known[key]
                else:
                    yield doc

    def admitted(
        self, printed: Iterable[tuple[Document, Fingerprint]]
    ) -> Iterator[tuple[Document, Fingerprint]]:
        """Inside the transaction: the documents new to the index, each once; one that another run
        indexed meanwhile is seen."""
        for chunk, known in self._looked_up(printed):
            for (doc, print_), key in chunk:
                if key in self._admitted:
                    continue
                self._admitted.add(key)
                self.arrival.setdefault(key, len(self.arrival))
                if key in known:
                    self.seen[key] = known[key]
                    self.indexed_meanwhile += 1
                    continue
                doc.meta["status"] = NEW
                yield doc, print_

    def _looked_up(self, pairs: Iterable[tuple]) -> Iterator[tuple[list, dict[ContentKey, int]]]:
        stream = iter(pairs)
        while chunk := list(islice(stream, LOOKUP_CHUNK)):
            keyed = [(pair, pair[0].content_key()) for pair in chunk]
            yield keyed, self.store.lookup(key for _, key in keyed)

    def attach(self, batch: Batch) -> None:
        """The batch the run gathers into: stored documents are loaded into it too."""
        self._batch = batch

    def candidates(self, position: int) -> np.ndarray:
        """Positions of the stored documents that share a band with the batch document at ``position``."""
        return np.array(self._load(self.store.candidates(self._batch.signatures()[position])), dtype=np.intp)

    def _load(self, keys: Iterable[int]) -> list[int]:
        """Positions of stored documents, loaded (one read) unless loaded already; pruned keys left out."""
        keys = set(keys)
        for stored in self.store.documents(sorted(keys - self._position.keys())).values():
            print_ = Fingerprint(stored.shingles, stored.signature, stored.unit, stored.figures, stored.dates)
            position = self._batch.add(_as_document(stored), print_)
            self._position[stored.key] = position
            self._stored[position] = stored
        return [self._position[key] for key in sorted(keys) if key in self._position]

    def site_templates(self, pages: dict) -> SiteTemplates:
        """The templates of the batch's sites, learned from its pages (:func:`newsdedup.templates.site_pages`)
        and those the index remembers of the same sites; the index remembers the batch's pages too (a page
        read again counts once, as this run's version)."""
        return SiteTemplates.learn(self.store.add_site_pages(pages), pages)

    def joined(self) -> list[tuple[int, int]]:
        """Load the stored clusters the run reached; pairs of positions that are together already."""
        self._clusters = self.store.clusters({stored.cluster for stored in self._stored.values()})
        wanted = set()
        for cluster in self._clusters.values():
            wanted.update(cluster.representatives)
            wanted.add(cluster.canonical_key)
        self._load(wanted)
        for cluster in self._clusters.values():  # a stored canonical's text is its cluster's
            if cluster.canonical_key in self._position:
                self._batch.docs[self._position[cluster.canonical_key]].text = cluster.text
        first_of: dict[int, int] = {}
        pairs = []
        for position, stored in sorted(self._stored.items()):
            pairs.append((first_of.setdefault(stored.cluster, position), position))
        return [(a, b) for a, b in pairs if a != b]

    def record(self, groups: list[list[int]]) -> list[Cluster]:
        """Write the groups that hold a new document; the clusters holding this run's documents, in the
        order their first one arrived. A cluster of documents read again only is read, not rewritten."""
        written = [self._write_group(group) for group in groups if any(i not in self._stored for i in group)]
        clusters = {cluster.id: cluster for cluster in written}
        held = self.store.documents(sorted(set(self.seen.values())), fingerprints=False)
        # looked up before the run's transaction: another process (index prune) may have removed them
        self.removed_meanwhile = [key for key, stored_key in self.seen.items() if stored_key not in held]
        seen = held.values()
        unchanged = {stored.cluster for stored in seen} - clusters.keys()
        clusters.update(self._stored_clusters(unchanged))
        for stored in seen:
            cluster = clusters[stored.cluster]
            # the canonical read again is the cluster's canonical, the same object: output asks by identity
            is_canonical = cluster.canonical.content_key() == (stored.id, stored.digest)
            doc = cluster.canonical if is_canonical else _as_document(stored)
            cluster.members.append(Member(doc, stored.similarity, too_short(stored.shingle_count)))
        for cluster in clusters.values():
            cluster.members.sort(key=self._arrived)
        return sorted(clusters.values(), key=lambda cluster: self._arrived(cluster.members[0]))

    def _arrived(self, member: Member) -> int:
        return self.arrival.get(member.document.content_key(), len(self.arrival))

    def _stored_clusters(self, cluster_ids: set[int]) -> dict[int, Cluster]:
        """Clusters as the index holds them, without members yet (their canonical text is kept)."""
        stored = self.store.clusters(cluster_ids)
        canonicals = self.store.documents([c.canonical_key for c in stored.values()], fingerprints=False)
        clusters = {}
        for cluster in stored.values():
            record = canonicals.get(cluster.canonical_key)
            canonical = (
                _as_document(record) if record else Document(id=f"cluster {cluster.id}", title=cluster.title)
            )
            canonical.text = cluster.text
            clusters[cluster.id] = Cluster(cluster.id, canonical, [], indexed_size=cluster.size)
        return clusters

    def _write_group(self, group: list[int]) -> Cluster:
        batch, store = self._batch, self.store
        new = [i for i in group if i not in self._stored]
        stored_ids = sorted({self._stored[i].cluster for i in group if i in self._stored})
        canonical = self._choose_canonical(new, stored_ids)
        canonical_shingles = batch.prints[canonical].shingles
        target = stored_ids[0] if stored_ids else None
        for i in sorted(new, key=lambda i: i != canonical):  # the canonical first: it may found the cluster
            self._similarity[i] = (
                1.0 if i == canonical else similarity(canonical_shingles, batch.prints[i].shingles)
            )
            self._key[i] = store.add_document(
                batch.docs[i], batch.prints[i], cluster=target, similarity=self._similarity[i]
            )
            if target is None:
                target = store.documents([self._key[i]], fingerprints=False)[self._key[i]].cluster
        for cluster_id in stored_ids[1:]:
            store.move_documents([m.key for m in store.cluster_members(cluster_id)], target)
            store.delete_cluster(cluster_id)
        canonical_doc = batch.docs[canonical]
        canonical_key = self._key.get(canonical) or self._stored[canonical].key
        store.set_cluster(
            cluster_id=target, canonical_key=canonical_key, title=canonical_doc.title, text=canonical_doc.text
        )
        return self._run_cluster(target, group, canonical, joined_earlier=bool(stored_ids))

    def _choose_canonical(self, new: list[int], stored_ids: list[int]) -> int:
        """Among the run's new documents and the stored canonicals of the clusters involved (the only
        stored members whose text is kept); a rule that compares members with each other compares them
        with every member, as one run over all of them does."""
        choices = list(new)
        for cluster_id in stored_ids:
            key = self._clusters[cluster_id].canonical_key
            if key in self._position:
                choices.append(self._position[key])
        others: list[int] = []
        if len(choices) > 1 and RULES[self.settings.canonical].compares_members:
            members = [m.key for cluster_id in stored_ids for m in self.store.cluster_members(cluster_id)]
            others = [i for i in self._load(members) if i not in choices]
        docs, prints = self._batch.docs, self._batch.prints
        picked = choose_canonical(
            [docs[i] for i in choices],
            [prints[i] for i in choices],
            self.settings.canonical,
            [prints[i] for i in others],
        )
        return choices[picked]

    def _run_cluster(
        self, cluster_id: int, group: list[int], canonical: int, joined_earlier: bool
    ) -> Cluster:
        """The written cluster with the run's new documents as members (the ones read again join later)."""
        docs, prints = self._batch.docs, self._batch.prints
        members = []
        for i in group:
            if i not in self._stored:
                if joined_earlier:
                    docs[i].meta["status"] = DUPLICATE
                short = too_short(len(prints[i].shingles))
                members.append(Member(docs[i], self._similarity[i], short))
        size = len(self.store.cluster_members(cluster_id))
        return Cluster(id=cluster_id, canonical=docs[canonical], members=members, indexed_size=size)


def _as_document(stored: StoredDocument) -> Document:
    """A document an earlier run indexed, as output sees it (its text is not kept)."""
    return Document(
        id=stored.id,
        path=stored.path,
        title=stored.title,
        url=stored.url,
        date=stored.date,
        language=stored.language,
        digest=stored.digest,
        meta={"status": SEEN, "first_seen": stored.first_seen},
    )
