"""The index API, one suite for both backends (SQLite in a temp dir, Redis on a real local server)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from newsdedup.errors import StoreError, UsageError
from newsdedup.fingerprint import Fingerprint
from newsdedup.records import iso_time
from newsdedup.store import NoIndex, StoredDocument, open_store
from newsdedup.store.backend import CHUNK
from newsdedup.store.base import SITE_WINDOW
from tests.conftest import REPO
from tests.store_helpers import SETTINGS, ReferenceLSH, batch_document, indexed_ids, text_document

T0 = 1_700_000_000.0


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    return request.getfixturevalue("redis_url")


@pytest.fixture
def store(location):
    opened = open_store(location, SETTINGS)
    yield opened
    opened.close()


def snapshot(store) -> tuple:
    """Everything observable about the index's contents."""
    stats = store.stats()
    clusters = store.clusters(range(1, 1000))
    return (
        list(store.export()),
        {
            cid: (c.canonical_key, c.title, c.text, c.size, c.representatives, c.updated)
            for cid, c in clusters.items()
        },
        {
            k: stats[k]
            for k in ("documents", "clusters", "largest_cluster", "oldest_first_seen", "newest_first_seen")
        },
    )


def test_documents_read_back_as_written(store):
    doc, fp = text_document("a1", "harbour")
    with store.transaction(now=T0):
        key = store.add_document(doc, fp)
        # the batch reads its own writes
        assert store.lookup([doc.content_key(), ("nope", "0")]) == {doc.content_key(): key}
    stored = store.documents([key])[key]
    assert isinstance(stored, StoredDocument)
    assert (stored.id, stored.path, stored.url, stored.title, stored.date, stored.language) == (
        doc.id,
        doc.path,
        doc.url,
        doc.title,
        doc.date,
        doc.language,
    )
    assert stored.first_seen == T0 and stored.similarity == 1.0 and stored.shingle_count == len(fp.shingles)
    assert stored.shingles.dtype == np.uint32 and np.array_equal(stored.shingles, fp.shingles)
    assert stored.signature.dtype == np.uint32 and np.array_equal(stored.signature, fp.signature)
    cluster = store.clusters([stored.cluster])[stored.cluster]
    assert (cluster.canonical_key, cluster.title, cluster.text, cluster.size, cluster.representatives) == (
        key,
        doc.title,
        doc.text,
        1,
        [key],
    )
    without = store.documents([key], fingerprints=False)[key]
    assert (
        without.shingles is None and without.signature is None and without.shingle_count == len(fp.shingles)
    )
    assert store.documents([key + 100]) == {}


def test_candidates_are_the_documents_sharing_a_band_like_candidate_index(store):
    # 36 texts on 6 topics, each a different window of its topic's article: many near-duplicate pairs
    docs = [
        text_document(f"{topic}-{start}", topic, 8, start) for topic in "abcdef" for start in range(0, 12, 2)
    ]
    reference = ReferenceLSH(SETTINGS.num_perm, SETTINGS.bands)
    with store.transaction(now=T0):
        for position, (doc, fp) in enumerate(docs):
            expected = set(reference.add(position, fp.signature))
            found = store.candidates(fp.signature)
            key = store.add_document(doc, fp)
            assert key == position + 1  # keys are handed out in order
            assert found == {other + 1 for other in expected}
    assert sum(len(store.candidates(fp.signature)) > 1 for _, fp in docs) > 20
    for _, fp in docs:
        assert store.candidates(fp.signature) == {k + 1 for k in reference.query(fp.signature)}


def test_an_index_built_with_another_identity_is_refused_naming_the_differences(location):
    open_store(location, SETTINGS).close()
    with pytest.raises(StoreError) as raised:
        open_store(location, replace(SETTINGS, bands=32, seed=2))
    message = str(raised.value)
    assert "bands 64 (asked 32)" in message and "seed 1 (asked 2)" in message and "num perm" not in message
    # the verification settings are not part of the identity: a run may change them
    open_store(location, replace(SETTINGS, threshold=0.5, canonical="earliest")).close()


def test_an_index_keeps_its_settings_and_is_read_without_being_changed(location):
    with pytest.raises(NoIndex, match="no index here"):
        open_store(location)
    open_store(location, replace(SETTINGS, bands=32, threshold=0.5)).close()
    with open_store(location) as reader:
        assert reader.settings == replace(SETTINGS, bands=32, threshold=0.5)
        with pytest.raises(StoreError):
            open_store(location, SETTINGS)


def test_settings_outside_the_identity_are_the_stores_and_the_index_keeps_its_own(location):
    open_store(location, SETTINGS).close()
    asked = replace(SETTINGS, threshold=0.99, min_shared=40, canonical="earliest", templates=False)
    with open_store(location, asked) as writer:
        assert writer.settings == asked
    with open_store(location) as reader:
        assert reader.settings == SETTINGS


def test_an_exception_inside_a_batch_applies_none_of_it(store):
    with store.transaction(now=T0):
        kept = [store.add_document(*batch_document("kept", n, 60)) for n in range(6)]
        store.move_documents(kept[1:3], store.documents([kept[0]])[kept[0]].cluster)
    before = snapshot(store)
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction(now=T0 + 100):
            new = store.add_document(*batch_document("lost", 0, 60))
            store.add_document(*batch_document("lost", 1, 60), cluster=store.documents([new])[new].cluster)
            store.move_documents(kept[3:5], store.documents([new])[new].cluster)
            store.set_cluster(cluster_id=1, canonical_key=kept[1], title="changed", text="changed")
            store.prune(50)
            assert store.documents(kept) == {}  # the batch saw its own prune
            raise RuntimeError("boom")
    assert snapshot(store) == before
    assert indexed_ids(store, ["lost/00000.html", "lost/00001.html"]) == {}
    assert store.candidates(batch_document("lost", 0, 60)[1].signature) == set()
    # the rolled-back batch's keys and cluster ids are handed out again
    with store.transaction(now=T0 + 200):
        assert store.add_document(*batch_document("after", 0, 60)) == kept[-1] + 1
    store.integrity_check()


def test_a_site_keeps_the_lines_of_its_latest_pages_and_a_failed_batch_adds_none(location, store):
    def page(number: int, version: int = 0) -> tuple[int, int, frozenset]:
        return number, 2**64 - 1 - number, frozenset({version, 2**64 - 1})

    store.add_site_pages({"portal.example": [page(0), page(1)], "other.example": [page(9)]})
    with store.transaction():
        store.add_site_pages({"portal.example": [page(n) for n in range(2, SITE_WINDOW + 5)]})
        assert store.site_pages(["portal.example"])["portal.example"][-1] == page(SITE_WINDOW + 4)
    with pytest.raises(RuntimeError), store.transaction():
        store.add_site_pages({"portal.example": [page(10**6)]})
        raise RuntimeError("the run failed")
    # a page read again replaces its earlier version, which moves to the end
    store.add_site_pages({"other.example": [page(9, version=1)]})
    store.add_site_pages({"portal.example": [page(50, version=2)]})
    store.close()
    reopened = open_store(location, SETTINGS)
    found = reopened.site_pages(["portal.example", "other.example", "unknown.example"])
    reopened.close()
    assert found == {
        "portal.example": [page(n) for n in range(5, SITE_WINDOW + 5) if n != 50] + [page(50, version=2)],
        "other.example": [page(9, version=1)],
    }


def test_batches_do_not_nest(store):
    with store.transaction():
        with pytest.raises(StoreError, match="do not nest"):
            with store.transaction():
                pass


def test_a_write_outside_a_batch_is_a_batch_of_its_own(location, store):
    key = store.add_document(*batch_document("solo", 0, 40))
    other = open_store(location, SETTINGS)
    assert indexed_ids(other, ["solo/00000.html"]) == {"solo/00000.html": key}
    other.close()


def test_merging_clusters_moves_members_and_recomputes_size_and_representatives(store):
    with store.transaction(now=T0):
        a = [store.add_document(*batch_document("a", n, 100 + 50 * n)) for n in range(3)]
        cluster_a = store.documents([a[0]])[a[0]].cluster
        for key in a[1:]:
            store.move_documents([key], cluster_a)
        b = [store.add_document(*batch_document("b", n, 500 + 10 * n)) for n in range(3)]
        cluster_b = store.documents([b[0]])[b[0]].cluster
        store.move_documents(b[1:], cluster_b)
    clusters = store.clusters([cluster_a, cluster_b])
    assert clusters[cluster_a].size == 3 and clusters[cluster_a].representatives == [a[2], a[1], a[0]]
    assert len(clusters) == 2  # the singletons b[1] and b[2] started were left empty and removed
    with store.transaction(now=T0 + 60):
        store.move_documents(b, cluster_a)
        store.delete_cluster(cluster_b)
        store.set_cluster(cluster_id=cluster_a, canonical_key=b[2], title="merged", text="merged text")
    merged = store.clusters([cluster_a, cluster_b])
    assert list(merged) == [cluster_a]
    cluster = merged[cluster_a]
    assert (cluster.canonical_key, cluster.title, cluster.text, cluster.size, cluster.updated) == (
        b[2],
        "merged",
        "merged text",
        6,
        T0 + 60,
    )
    # the four with most shingles, longest first (random draws may collide, so count them)
    members = store.cluster_members(cluster_a)
    assert [doc.key for doc in members] == sorted(a + b)
    longest = sorted(members, key=lambda doc: (-doc.shingle_count, doc.id))[:4]
    assert cluster.representatives == [doc.key for doc in longest]
    assert {doc.cluster for doc in members} == {cluster_a}
    store.integrity_check()


def test_new_cluster_with_a_canonical_that_is_not_a_member_is_refused(store):
    with store.transaction(now=T0):
        first = store.add_document(*batch_document("c", 0, 50))
        second = store.add_document(*batch_document("c", 1, 50))
    with pytest.raises(StoreError, match="not one of its members"):
        with store.transaction(now=T0):
            new = store.set_cluster(canonical_key=first, title="t", text="x")
            store.move_documents([second], new)
    with store.transaction(now=T0):
        new = store.set_cluster(canonical_key=second, title="t", text="x")
        store.move_documents([second], new)
    assert store.clusters([new])[new].size == 1


def test_refusals_name_the_problem(store):
    doc, fp = batch_document("r", 0, 50)
    key = store.add_document(doc, fp)
    cluster = store.documents([key])[key].cluster
    with pytest.raises(StoreError, match="indexed already"):
        store.add_document(doc, fp)
    with pytest.raises(StoreError, match="no cluster 999"):
        store.add_document(*batch_document("r", 1, 50), cluster=999)
    with pytest.raises(StoreError, match="no cluster 999"):
        store.move_documents([key], 999)
    with pytest.raises(StoreError, match="no document with key 999"):
        store.move_documents([999], cluster)
    with pytest.raises(StoreError, match="still has 1 documents"):
        store.delete_cluster(cluster)
    other = batch_document("r", 2, 50)[1]
    with pytest.raises(StoreError, match="does not belong to its shingles"):
        store.add_document(batch_document("r", 3)[0], Fingerprint(fp.shingles, other.signature))
    with pytest.raises(StoreError, match="128 uint32 values"):
        store.candidates(fp.signature[:64])
    with pytest.raises(ValueError, match="sorted and unique"):
        store.add_document(batch_document("r", 4)[0], Fingerprint(fp.shingles[::-1], fp.signature))
    assert store.stats()["documents"] == 1


def test_prune_removes_old_documents_their_lsh_entries_and_empty_clusters(store):
    with store.transaction(now=T0):
        old = [store.add_document(*batch_document("old", n, 80)) for n in range(4)]
        shared_cluster = store.documents([old[0]])[old[0]].cluster  # its canonical will be pruned
        store.move_documents([old[1]], shared_cluster)
    with store.transaction(now=T0 + 1000):
        new = [store.add_document(*batch_document("new", n, 80)) for n in range(3)]
        store.move_documents([new[0]], shared_cluster)
    old_clusters = {store.documents([k])[k].cluster for k in old}
    for bad_age in (-1, float("nan"), float("inf")):  # refused before anything is removed
        with pytest.raises(UsageError, match="0 seconds or more"):
            store.prune(bad_age)
    assert store.stats()["documents"] == 7
    with store.transaction(now=T0 + 1500):
        assert store.prune(older_than_seconds=1000) == 4
    assert store.documents(old) == {}
    assert indexed_ids(store, [f"old/{n:05d}.html" for n in range(4)]) == {}
    for n in range(4):
        assert store.candidates(batch_document("old", n, 80)[1].signature) == set()
    assert set(store.clusters(old_clusters)) == {shared_cluster}  # the others were left empty
    kept = store.clusters([shared_cluster])[shared_cluster]
    assert (
        kept.canonical_key == old[0]
        and kept.title == "old headline 0"
        and kept.text == "text of old/00000.html"
    )
    assert (kept.size, kept.representatives, kept.updated) == (1, [new[0]], T0 + 1500)
    assert [record["id"] for record in store.export()] == [f"new/{n:05d}.html" for n in range(3)]
    stats = store.stats()
    assert (stats["documents"], stats["oldest_first_seen"], stats["newest_first_seen"]) == (
        3,
        iso_time(T0 + 1000),
        iso_time(T0 + 1000),
    )
    store.integrity_check()
    with store.transaction(now=T0 + 1500):
        assert store.prune(older_than_seconds=1000) == 0


def test_a_batch_can_prune_what_it_added_or_moved(store):
    with store.transaction(now=T0):
        stored = store.add_document(*batch_document("stored", 0, 80))
        stored_cluster = store.documents([stored])[stored].cluster
    with store.transaction(now=T0 + 1000):
        fresh = store.add_document(*batch_document("fresh", 0, 80))
        fresh_cluster = store.documents([fresh])[fresh].cluster
        backdated = store.add_document(
            *batch_document("backdated", 0, 80), cluster=fresh_cluster, first_seen=T0
        )
        store.move_documents([stored], fresh_cluster)
        assert store.prune(older_than_seconds=500) == 2  # the stored document and the backdated one
        assert [doc.key for doc in store.cluster_members(fresh_cluster)] == [fresh]
        assert store.candidates(batch_document("backdated", 0, 80)[1].signature) == set()
    assert store.documents([stored, backdated]) == {}
    assert list(store.clusters([stored_cluster, fresh_cluster])) == [fresh_cluster]
    assert store.clusters([fresh_cluster])[fresh_cluster].size == 1
    store.integrity_check()


def test_an_export_is_one_state_of_the_index(location):
    # Before: a run that wrote while an export was read showed in the chunks read after it (moved
    # clusters, pruned documents gone), an index state that never was.
    with open_store(location, SETTINGS) as store, store.transaction(now=T0):
        keys = [store.add_document(*batch_document("s", n, 40)) for n in range(CHUNK + 1)]
    with open_store(location) as reader:
        before = list(reader.export())
        export = reader.export()
        assert next(export) == before[0]
        moved_to = 1
        try:
            with open_store(location, SETTINGS, busy_timeout=0.5) as writer, writer.transaction(now=T0):
                writer.move_documents(keys[-1:], moved_to)
        except StoreError as busy:  # Redis: the export holds the index's lock, as a run does
            assert "the index is busy" in str(busy)
            moved_to = before[-1]["cluster"]
        assert [before[0], *export] == before
    with open_store(location) as reader:
        assert list(reader.export())[-1]["cluster"] == moved_to


def test_stats_and_export(store):
    assert store.stats()["documents"] == 0
    with store.transaction(now=T0):
        keys = [store.add_document(*batch_document("s", n, 300)) for n in range(5)]
        store.move_documents(keys[1:3], store.documents([keys[0]])[keys[0]].cluster)
    with store.transaction(now=T0 + 10):
        store.add_document(*batch_document("t", 0, 300), similarity=0.5)
    stats = store.stats()
    assert stats["backend"] in ("sqlite", "redis")
    assert (stats["documents"], stats["clusters"], stats["largest_cluster"]) == (6, 4, {"id": 1, "size": 3})
    assert (stats["oldest_first_seen"], stats["newest_first_seen"]) == (
        "2023-11-14T22:13:20Z",
        "2023-11-14T22:13:30Z",
    )
    assert stats["bytes"] > stats["canonical_text_bytes"] > 0
    assert 0 < stats["bytes_per_document"] < stats["bytes"]
    records = list(store.export())
    assert [r["id"] for r in records] == [f"s/{n:05d}.html" for n in range(5)] + ["t/00000.html"]
    assert records[1] == {
        "id": "s/00001.html",
        "path": "s/00001.html",
        "url": None,
        "title": "s headline 1",
        "date": None,
        "language": None,
        "first_seen": "2023-11-14T22:13:20Z",
        "cluster": 1,
    }
    json.dumps(records)
    assert store.documents([6])[6].similarity == 0.5


def test_a_thousand_member_cluster_lists_its_members(store):
    with store.transaction(now=T0):
        first = store.add_document(*batch_document("big", 0, 20))
        cluster = store.documents([first])[first].cluster
        for n in range(1, 1000):
            store.add_document(*batch_document("big", n, 20), cluster=cluster)
    members = store.cluster_members(cluster)
    assert len(members) == 1000 and members[0].shingles is None
    assert store.clusters([cluster])[cluster].size == 1000
    assert len(store.cluster_members(cluster, fingerprints=True)[0].shingles) > 0


def worker(location: str, batch: str, count: int, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_worker", location, batch, str(count), *options],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_writing_batches_at_once_both_succeed(location):
    open_store(location, SETTINGS).close()
    first = worker(location, "first", 40, "--hold", "1.5")
    assert first.stdout.readline().startswith("began")  # first is inside its batch
    second = worker(location, "second", 40)
    out_first, err_first = first.communicate(timeout=120)
    out_second, err_second = second.communicate(timeout=120)
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    assert out_first.split()[-1] == "committed" and out_second.split()[-1] == "committed"
    finished_first = float(out_first.split("committing")[1].split()[0])
    began_second = float(out_second.split("began")[1].split()[0])
    assert began_second >= finished_first  # the second batch waited for the first
    store = open_store(location, SETTINGS)
    ids = [f"{batch}/{n:05d}.html" for batch in ("first", "second") for n in range(40)]
    assert len(indexed_ids(store, ids)) == 80 and store.stats()["documents"] == 80
    store.integrity_check()
    store.close()


def test_a_run_that_has_to_wait_for_another_runs_batch_says_so_once(location):
    # Before: a run waited in silence, up to the busy timeout; on Redis for the lease of a killed run's
    # lock. It waits opening the index (which may write) or starting its own batch: both say so.
    told: list[str] = []
    with open_store(location, SETTINGS) as holder:
        waiting = open_store(location, SETTINGS, busy_timeout=0.3, on_wait=told.append)
        with waiting as waiter:
            with holder.transaction(now=T0):  # opened first: its batch waits
                with pytest.raises(StoreError, match="the index is busy"), waiter.transaction(now=T0):
                    pass
            with waiter.transaction(now=T0):  # free again: no word
                pass
        with holder.transaction(now=T0):  # opened during the batch: it waits there, or in its own
            with pytest.raises(StoreError, match="the index is busy"):
                with open_store(location, SETTINGS, busy_timeout=0.3, on_wait=told.append) as late:
                    with late.transaction(now=T0):
                        pass
    assert len(told) == 2 and all(line.endswith("; waiting for it, up to 0.3 s") for line in told)
    assert all(line.startswith(f"{holder.location}: another run") for line in told)
