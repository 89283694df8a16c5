"""The Dask engine's stages: partition functions on their own, the candidate search on a real cluster
against the local engine's ``candidate_pairs`` (same pairs, same order), twins, copies and caps included,
the containment probe against ``containment_pairs``, and a run with site templates against the local one."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np
import pytest

from tests.dask_cluster import need_dask

pytestmark = pytest.mark.usefixtures("dask_available")


@pytest.fixture
def dask_available():
    need_dask()


def test_bucket_pairs_are_every_pair_of_a_bucket_earlier_first():
    import pandas as pd

    from newsdedup.dask_engine.candidates import bucket_pairs

    rng = np.random.default_rng(3)
    rows = pd.DataFrame(
        {
            "band": rng.integers(0, 3, 300),
            "key": rng.integers(0, 20, 300).astype(np.uint64),
            "pos": rng.permutation(300).astype(np.int64),
        }
    )
    expected = set()
    for _, bucket in rows.groupby(["band", "key"]):
        expected |= {(min(a, b), max(a, b)) for a, b in combinations(bucket["pos"].tolist(), 2)}
    found = bucket_pairs(rows)
    assert set(zip(found["q"], found["r"], strict=True)) == expected
    assert len(found) == len(expected) and (found["q"] < found["r"]).all()


def test_a_large_bucket_links_each_head_to_the_earlier_representatives_only():
    import pandas as pd

    from newsdedup.dask_engine.candidates import representative_links

    rng = np.random.default_rng(2)
    base = rng.integers(0, 2**32, 128, dtype=np.uint32)
    other = rng.integers(0, 2**32, 128, dtype=np.uint32)
    twin = base.copy()
    twin[:5] = 7  # agrees on 123 of 128 values: a twin of the base
    # positions 10 (base), 11 (another story), 12 (a twin of the base), 13 (a twin of the other story)
    other_twin = other.copy()
    other_twin[-3:] = 9
    rows = pd.DataFrame(
        {
            "band": 0,
            "key": np.uint64(2**64 - 5),  # a key above int64: kept exact
            "pos": [12, 10, 13, 11],
            "signature": [twin.tobytes(), base.tobytes(), other_twin.tobytes(), other.tobytes()],
            "copied": False,
        }
    )
    links = representative_links(rows, 128)
    found = set(zip(links["q"].tolist(), links["r"].tolist(), links["follows"].tolist(), strict=True))
    # 12 and 13 are not representatives: no pair (12, 13)
    assert found == {(10, 11, False), (10, 12, True), (11, 12, False), (10, 13, False), (11, 13, True)}
    assert links["key"].dtype == np.uint64 and set(links["key"].tolist()) == {2**64 - 5}
    # a head with word-for-word copies is a representative even when it is a twin: its copies take its
    # pairs with later heads
    links = representative_links(rows.assign(copied=rows["pos"] == 12), 128)
    found = set(zip(links["q"].tolist(), links["r"].tolist(), links["follows"].tolist(), strict=True))
    assert (12, 13, False) in found and (10, 12, False) in found


def test_component_labels_are_each_components_smallest_node():
    from newsdedup.dask_engine.components import component_labels

    rng = random.Random(5)
    a = np.array([rng.randrange(0, 10**9, 7) for _ in range(400)], dtype=np.int64)
    b = np.array([x + rng.choice([7, 14, 10**6]) for x in a], dtype=np.int64)
    nodes, labels = component_labels(a, b)
    parent = {int(n): int(n) for n in nodes}

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        parent[max(root(x), root(y))] = min(root(x), root(y))
    assert {int(n): int(label) for n, label in zip(nodes, labels, strict=True)} == {
        n: root(n) for n in parent
    }


def test_twin_losers_follow_position_order_along_a_chain():
    import pandas as pd

    from newsdedup.dask_engine.candidates import twin_losers

    # 1-2-3-4 a chain of twins, 5 a twin of 1 and of 4: 1 indexed, 2 not (twin of 1), 3 indexed (its only
    # earlier twin, 2, is not), 4 not (twin of 3), 5 not (twin of 1)
    twins = pd.DataFrame({"q": [1, 2, 3, 1, 4], "r": [2, 3, 4, 5, 5]})
    assert twin_losers(twins)["pos"].tolist() == [2, 4, 5]


def test_records_read_again_follow_the_local_rule_in_position_order():
    import pandas as pd

    from newsdedup.dask_engine.repeats import notices, read_again, record_rows, repeated_positions
    from newsdedup.errors import RepeatedRecord, ReusedId

    # (pos, id, path, digest), out of order as a shuffle leaves them; f.txt is a whole file
    rows = [
        (9, "a", "two.jsonl", "d2"),
        (1, "a", "one.jsonl", "d1"),
        (3, "f.txt", "f.txt", "d9"),
        (7, "a", "one.jsonl", "d1"),
        (8, "b", None, "d3"),
        (2, "b", None, "d3"),
        (10, "a", "two.jsonl", "d2"),  # other text than the first a: used again, however often
    ]
    prints = pd.DataFrame(rows, columns=["pos", "id", "path", "digest"]).set_index("pos")
    found = read_again(record_rows(prints)).sort_values("pos")
    assert found["pos"].tolist() == [7, 8, 9, 10]
    assert found["source"].tolist() == ["one.jsonl#a", "b", "two.jsonl#a", "two.jsonl#a"]
    assert [type(n) for n in notices(found)] == [RepeatedRecord, RepeatedRecord, ReusedId, ReusedId]
    assert {part: list(p) for part, p in repeated_positions(found).items()} == {0: [7, 8]}


def test_a_part_without_its_repeats_is_numbered_anew(tmp_path):
    from newsdedup.dask_engine.prints import SCHEMA, load_part, part_name
    from newsdedup.dask_engine.repeats import without_rows
    from newsdedup.dask_engine.storage import Place

    prints, once = Place(str(tmp_path / "prints")), Place(str(tmp_path / "once"))
    prints.make()
    once.make()
    first = 3 << 32
    rows = [{"pos": first + i, "id": f"r{i}", "text": f"text {i}"} for i in range(4)]
    prints.write_table(part_name(3), pa_table(rows, SCHEMA))
    for _ in range(2):  # a task run again (its worker lost) writes the same part
        assert without_rows(prints, 3, np.array([first + 1, first + 2]), once) == 2
        part = load_part(once, 3, ("id", "text"))
        assert part.index.tolist() == [first, first + 1]
        assert part["id"].tolist() == ["r0", "r3"] and part["text"].tolist() == ["text 0", "text 3"]
    assert load_part(prints, 3, ("id",))["id"].tolist() == ["r0", "r1", "r2", "r3"]


def pa_table(rows: list[dict], schema):
    import pyarrow as pa

    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema)


def test_layout_keeps_rounds_of_bands_bounded_and_partitions_few():
    from newsdedup.dask_engine.layout import Layout

    assert Layout.of(20_000, 2, 64) == Layout(4, 64)
    assert Layout.of(100_000_000, 100, 64).bands_per_round == 16
    assert Layout.of(100_000_000, 100, 64).partitions == 1000


def test_empty_fields_of_a_file_are_strings_for_parquet():
    import pyarrow as pa

    from newsdedup.dask_engine.output import records_table

    table = records_table(
        [{"id": "a", "url": None, "canonical": {"date": None}, "members": [{"path": None}]}]
    )
    assert table.schema.field("url").type == pa.string()
    assert table.schema.field("canonical").type == pa.struct([("date", pa.string())])
    assert table.schema.field("members").type == pa.list_(pa.struct([("path", pa.string())]))


def _signatures(seed: int = 0, stories: int = 40, num_perm: int = 128) -> np.ndarray:
    """Stories of related signatures: identical copies, chains of near-identical twins, looser copies
    (sharing bands, not twins), one story copied 150 times (more candidates than the cap), and strays."""
    rng = np.random.default_rng(seed)
    rows = []

    def altered(row, count):
        row = row.copy()
        row[rng.choice(num_perm, count, replace=False)] = rng.integers(0, 2**32, count, dtype=np.uint32)
        return row

    for story in range(stories):
        base = rng.integers(0, 2**32, num_perm, dtype=np.uint32)
        rows.append(base)
        copies = 150 if story == 0 else int(rng.integers(0, 8))
        previous = base
        for _ in range(copies):
            kind = rng.choice(["identical", "chain", "twin", "loose"])
            if kind == "identical":
                rows.append(base.copy())
            elif kind == "chain":
                previous = altered(previous, 6)
                rows.append(previous)
            else:
                rows.append(altered(base, 5 if kind == "twin" else int(rng.integers(25, 90))))
    rows.extend(rng.integers(0, 2**32, (60, num_perm), dtype=np.uint32))
    matrix = np.stack(rows)
    return matrix[rng.permutation(len(matrix))]


def _local_and_dask_candidates(dask_engine, matrix: np.ndarray, layouts) -> tuple[dict, list[dict]]:
    """Each document's candidates in the local engine's order, and as the Dask engine finds them with
    each of the ``layouts``."""
    from tools.dask_bench import dask_candidates, local_candidates

    rng = random.Random(1)
    ids = [f"doc-{rng.randrange(10**6):06d}" for _ in range(len(matrix))]  # ties by id, not by position
    found = [dask_candidates(dask_engine.persist, matrix, ids, layout) for layout in layouts]
    return local_candidates(matrix, ids), found


def test_dask_candidates_are_the_local_ones_in_the_local_order(dask_engine):
    from newsdedup.dask_engine.layout import Layout

    # twins labelled on the client, then on the cluster; every bucket of more than 64, then of more
    # than 4 or 3 heads, giving its representatives' pairs only (4 and 3: along the chains of twins, some
    # buckets are found unsafe, and give all their pairs in a second pass)
    layouts = [
        Layout(3, 24, client_edges, bucket_heads=bucket_heads)
        for client_edges, bucket_heads in ((10**9, 64), (0, 64), (10**9, 4), (0, 3))
    ]
    expected, found = _local_and_dask_candidates(dask_engine, _signatures(), layouts)
    assert max(len(candidates) for candidates in expected.values()) == 32  # the cap was reached
    for got in found:
        assert got == expected


def test_a_copy_of_a_version_takes_that_version_and_the_closest_of_a_large_bucket_as_candidates(dask_engine):
    from newsdedup.dask_engine.layout import Layout

    rng = np.random.default_rng(11)
    story = rng.integers(0, 2**32, 128, dtype=np.uint32)
    rows = [story]
    for changed in [5] * 80 + [40]:  # 80 twins of the story, then a version that is no twin (indexed)
        version = story.copy()
        version[rng.choice(128, changed, replace=False)] = rng.integers(0, 2**32, changed, dtype=np.uint32)
        rows.append(version)
    rows.append(rows[1].copy())  # a word-for-word copy of the first twin, after the indexed version
    expected, [got] = _local_and_dask_candidates(dask_engine, np.stack(rows), [Layout(3, 64)])
    # The copy's candidates hold the version it copies, a twin of the story left out of the index and
    # found through it (it had the story and the later indexed version only), and the closest others.
    assert 1 in expected[82] and len(expected[82]) == 32
    assert got == expected


def test_components_on_the_cluster_match_the_clients(dask_engine):
    import dask.dataframe as dd
    import pandas as pd

    from newsdedup.dask_engine.components import labels_frame
    from newsdedup.dask_engine.layout import Layout

    rng = np.random.default_rng(7)
    a = rng.integers(0, 3000, 2500)
    b = np.where(rng.random(2500) < 0.8, a + rng.integers(1, 4, 2500), rng.integers(0, 3000, 2500))
    edges = dd.from_pandas(pd.DataFrame({"a": a, "b": b}), npartitions=3)
    on_client = labels_frame(edges, dask_engine.persist, Layout(3, 64)).compute()
    on_cluster = labels_frame(edges, dask_engine.persist, Layout(3, 64, client_edges=0)).compute()
    assert dict(zip(on_cluster["pos"], on_cluster["label"], strict=True)) == dict(
        zip(on_client["pos"], on_client["label"], strict=True)
    )


def _probe_texts(count: int = 700) -> list[str]:
    """Long articles, briefs cut from them (found only by containment), briefs of words of their own, and
    briefs that all carry one sentence (more than PROBE_COMMON short texts share its shingles)."""
    from tests.conftest import article

    rng = random.Random(4)
    shared = "Follow our reporters for every update on this story through the night and the day."
    texts = []
    for i in range(count):
        long_text = article(f"topic{i % 97}", 30, start=i)
        words = long_text.split()
        start = rng.randrange(0, len(words) - 70)
        kind = i % 4
        texts.append(long_text)
        if kind == 0:
            texts.append(" ".join(words[start : start + rng.choice([18, 30, 60, 120])]))
        elif kind == 1:
            texts.append(article(f"brief{i}", 2))
        else:
            texts.append(" ".join(words[start : start + 25]) + " " + shared)
    return texts


def test_the_containment_probe_gives_the_local_pairs_in_the_local_order(dask_engine):
    import dask.dataframe as dd
    import pandas as pd

    from newsdedup.candidates import containment_pairs
    from newsdedup.dask_engine.layout import Layout
    from newsdedup.dask_engine.probe import probe_pairs
    from newsdedup.fingerprint import fingerprints
    from newsdedup.settings import DedupSettings
    from newsdedup.verify import shared_needed

    settings = DedupSettings()
    prints = fingerprints(_probe_texts(), settings.shingle_size, settings.num_perm)
    counts = np.array([len(p.shingles) for p in prints])
    expected = list(containment_pairs(prints, counts, lambda n: shared_needed(n, settings)))
    assert len(prints) > 1024 and len(expected) > 300  # more than one chunk of the local probe

    sizes = [500, 1, len(prints) - 501]  # three read tasks: positions are task << 32 | row
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    positions = np.concatenate([(task << 32) + np.arange(size) for task, size in enumerate(sizes)])
    frame = pd.DataFrame(
        {"shingles": [p.shingles.tobytes() for p in prints]}, index=pd.Index(positions, name="pos")
    )
    texts = dd.from_pandas(frame, npartitions=3, sort=True)
    rank = dict(zip(positions.tolist(), range(len(prints)), strict=True))
    for probe_values in (10**9, 0):  # the table on every worker, then shuffles
        layout = Layout(3, 64, probe_values=probe_values)
        found = probe_pairs(texts, offsets, settings, dask_engine.persist, dask_engine.broadcast, layout)
        rows = found.compute().sort_values(["stage", "k1", "k2", "k3"])
        got = [(rank[a], rank[b]) for a, b in zip(rows["a"].tolist(), rows["b"].tolist(), strict=True)]
        assert got == expected


def _as_it_is(value):
    """No cluster: nothing to broadcast."""
    return value


def test_template_lines_over_partitions_are_the_local_ones_with_copies_of_pages():
    """Random sites of pages drawn from a few lines, mostly a few stories' under their headlines (so many
    pages are copies or near-copies of another), some with one line changed, some with another title or
    none, cut into partitions anywhere, some empty: the lines :func:`template_lines` learns, and those
    it finds only pages under one headline hold, are those of the local ``SiteTemplates.learn``."""
    import dask
    import dask.dataframe as dd
    import pandas as pd

    from newsdedup.dask_engine.templates import template_lines
    from newsdedup.document import Document
    from newsdedup.templates import MIN_PAGES, SiteTemplates, site_pages

    pool = [f"line number {i} of the pool" for i in range(12)]
    with dask.config.set({"scheduler": "sync", "dataframe.convert-string": False}):
        for trial in range(40):
            rng = random.Random(trial)
            stories = [rng.sample(pool, rng.randint(3, 8)) for _ in range(rng.randint(1, 2))]
            rows: list[tuple[str | None, str | None, str]] = []
            for _ in range(rng.randint(0, 40)):
                number = rng.randrange(len(stories))
                lines = rng.sample(pool, rng.randint(1, 6)) if rng.random() < 0.3 else list(stories[number])
                if rng.random() < 0.3:  # a near-copy of a story: one line changed
                    lines[rng.randrange(len(lines))] = rng.choice(pool)
                headline = (
                    f"The story number {number} of today"  # mostly its story's; or another title, or none
                )
                title = headline if rng.random() < 0.8 else rng.choice([None, "", "Story 1", lines[0]])
                rows.append((rng.choice(["a", "a", "b", None]), title, "\n\n".join(dict.fromkeys(lines))))
            cuts = sorted(rng.randint(0, len(rows)) for _ in range(rng.randint(0, 5)))
            parts = [rows[start:end] for start, end in zip([0, *cuts], [*cuts, len(rows)], strict=True)]
            frames = [
                dd.from_pandas(
                    pd.DataFrame(part or None, columns=["template", "title", "text"], dtype=object),
                    npartitions=1,
                )
                for part in parts
            ]
            learned = template_lines(dd.concat(frames), _as_it_is, rng.randint(1, 4))
            docs = [
                Document(id=f"d{i}", text=text, template=site, title=title)
                for i, (site, title, text) in enumerate(rows)
            ]
            local = SiteTemplates.learn(site_pages(docs, MIN_PAGES))
            for part in (
                "_lines",
                "_versions",
            ):  # the template, and the lines near-copies under a headline hold
                assert {site: lines for site, lines in getattr(learned, part).items() if lines} == {
                    site: lines for site, lines in getattr(local, part).items() if lines
                }, trial


def test_the_reuse_cases_on_the_cluster_are_the_local_clusters(dask_engine, tmp_path):
    """Site templates learned across partitions and stripped, recurring reports, a brief inside a long
    article: the clusters and the failures of the local engine, with every stage on the cluster (twins
    and components by shuffles, the probe by shuffles)."""
    from newsdedup.pipeline import clean_and_fingerprint, cluster_documents, read_documents
    from newsdedup.records import cluster_record
    from newsdedup.settings import DedupSettings
    from tools.reuse_cases import write_cases

    write_cases(tmp_path)
    docs = str(tmp_path / "docs")
    settings = DedupSettings()
    failed: list = []
    local = cluster_documents(
        clean_and_fingerprint(read_documents([docs]), settings), settings, on_error=failed.append
    )
    assert [type(error).__name__ for error in failed] == ["TemplateOnly"] * 2 + ["StoryAsTemplate"] * 5
    lost: list = []
    run = dask_engine.dedup([docs], settings, on_error=lost.append, client_edges=0, probe_values=0)
    assert [cluster_record(c) for c in run.clusters()] == [cluster_record(c) for c in local]
    assert [str(error) for error in lost] == [str(error) for error in failed]


def test_workers_of_a_cluster_the_engine_starts_collect_less_and_those_of_a_given_one_are_left(dask_engine):
    import gc

    from newsdedup.collector import GC_THRESHOLD
    from newsdedup.dask_engine.run import DaskEngine

    with DaskEngine(workers=1) as own:
        assert [first for first, *_ in own.client.run(gc.get_threshold).values()] == [GC_THRESHOLD]
    given = dask_engine.client.run(gc.get_threshold).values()
    assert given and all(first != GC_THRESHOLD for first, *_ in given)


def test_a_read_task_of_piped_records_without_a_field_map_reads_the_default_fields(tmp_path):
    from newsdedup.dask_engine.sources import ReadTask

    copy = tmp_path / "pipe-0"
    copy.write_text('{"id": "a", "text": "One line of text."}\n', encoding="utf-8")
    task = ReadTask(0, ("/dev/fd/63",), "jsonl", None, 1 << 20, pipe_copy=str(copy))
    [doc] = task.documents(on_error=print)
    assert (doc.id, doc.raw) == ("a", "One line of text.")
