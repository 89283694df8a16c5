"""The Redis index under failure, against real redis-servers: one stopped mid-batch, wrong passwords, lost locks."""

from __future__ import annotations

import re
import time

import pytest
import redis
from datasketch import MinHashLSH

from newsdedup.errors import StoreError, UsageError
from newsdedup.store import open_store
from newsdedup.store.redis_layout import client_options
from newsdedup.store.redis_store import RedisStore
from tests.redis_server import start_server, stop_server
from tests.store_helpers import SETTINGS, batch_document, indexed_ids, minhash

pytestmark = pytest.mark.redis
PASSWORD = "s3cret-Pa55"
T0 = 1_700_000_000.0


@pytest.fixture
def private_server():
    """A server of this test's own, with a password and an append-only file, so it can be restarted."""
    url = start_server("--password", PASSWORD, "--aof")
    port = re.search(r":(\d+)/", url).group(1)
    state = {"url": url, "port": port}
    yield state
    stop_server(state["url"])


def add_batch(store, batch: str, count: int, now: float = T0) -> list[str]:
    with store.transaction(now=now):
        for number in range(count):
            store.add_document(*batch_document(batch, number, 100))
    return [f"{batch}/{number:05d}.html" for number in range(count)]


def assert_masked(error: StoreError) -> None:
    message = str(error)
    assert PASSWORD not in message and "***" in message and "\n" not in message


def test_redis_stopped_mid_batch_applies_nothing_and_works_again_after_a_restart(private_server):
    url = private_server["url"]
    store = RedisStore(url, SETTINGS, lock_lease=2.0)
    committed = add_batch(store, "committed", 10)
    with pytest.raises(StoreError) as raised:
        with store.transaction(now=T0 + 1):
            for number in range(5):
                store.add_document(*batch_document("lost", number, 100))
            stop_server(url, keep_data=True)
            store.candidates(batch_document("lost", 0, 100)[1].signature)  # the server is gone
    assert "cannot reach Redis" in str(raised.value)
    assert_masked(raised.value)

    start_server("--port", private_server["port"], "--password", PASSWORD, "--aof")
    # the dead batch's lock survived in the append-only file: the next batch waits out its lease
    reopened = RedisStore(url, SETTINGS, lock_lease=2.0)
    assert indexed_ids(reopened, committed) == {doc_id: n + 1 for n, doc_id in enumerate(committed)}
    assert indexed_ids(reopened, [f"lost/{n:05d}.html" for n in range(5)]) == {}
    reopened.integrity_check()
    after = add_batch(store, "after", 3, T0 + 2)  # the first store object recovers too
    assert len(indexed_ids(reopened, after)) == 3 and reopened.stats()["documents"] == 13
    reopened.integrity_check()


def test_redis_stopped_before_the_commit_applies_nothing(private_server):
    url = private_server["url"]
    store = RedisStore(url, SETTINGS, lock_lease=2.0)
    committed = add_batch(store, "committed", 4)
    with pytest.raises(StoreError) as raised:
        with store.transaction(now=T0 + 1):
            store.add_document(*batch_document("lost", 0, 100))
            stop_server(url, keep_data=True)
    assert_masked(raised.value)
    start_server("--port", private_server["port"], "--password", PASSWORD, "--aof")
    reopened = RedisStore(url, SETTINGS, lock_lease=2.0)
    assert len(indexed_ids(reopened, committed)) == 4 and indexed_ids(reopened, ["lost/00000.html"]) == {}
    reopened.integrity_check()


def test_wrong_or_missing_password_is_a_store_error_without_the_password(private_server):
    wrong = private_server["url"].replace(PASSWORD, "not-" + PASSWORD)
    with pytest.raises(StoreError, match="refused the credentials") as raised:
        open_store(wrong, SETTINGS)
    assert "not-" + PASSWORD not in str(raised.value) and "***" in str(raised.value)
    with pytest.raises(StoreError, match="refused the credentials"):
        open_store(private_server["url"].replace(f":{PASSWORD}@", ""), SETTINGS)


def test_an_unreachable_server_is_reported_quickly():
    began = time.monotonic()
    with pytest.raises(StoreError, match="cannot reach Redis") as raised:
        open_store(f"redis://:{PASSWORD}@127.0.0.1:1/0", SETTINGS)
    assert_masked(raised.value)
    assert time.monotonic() - began < 5


@pytest.mark.parametrize("database", ["7x", "abc", "1/2", "-1"])
def test_a_database_that_is_not_a_number_is_refused_before_anything_is_written(redis_url, database):
    url = f"{redis_url.rsplit('/', 1)[0]}/{database}"
    with pytest.raises(UsageError, match=f"/{database}: not a usable Redis URL .*must be a number"):
        open_store(url, SETTINGS)
    assert redis.Redis.from_url(redis_url).dbsize() == 0  # redis-py alone would have used database 0


@pytest.mark.parametrize("path, database", [("", None), ("/", None), ("/3", 3), ("/?db=5", 5)])
def test_a_database_given_as_a_number_or_not_at_all_is_taken(path, database):
    assert client_options(f"redis://127.0.0.1:6379{path}").get("db") == database


def test_a_batch_that_lost_its_lock_writes_nothing(redis_url):
    slow = RedisStore(redis_url, SETTINGS, lock_lease=0.5)
    fast = RedisStore(redis_url, SETTINGS, lock_lease=0.5, busy_timeout=10)
    with pytest.raises(StoreError, match="lost the index lock"):
        with slow.transaction(now=T0):
            slow.add_document(*batch_document("slow", 0, 100))
            time.sleep(0.8)  # no call for longer than the lease: the lock expires
            add_batch(fast, "fast", 2)  # and another run takes it and commits
    assert indexed_ids(slow, ["slow/00000.html"]) == {}
    assert len(indexed_ids(slow, ["fast/00000.html", "fast/00001.html"])) == 2
    slow.integrity_check()


def test_a_long_batch_keeps_its_lock_by_renewing_it(redis_url):
    store = RedisStore(redis_url, SETTINGS, lock_lease=1.0)
    with store.transaction(now=T0):
        for number in range(8):
            store.add_document(*batch_document("long", number, 100))
            time.sleep(0.25)  # 2 s in all, twice the lease
    assert store.stats()["documents"] == 8


def test_the_lsh_is_datasketch_minhashlsh_on_redis(redis_url):
    store = open_store(redis_url, SETTINGS)
    add_batch(store, "ds", 5)
    options = redis.connection.parse_url(redis_url)
    lsh = MinHashLSH(
        num_perm=128,
        params=(64, 2),
        storage_config={"type": "redis", "basename": b"newsdedup:lsh", "redis": options},
        prepickle=False,
    )
    fp = batch_document("ds", 3, 100)[1]
    assert lsh.query(minhash(fp.signature, 128)) == [b"4"]
    assert b"1" in lsh and b"6" not in lsh
    with store.transaction(now=T0 + 100):
        assert store.prune(50) == 5
    assert lsh.query(minhash(fp.signature, 128)) == [] and b"1" not in lsh
    # pruning left no band bucket behind, not even an empty one in datasketch's bucket hashes
    client = redis.Redis.from_url(redis_url)
    assert [key for key in client.scan_iter(match=b"newsdedup:lsh*")] == []


def test_the_integrity_check_finds_a_missing_bucket_entry(redis_url):
    store = open_store(redis_url, SETTINGS)
    add_batch(store, "ck", 3)
    store.integrity_check()
    client = redis.Redis.from_url(redis_url)
    # datasketch keeps a hash per band and a set per bucket under this prefix: take a set
    bucket = next(
        key for key in client.scan_iter(match=b"newsdedup:lsh_bucket_*") if client.type(key) == b"set"
    )
    member = next(k for k in client.smembers(bucket))
    client.srem(bucket, member)
    with pytest.raises(StoreError, match=f"document key {int(member)} has 63 of its 64 LSH bucket entries"):
        store.integrity_check()


def test_stats_report_redis_memory_by_part(redis_url):
    store = open_store(redis_url, SETTINGS)
    add_batch(store, "mem", 20)
    stats = store.stats()
    assert set(stats["breakdown"]) == {"documents", "clusters", "canonical_texts", "site_templates", "lsh"}
    assert stats["bytes"] == sum(stats["breakdown"].values())
    assert stats["breakdown"]["lsh"] > stats["breakdown"]["documents"] > 0
