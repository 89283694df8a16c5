import numpy as np
import pytest

from newsdedup.candidates import BandIndex
from newsdedup.canonical import choose_canonical, date_order
from newsdedup.cluster import Edge, EdgeColumns, cluster_groups
from newsdedup.document import Document
from newsdedup.errors import UsageError
from newsdedup.fingerprint import fingerprint, fingerprints
from newsdedup.verify import overlap
from tests.conftest import article
from tests.store_helpers import ReferenceLSH


@pytest.mark.parametrize(("bands", "chunk_size"), [(64, 5), (32, 1), (128, 24), (64, 7)])
def test_band_index_finds_what_datasketch_lsh_finds(bands, chunk_size):
    """Each document's candidates equal a MinHashLSH query into which the same earlier documents went,
    whatever the chunks the documents arrive in."""
    stories = [article(topic, 10) for topic in ("harbour", "ferry", "budget", "school")]
    texts = []
    for copy in range(6):  # copies trimmed and reworded differently, interleaved with the others
        for story in stories:
            words = story.split()
            texts.append(" ".join(words[copy * 7 :] + [f"edit{copy}"] * copy))
    signatures = np.stack([print_.signature for print_ in fingerprints(texts, 3, 128)])
    band_index, lsh = BandIndex(bands), ReferenceLSH(128, bands)
    rows_per_band = 128 // bands
    banded = signatures.reshape(len(texts), bands, rows_per_band)
    left_out = {3, 9, 10}  # documents the caller chooses not to index (near-identical twins)
    matched = 0
    for first in range(0, len(texts), chunk_size):
        chunk = signatures[first : first + chunk_size]
        lookup = band_index.lookup(chunk, first)
        for row, signature in enumerate(chunk):
            position = first + row
            shares = [q for q in range(position) if (banded[q] == banded[position]).all(axis=1).any()]
            # indexed documents of earlier chunks, and every earlier document of this chunk
            expected = [q for q in shares if q >= first or q not in left_out]
            assert lookup.sharing(row).tolist() == expected
            assert sorted(lsh.query(signature)) == [q for q in shares if q not in left_out]
            matched += len(expected)
            if position not in left_out:
                lsh.add(position, signature)
        band_index.insert(lookup, np.array([r for r in range(len(chunk)) if first + r not in left_out]))
    assert matched


def test_overlap_measures_containment_of_the_smaller_set():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.arange(1, 21, dtype=np.uint32)
    pair = overlap(a, b)
    assert (pair.shared, pair.containment, pair.jaccard) == (4, 1.0, 0.2)
    assert overlap(a, np.array([], dtype=np.uint32)).containment == 0.0


def prints_of(*texts):
    return [fingerprint(t, 3, 64) for t in texts]


def test_groups_do_not_depend_on_edge_order():
    story = " ".join(f"w{i}" for i in range(100))
    prints = prints_of(story, "other text entirely here", story + " x", "z y x w v u", story + " y")
    keys = ["a", "b", "c", "d", "e"]
    edges = [Edge(0.9, 0, 2), Edge(0.8, 2, 4), Edge(0.7, 0, 4)]
    forward = cluster_groups(prints, keys, EdgeColumns(edges))
    assert forward == cluster_groups(prints, keys, EdgeColumns(reversed(edges))) == [[0, 2, 4], [1], [3]]


def test_a_roundup_quoting_two_stories_does_not_chain_them():
    story_a = " ".join(f"a{i}" for i in range(150))
    story_c = " ".join(f"c{i}" for i in range(150))
    roundup = story_a + " " + story_c
    prints = prints_of(story_a, roundup, story_c)
    # both stories are wholly contained in the roundup, so both pairs verify
    assert overlap(prints[0].shingles, prints[1].shingles).containment == 1.0
    groups = cluster_groups(prints, ["a", "b", "c"], EdgeColumns([Edge(1.0, 0, 1), Edge(1.0, 1, 2)]))
    assert [0, 2] not in groups and len(groups) == 2


def _words(prefix: str, count: int) -> list[str]:
    """``count`` distinct words, letters only (figures in a word are not told apart)."""
    return [prefix + "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{i:03d}") for i in range(count)]


def test_two_trims_of_one_article_that_share_its_lead_join_it():
    full = _words("f", 300)
    head, lead_and_end = full[:200], full[:30] + full[200:]  # they share the lead only
    prints = prints_of(" ".join(full), " ".join(head), " ".join(lead_and_end))
    edges = EdgeColumns([Edge(0.95, 0, 1), Edge(0.9, 0, 2)])
    assert cluster_groups(prints, ["f", "h", "e"], edges) == [[0, 1, 2]]


@pytest.mark.parametrize(
    "other",
    [
        # an update under a new lead that keeps a line of the old one
        _words("f", 8) + _words("n", 32) + _words("f", 300)[40:],
        # a rewrite that keeps less than half of the full text
        _words("f", 20) + _words("n", 160) + _words("f", 300)[160:280],
    ],
)
def test_a_brief_of_the_lead_joined_first_keeps_an_update_or_rewrite_with_its_story(other):
    # a rule tried for roundups (reverted) kept these apart, as if the full text were a roundup
    full = _words("f", 300)
    prints = prints_of(" ".join(full), " ".join(full[:40]), " ".join(other))
    edges = EdgeColumns([Edge(0.95, 0, 1), Edge(0.45, 0, 2)])
    assert cluster_groups(prints, ["f", "b", "u"], edges) == [[0, 1, 2]]


class _CountingReads(list):
    reads = 0

    def __getitem__(self, position):
        self.reads += 1
        return super().__getitem__(position)


def test_a_pair_joined_on_its_own_edge_is_not_read_again():
    story = " ".join(f"w{i}" for i in range(100))
    prints = _CountingReads(prints_of(story, story + " x", "other text entirely here"))
    # the verified edge's strength (its containment's lower bound) already says the two share text
    assert cluster_groups(prints, ["a", "b", "c"], EdgeColumns([Edge(0.9, 0, 1)])) == [[0, 1], [2]]
    assert prints.reads == 0
    # under LINK_FLOOR the strength says nothing: the texts are read and compared
    assert cluster_groups(prints, ["a", "b", "c"], EdgeColumns([Edge(0.01, 0, 1)])) == [[0, 1], [2]]
    assert prints.reads == 2


def test_copies_of_copies_stay_one_cluster():
    words = [f"w{i}" for i in range(300)]
    chain = []
    for depth in range(6):  # each copy rewrites a different tenth of its parent
        words = [f"d{depth}x{i}" if (i // 30) == depth else w for i, w in enumerate(words)]
        chain.append(" ".join(words))
    prints = prints_of(*chain)
    edges = [Edge(0.8, i, i + 1) for i in range(len(chain) - 1)]
    assert cluster_groups(prints, [f"k{i}" for i in range(6)], EdgeColumns(edges)) == [list(range(6))]


def test_canonical_rules():
    docs = [Document(id="b", date="2024-02-01"), Document(id="a", date="2024-01-01"), Document(id="c")]
    prints = [fingerprint(t, 3, 32) for t in ("x y z w v u", "x y z w v u t s r q", "x y z w")]
    assert choose_canonical(docs, prints, "longest") == 1
    assert choose_canonical(docs, prints, "earliest") == 1
    docs[1].date = None
    assert choose_canonical(docs, prints, "earliest") == 0
    assert choose_canonical(docs, prints, "central") in (0, 1, 2)


def test_the_earliest_rule_compares_moments_not_spellings():
    # Before: dates were compared as written, and "2024-03-20T20:00:00Z" came before an RFC 2822 date
    # of 17:00 that day and an ISO date of 18:00 UTC written in another zone.
    dates = [
        "2024-03-20T20:00:00Z",
        "Wed, 20 Mar 2024 17:00:00 GMT",
        "2024-03-21T01:00:00+07:00",
        "20 Maret 2024",
        None,
    ]
    docs = [Document(id=f"d{i}", date=date) for i, date in enumerate(dates)]
    prints = [fingerprint("x y z w v u", 3, 32)] * len(docs)
    assert choose_canonical(docs, prints, "earliest") == 1
    order = sorted(range(len(docs)), key=lambda i: date_order(docs[i].date))
    assert order == [1, 2, 0, 3, 4]  # then a date in another form, then none


@pytest.mark.parametrize(
    "date", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "Fri, 31 Dec 9999 23:59:59 -0100"]
)
def test_a_date_beyond_the_first_or_last_moment_is_a_date_in_another_form(date):
    # Before this was caught: OverflowError, whatever the rule (every rule's tie-break reads the date)
    assert date_order(date) == (1, date)


def test_a_canonical_rule_registers_itself_for_the_settings_and_the_help(monkeypatch):
    from newsdedup import canonical
    from newsdedup.settings import DedupSettings

    with pytest.raises(UsageError, match="canonical"):
        DedupSettings(canonical="shortest")
    monkeypatch.setitem(canonical.RULES, "shortest", None)  # removed again after the test
    canonical.canonical_rule("shortest", "the briefest text")(
        lambda docs, prints, others: lambda i: (len(prints[i].shingles), docs[i].id)
    )
    assert DedupSettings(canonical="shortest").canonical == "shortest"
    docs = [Document(id="a"), Document(id="b")]
    prints = [fingerprint(t, 3, 32) for t in ("x y z w v u", "x y z w")]
    assert canonical.choose_canonical(docs, prints, "shortest") == 1
