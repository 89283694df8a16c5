"""A deterministic synthetic news corpus with known near-duplicate clusters, for ``make bench``.

    python -m tools.corpus --n 10000 --out DIR [--kind text|html] [--seed 0] [--jobs N]

writes ``DIR/docs/NNNNNN.txt`` (or ``.html``) and ``DIR/labels.json``
(``{"docs": {name: {"cluster", "kind", "edits"}}}``, the layout of the dedup
development set). Every story is an original plus copies: ``exact`` (the same
body on another site), ``trimmed`` (its first paragraphs), ``reworded`` (words
replaced, sentences dropped) and ``brief`` (three lightly reworded
paragraphs). Most stories stand alone, some have a few copies, a few have
dozens, and a corpus of 10,000 documents or more holds one wire story printed
1,000 times. Each document sits in one of a handful of site templates
(masthead and menu lines, "Baca juga: ..." / "Read also: ..." inserts, a
"Berita Terkait" / "More stories" headline list, a copyright line), as plain
text or as an HTML page.

Words come from the Indonesian articles in ``sample_docs/`` (the lower-case
words, weighted by frequency, plus affixed forms of the longer ones); each
story has its own topic words and invented names, so unrelated stories share
few word 3-grams, as unrelated news articles do. Same seed, same corpus:
every random choice comes from a ``random.Random`` seeded with a string.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_docs"
KINDS = ("text", "html")
BIG_CLUSTER_SIZE = 1000
BIG_CLUSTER_FROM = 10_000  # corpora this large or larger get the 1,000-copy story
TOPIC_WORDS = 40
TOPIC_SHARE = 0.3  # of a sentence's words come from the story's own topic words
BODY_WORDS = (200, 480)  # an original's body; with its template a page is 2-5 KB
COPY_KINDS = ("exact", "trimmed", "reworded", "brief")
COPY_WEIGHTS = (0.25, 0.3, 0.3, 0.15)
BIG_COPY_WEIGHTS = (0.5, 0.3, 0.15, 0.05)  # a wire story is mostly reprinted as is
# (size range, weight) of a story's cluster, the big cluster aside
CLUSTER_SIZES = (((1, 1), 0.7), ((2, 3), 0.18), ((4, 10), 0.08), ((11, 50), 0.035), ((51, 200), 0.005))
_SYLLABLES = "ba bu da di dja ha ka ki ko la li ma mi na ni no ra ri ru sa si su ta ti to wa wi ya yu".split()
_AFFIXES = (("", "nya"), ("di", ""), ("", "kan"), ("ber", ""), ("pe", "an"), ("ter", ""), ("me", "kan"))
_PREFIXES = ("me", "di", "ber", "ter", "pe", "ke", "se")
_SUFFIXES = ("kan", "nya", "an", "i")
_DAYS = "Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split()
_MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()


@dataclass(frozen=True)
class Template:
    """The boilerplate one site wraps its articles in."""

    site: str
    domain: str
    menu: tuple[str, ...]
    related: str  # the "read also" insert, before a headline
    tail: str  # heading of the headline list after the article
    share: str
    copyright: str
    bulleted_tail: bool  # the headline list as "- headline" lines (text rendering)


TEMPLATES = (
    Template(
        "Kabar Nusantara",
        "kabarnusantara.example",
        ("Beranda", "Nasional", "Ekonomi", "Olahraga", "Teknologi", "Hiburan"),
        "Baca juga:",
        "Berita Terkait",
        "Bagikan",
        "© {year} Kabar Nusantara. Hak cipta dilindungi undang-undang.",
        True,
    ),
    Template(
        "Warta Harian",
        "wartaharian.example",
        ("Home", "Global", "Nasional", "Daerah", "Bisnis", "Video"),
        "Baca Juga :",
        "Terkini Lainnya",
        "Bagikan :",
        "Copyright © {year} Warta Harian. All rights reserved.",
        False,
    ),
    Template(
        "Jakarta Daily Wire",
        "jakartadailywire.example",
        ("Home", "News", "Business", "Sport", "Tech", "Opinion"),
        "Read also:",
        "More stories",
        "Share this article",
        "Copyright {year} Jakarta Daily Wire. All rights reserved.",
        True,
    ),
    Template(
        "Suara Pagi",
        "suarapagi.example",
        ("Beranda", "Politik", "Hukum", "Dunia", "Gaya Hidup", "Indeks"),
        "Simak juga:",
        "Berita Lainnya",
        "Bagikan artikel ini",
        "Hak Cipta © {year} Suara Pagi",
        False,
    ),
    Template(
        "Indo Global Post",
        "indoglobalpost.example",
        ("Home", "Indonesia", "World", "Markets", "Travel", "Lifestyle"),
        "Read also:",
        "Recommended for you",
        "Share",
        "© {year} Indo Global Post. All rights reserved.",
        True,
    ),
)


@dataclass(frozen=True)
class Vocabulary:
    """Words to draw from: common words by frequency, and content words for topics and rewording."""

    common: tuple[str, ...]
    common_weights: tuple[float, ...]  # cumulative, for random.choices
    content: tuple[str, ...]


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[tuple[str, ...], ...]  # sentences of each paragraph
    names: tuple[str, ...]


@dataclass(frozen=True)
class CorpusDocument:
    name: str  # file name
    cluster: int  # the story it carries: the true cluster label
    kind: str  # "original" or "variant"
    edits: tuple[str, ...]  # how a variant was made from the original
    text: str  # the file's content


@lru_cache(maxsize=4)
def load_vocabulary(samples: Path = SAMPLES) -> Vocabulary:
    """Lower-case words of the sample articles (proper nouns left out), and affixed forms of the longer ones."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt")))
    counts = Counter(w for w in re.findall(r"[^\W\d_]+", text) if w.islower())
    if not counts:
        raise ValueError(f"no words found in {samples}")
    common = sorted(counts)
    # flattened frequencies: "pasukan" should not be in every story just because the samples are about troops
    weights, total = [], 0.0
    for word in common:
        total += counts[word] ** 0.6
        weights.append(total)
    longer = [w for w in common if len(w) >= 5]
    # affixes go on bare roots only ("kirim" -> "dikirim", not "dikirimkan" -> "didikirimkan")
    roots = [w for w in longer if not w.startswith(_PREFIXES) and not w.endswith(_SUFFIXES)]
    content = sorted({*longer, *(prefix + root + suffix for root in roots for prefix, suffix in _AFFIXES)})
    return Vocabulary(tuple(common), tuple(weights), tuple(content))


def _name(rng: random.Random) -> str:
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(2)
    )


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(1, 99) * 100:,}".replace(",", ".")  # 3.000, the Indonesian grouping
    if kind < 0.7:
        return f"Rp{rng.randint(1, 999)} miliar"
    return f"({rng.randint(1, 28)}/{rng.randint(1, 12)}/2024)"


def _sentence(rng: random.Random, vocab: Vocabulary, topic: list[str], names: tuple[str, ...]) -> str:
    common = rng.choices(vocab.common, cum_weights=vocab.common_weights, k=rng.randint(8, 22))
    words = [rng.choice(topic) if rng.random() < TOPIC_SHARE else word for word in common]
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), rng.choice(names))
    if rng.random() < 0.15:
        words.insert(rng.randrange(1, len(words)), _number(rng))
    body = " ".join(words)
    if rng.random() < 0.15:
        return f"“{body[0].upper()}{body[1:]},” kata {rng.choice(names)}."
    return f"{body[0].upper()}{body[1:]}."


def _title(rng: random.Random, vocab: Vocabulary, topic: list[str], names: tuple[str, ...]) -> str:
    words = [rng.choice(topic) for _ in range(rng.randint(4, 8))]
    words.insert(rng.randrange(len(words)), rng.choice(names))
    return " ".join(w if w[0].isupper() else w.capitalize() for w in words)


def _topic(rng: random.Random, vocab: Vocabulary) -> tuple[list[str], tuple[str, ...]]:
    return rng.sample(vocab.content, TOPIC_WORDS), tuple(_name(rng) for _ in range(4))


@cache  # every page lists 4-10 other headlines: at 100,000 pages each is asked for often
def story_title(seed: int, story: int) -> str:
    """A story's headline alone (headline lists of other pages need only this)."""
    vocab = load_vocabulary()
    rng = random.Random(f"{seed}:story:{story}")
    topic, names = _topic(rng, vocab)
    return _title(rng, vocab, topic, names)


@lru_cache(maxsize=256)
def make_story(seed: int, story: int) -> Story:
    """The original article of a story: title and paragraphs of 2-4 sentences."""
    vocab = load_vocabulary()
    rng = random.Random(f"{seed}:story:{story}")
    topic, names = _topic(rng, vocab)
    title = _title(rng, vocab, topic, names)
    target = rng.randint(*BODY_WORDS)
    paragraphs, words = [], 0
    while words < target:
        sentences = tuple(_sentence(rng, vocab, topic, names) for _ in range(rng.randint(2, 4)))
        paragraphs.append(sentences)
        words += sum(len(s.split()) for s in sentences)
    return Story(title, tuple(paragraphs), names)


def _reword(rng: random.Random, vocab: Vocabulary, sentence: str, rate: float) -> str:
    words = sentence.split(" ")
    for i, word in enumerate(words):
        if len(word) >= 5 and word.isalpha() and word.islower() and rng.random() < rate:
            words[i] = rng.choice(vocab.content)
    return " ".join(words)


def make_variant(story: Story, edit: str, rng: random.Random) -> list[str]:
    """The paragraphs of a copy of ``story`` made by ``edit`` (one of COPY_KINDS, or "original")."""
    vocab = load_vocabulary()
    paragraphs = [list(p) for p in story.paragraphs]
    if edit == "trimmed":
        paragraphs = paragraphs[: max(3, math.ceil(len(paragraphs) * rng.uniform(0.4, 0.8)))]
    elif edit == "brief":
        paragraphs = [[_reword(rng, vocab, s, 0.05) for s in p] for p in paragraphs[:3]]
    elif edit == "reworded":
        rate = rng.uniform(0.05, 0.15)
        paragraphs = [[_reword(rng, vocab, s, rate) for s in p] for p in paragraphs]
        for _ in range(rng.randint(0, 2)):
            p = rng.randrange(len(paragraphs))
            if len(paragraphs[p]) > 1:
                del paragraphs[p][rng.randrange(len(paragraphs[p]))]
    elif edit not in ("original", "exact"):
        raise ValueError(f"unknown edit {edit!r}")
    return [" ".join(p) for p in paragraphs]


def plan_corpus(n: int, seed: int = 0) -> list[tuple[int, str]]:
    """``(story, edit)`` of every document, in file order (shuffled, so copies are spread out)."""
    if n < 1:
        raise ValueError(f"a corpus needs at least one document, got {n}")
    rng = random.Random(f"{seed}:plan")
    plan: list[tuple[int, str]] = []
    story = 0
    if n >= BIG_CLUSTER_FROM:
        plan.append((story, "original"))
        plan.extend((story, e) for e in rng.choices(COPY_KINDS, BIG_COPY_WEIGHTS, k=BIG_CLUSTER_SIZE - 1))
        story += 1
    ranges, weights = zip(*CLUSTER_SIZES, strict=True)
    while len(plan) < n:
        low, high = rng.choices(ranges, weights)[0]
        size = min(rng.randint(low, high), n - len(plan))
        plan.append((story, "original"))
        plan.extend((story, e) for e in rng.choices(COPY_KINDS, COPY_WEIGHTS, k=size - 1))
        story += 1
    rng.shuffle(plan)
    return plan


def _date(rng: random.Random) -> tuple[str, str]:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    weekday = _DAYS[(day + month * 3) % 7]  # any weekday will do: no cleaner checks the calendar
    return (
        f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}",
        f"{weekday}, {day} {_MONTHS[month - 1]} 2024 {hour:02d}:{minute:02d} WIB",
    )


def _other_headlines(rng: random.Random, seed: int, story: int, stories: int, count: int) -> list[str]:
    others = [s for s in (rng.randrange(stories) for _ in range(count + 1)) if s != story][:count]
    return [story_title(seed, s) for s in others]


def render_text(
    template: Template, title: str, paragraphs: list[str], related: list[str], more: list[str], rng
) -> str:
    """A page scraped to plain text: masthead, menu, title, dateline, body with inserts, tail list."""
    _, when = _date(rng)
    lines = [template.site.upper(), " | ".join(template.menu), "", title, ""]
    lines += [f"{template.menu[1]} | {template.site} | {when}", f"Penulis: {_name(rng)}", ""]
    insert_at = {rng.randrange(1, len(paragraphs) + 1): h for h in related} if len(paragraphs) > 1 else {}
    for i, paragraph in enumerate(paragraphs):
        if i in insert_at:
            lines += [f"{template.related} {insert_at[i]}", ""]
        lines += [paragraph, ""]
    lines += [f"{template.share}", "", template.tail]
    lines += [f"- {h}" if template.bulleted_tail else h for h in more]
    lines += ["", template.copyright.format(year=2024)]
    return "\n".join(lines) + "\n"


def render_html(
    template: Template, title: str, paragraphs: list[str], related: list[str], more: list[str], rng
) -> str:
    """The same page as HTML: header with nav, article with <p>, related aside, footer."""
    esc = html.escape
    stamp, when = _date(rng)
    slug = re.sub(r"\W+", "-", title.lower()).strip("-")
    body = [f"<p>{esc(p)}</p>" for p in paragraphs]
    for headline in related:
        body.insert(
            rng.randrange(1, len(body) + 1),
            f'<p class="related"><strong>{esc(template.related)}</strong> '
            f'<a href="/{template.menu[1].lower()}/{rng.randrange(10**7)}">{esc(headline)}</a></p>',
        )
    nav = "".join(f'<li><a href="/{esc(m.lower())}">{esc(m)}</a></li>' for m in template.menu)
    aside = "".join(f'<li><a href="/berita/{i}">{esc(h)}</a></li>' for i, h in enumerate(more))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="id">',
            '<head><meta charset="utf-8">',
            f"<title>{esc(title)} | {esc(template.site)}</title>",
            f'<meta property="og:title" content="{esc(title)}">',
            f'<link rel="canonical" href="https://{template.domain}/{template.menu[1].lower()}/{slug}">',
            "</head>",
            "<body>",
            f'<header><a class="logo" href="/">{esc(template.site)}</a><nav><ul>{nav}</ul></nav></header>',
            "<main>",
            "<article>",
            f"<h1>{esc(title)}</h1>",
            f'<div class="meta"><span class="author">Penulis: {esc(_name(rng))}</span> '
            f'<time datetime="{stamp}">{esc(when)}</time></div>',
            '<div class="content">',
            *body,
            "</div>",
            f'<div class="share">{esc(template.share)} <a href="#">Facebook</a> <a href="#">WhatsApp</a></div>',
            "</article>",
            f'<aside class="related-news"><h2>{esc(template.tail)}</h2><ul>{aside}</ul></aside>',
            "</main>",
            f"<footer><p>{esc(template.copyright.format(year=2024))}</p></footer>",
            "</body>",
            "</html>",
        ]
    )


def document_name(position: int, n: int, kind: str = "text") -> str:
    """File name of the document at ``position`` in a corpus of ``n``: zero-padded, in file order."""
    return f"{position:0{max(6, len(str(n - 1)))}d}.{'html' if kind == 'html' else 'txt'}"


def corpus_labels(n: int, *, seed: int = 0, kind: str = "text") -> dict[str, dict]:
    """The truth about every document (cluster, kind, edits) by file name, without making any text."""
    return {
        document_name(position, n, kind): {
            "cluster": story,
            "kind": "original" if edit == "original" else "variant",
            "edits": [] if edit == "original" else [edit],
        }
        for position, (story, edit) in enumerate(plan_corpus(n, seed))
    }


def generate_corpus(
    n: int, *, seed: int = 0, kind: str = "text", positions: Iterable[int] | None = None
) -> Iterator[CorpusDocument]:
    """The documents of a corpus of ``n``, made on demand: all in file order, or those at ``positions``.

    A document depends only on the seed, ``n`` and its position, so any part
    of the corpus can be made on its own (``write_corpus`` makes parts in parallel).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    plan = plan_corpus(n, seed)
    stories = max(story for story, _ in plan) + 1
    render = render_html if kind == "html" else render_text
    for position in range(n) if positions is None else positions:
        story, edit = plan[position]
        rng = random.Random(f"{seed}:doc:{position}")
        original = make_story(seed, story)
        paragraphs = make_variant(original, edit, rng)
        related = _other_headlines(rng, seed, story, stories, rng.randint(0, 2))
        more = _other_headlines(rng, seed, story, stories, rng.randint(4, 8))
        template = rng.choice(TEMPLATES)
        yield CorpusDocument(
            name=document_name(position, n, kind),
            cluster=story,
            kind="original" if edit == "original" else "variant",
            edits=() if edit == "original" else (edit,),
            text=render(template, original.title, paragraphs, related, more, rng),
        )


def _write_part(task: tuple[str, int, int, str, int, int]) -> int:
    """Write the documents of every ``parts``-th story, story by story (each story is made once)."""
    docs_dir, n, seed, kind, part, parts = task
    plan = plan_corpus(n, seed)
    positions = sorted(
        (p for p, (story, _) in enumerate(plan) if story % parts == part), key=lambda p: plan[p]
    )
    written = 0
    for doc in generate_corpus(n, seed=seed, kind=kind, positions=positions):
        Path(docs_dir, doc.name).write_text(doc.text, encoding="utf-8")
        written += 1
    return written


def write_corpus(
    out: Path | str, n: int, *, seed: int = 0, kind: str = "text", jobs: int = 1
) -> dict[str, int]:
    """Write the corpus to ``out/docs/`` and its labels to ``out/labels.json``; return name -> cluster.

    ``jobs`` processes make it (the files are the same whatever the number).
    """
    docs_dir = Path(out) / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    labels = corpus_labels(n, seed=seed, kind=kind)
    parts = max(1, jobs) * 4  # several parts per process: the big story makes one part slower
    tasks = [(str(docs_dir), n, seed, kind, part, parts) for part in range(parts)]
    if jobs > 1:
        with Pool(jobs) as pool:
            written = sum(pool.imap_unordered(_write_part, tasks))
    else:
        written = sum(map(_write_part, tasks))
    assert written == n, (written, n)
    record = {"seed": seed, "kind": kind, "docs": labels}
    (Path(out) / "labels.json").write_text(json.dumps(record), encoding="utf-8")
    return {name: doc["cluster"] for name, doc in labels.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="documents to write")
    parser.add_argument("--out", required=True, help="directory to write docs/ and labels.json into")
    parser.add_argument("--kind", choices=KINDS, default="text")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes writing files")
    args = parser.parse_args(argv)
    labels = write_corpus(args.out, args.n, seed=args.seed, kind=args.kind, jobs=args.jobs)
    sizes = Counter(Counter(labels.values()).values())
    print(
        f"{len(labels)} documents, {len(set(labels.values()))} stories "
        f"(largest cluster {max(sizes)}) in {Path(args.out) / 'docs'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
