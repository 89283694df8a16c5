import numpy as np
import pytest

from newsdedup import pipeline
from newsdedup.document import Document
from newsdedup.errors import DocumentError, UsageError
from newsdedup.fingerprint import FINGERPRINT_BATCH, fingerprint
from newsdedup.pipeline import clean_documents, dedup_documents, fingerprint_documents, read_documents
from newsdedup.settings import DedupSettings
from tests.conftest import article


def doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, title=doc_id)


def test_a_trimmed_reprint_joins_its_original_and_other_stories_stay_apart():
    original = article("harbour", 16)
    trimmed = "\n\n".join(original.split("\n\n")[:3])
    other = article("railway", 16)
    clusters = dedup_documents([doc("orig", original), doc("other", other), doc("brief", trimmed)])
    assert [[m.document.id for m in c.members] for c in clusters] == [["orig", "brief"], ["other"]]
    assert clusters[0].canonical.id == "orig"
    assert clusters[0].members[1].similarity == 1.0


def test_same_event_article_sharing_one_quote_stays_apart():
    quote = "“We will not accept this plan under any circumstances,” the union leader told the crowd."
    first = article("harbour", 14) + "\n\n" + quote
    second = article("railway", 14) + "\n\n" + quote
    assert len(dedup_documents([doc("a", first), doc("b", second)])) == 2


def test_clusters_do_not_depend_on_input_order():
    texts = {
        f"d{i}": article(topic, 12) for i, topic in enumerate(["harbour", "railway", "harbour", "school"])
    }
    forward = dedup_documents([doc(k, v) for k, v in texts.items()])
    backward = dedup_documents([doc(k, v) for k, v in reversed(texts.items())])

    def partition(clusters):
        return {frozenset(m.document.id for m in c.members) for c in clusters}

    assert (
        partition(forward)
        == partition(backward)
        == {frozenset({"d0", "d2"}), frozenset({"d1"}), frozenset({"d3"})}
    )


def test_settings_are_validated_eagerly():
    with pytest.raises(UsageError, match="threshold"):
        DedupSettings(threshold=0)
    with pytest.raises(UsageError, match="divide"):
        DedupSettings(num_perm=100, bands=64)
    with pytest.raises(UsageError, match="at least 2"):
        DedupSettings(bands=1)
    with pytest.raises(UsageError, match="canonical"):
        DedupSettings(canonical="best")


def test_bad_documents_go_to_on_error_and_the_rest_flow_on(tmp_path):
    (tmp_path / "good.txt").write_text(article("harbour"))
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "menu.txt").write_text("Home\nNews\nSport\n")
    errors: list[DocumentError] = []
    docs = list(
        clean_documents(
            read_documents([str(tmp_path), "missing.txt"], on_error=errors.append), on_error=errors.append
        )
    )
    assert [d.id for d in docs] == [str(tmp_path / "good.txt")]
    assert sorted((e.source.rsplit("/", 1)[-1], e.reason) for e in errors) == [
        ("empty.txt", "empty file"),
        ("menu.txt", "no article text found"),
        ("missing.txt", "no such file or directory"),
    ]


def test_samples_cluster_000_with_002_and_keep_the_others_alone(samples):
    docs = list(clean_documents(read_documents([str(samples)])))
    clusters = dedup_documents(docs)
    groups = sorted(sorted(m.document.id.rsplit("/", 1)[-1][:3] for m in c.members) for c in clusters)
    assert groups == [["000", "002"], ["001"], ["003"], ["004"]]


def test_a_document_over_the_time_limit_is_reported_and_the_rest_go_on(monkeypatch):
    import time

    import newsdedup.workers

    real = newsdedup.workers.clean_document

    def slow_for_one(doc, rules):
        if doc.id == "slow":
            time.sleep(5)
        return real(doc, rules)

    monkeypatch.setattr(newsdedup.workers, "clean_document", slow_for_one)
    errors: list[DocumentError] = []
    docs = [Document(id=name, raw=article(name)) for name in ("fast1", "slow", "fast2")]
    cleaned = list(clean_documents(docs, timeout=0.2, on_error=errors.append))
    assert [d.id for d in cleaned] == ["fast1", "fast2"]
    assert [(e.source, e.reason) for e in errors] == [("slow", "cleaning took longer than the 0.2 s limit")]


@pytest.mark.parametrize("timeout", [0, -1, 1e10])
def test_a_time_limit_out_of_range_is_refused_before_any_page(timeout):
    with pytest.raises(UsageError, match="time limit must be more than 0 and at most 1e\\+06 seconds"):
        next(clean_documents([Document(id="a", raw=article("harbour"))], timeout=timeout))


def test_a_story_republished_many_times_is_one_cluster_next_to_its_neighbours():
    story = article("harbour", 20)
    paragraphs = story.split("\n\n")
    copies = [
        doc(f"copy{i:03d}", "\n\n".join(paragraphs[: 3 + i % 7]) + f"\n\nEdition {i}.") for i in range(150)
    ]
    neighbours = [doc("rail", article("railway", 20)), doc("school", article("school", 20))]
    clusters = dedup_documents(copies + neighbours)
    assert sorted(c.size for c in clusters) == [1, 1, 150]


def test_fingerprint_stage_works_in_batches_with_the_per_document_results():
    settings = DedupSettings(shingle_size=2, num_perm=64, bands=32)
    docs = [doc(f"d{i}", article(f"topic{i % 7}", 1 + i % 5)) for i in range(FINGERPRINT_BATCH + 44)]
    stream = fingerprint_documents(iter(docs), settings)
    assert next(stream)[0] is docs[0]  # still a lazy generator, in input order
    printed = [(docs[0], fingerprint(docs[0].text, 2, 64)), *stream]
    assert [d.id for d, _ in printed] == [d.id for d in docs]
    for d, print_ in printed:
        single = fingerprint(d.text, 2, 64)
        assert np.array_equal(print_.shingles, single.shingles)
        assert np.array_equal(print_.signature, single.signature)


@pytest.mark.parametrize("chunk_size", [1, 3, 40])
def test_clusters_do_not_depend_on_the_chunks_candidates_are_searched_in(monkeypatch, chunk_size):
    story = article("harbour", 20).split("\n\n")
    texts = [article(topic, 12) for topic in ("railway", "school", "budget")]
    texts += ["\n\n".join(story[: 3 + i % 7]) + f"\n\nEdition {i}." for i in range(30)]
    texts += [texts[3]] * 4  # verbatim copies: twins that stay out of the band index

    def clustered():
        clusters = dedup_documents([doc(f"d{i:02d}", t) for i, t in enumerate(texts)])
        return [
            ([m.document.id for m in c.members], c.canonical.id, [m.similarity for m in c.members])
            for c in clusters
        ]

    expected = clustered()
    monkeypatch.setattr(pipeline, "GATHER_CHUNK", chunk_size)
    assert clustered() == expected
    assert sorted(len(members) for members, _, _ in expected) == [1, 1, 1, 34]


def test_a_brief_copied_by_more_outlets_than_the_probe_follows_keeps_its_article():
    """Each shingle of a brief copied as is more than PROBE_COMMON times is held by too many short texts
    for the probe to follow all of them; dropped for all, it left the article out of its briefs' cluster."""
    from newsdedup.candidates import PROBE_COMMON, SHORT_TEXT_SHINGLES

    story = article("harbour", 60)
    brief = "\n\n".join(story.split("\n\n")[:2])
    settings = DedupSettings()
    prints = [fingerprint(text, settings.shingle_size, settings.num_perm) for text in (story, brief)]
    assert (
        len(prints[1].shingles)
        <= SHORT_TEXT_SHINGLES
        < 10 * len(prints[1].shingles)
        < len(prints[0].shingles)
    )
    copies = [doc(f"brief{i:03d}", brief) for i in range(PROBE_COMMON + 1)]
    clusters = dedup_documents([doc("article", story), *copies])
    assert [(c.size, c.canonical.id) for c in clusters] == [(PROBE_COMMON + 2, "article")]
