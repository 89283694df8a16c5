"""The views for people: one line per cluster to scan, full texts when asked, documents told apart."""

import json

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from newsdedup.cli.overview import excerpt, short_names
from tests.conftest import SAMPLES, article

runner = CliRunner()
SUMMARY = "5 documents, 4 clusters (1 with copies), 1 duplicate (20.0% of the documents)"


def view(*args, columns: int = 100) -> list[str]:
    result = runner.invoke(
        app, ["dedup", *map(str, args), "-q"], env={"COLUMNS": str(columns), "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("fmt", ["table", "text"])
def test_the_default_view_is_one_line_per_cluster_with_copies_then_the_singletons_counted(fmt):
    lines = view(SAMPLES, "-f", fmt)
    assert len(lines) == 4
    assert "canonical title" in lines[0] and "site · date, or file" in lines[0]
    assert lines[1].split()[:2] == ["2", "1"] and "AS dan Korsel Desak Korut" in lines[1]
    assert "000_a740ead4aedb6a51.txt" in lines[1]  # the canonical's file, without the folders
    assert lines[2] == "+ 3 documents with no copy (--full lists every cluster with its text)"
    assert lines[3] == SUMMARY
    assert "Washington" not in "\n".join(lines)  # no article text


def test_the_largest_clusters_come_first_and_dupes_only_leaves_out_the_count_of_singletons(tmp_path):
    for name, topic, sentences in (
        ("a1", "harbour", 12),
        ("b1", "tunnel", 12),
        ("b2", "tunnel", 10),
        ("b3", "tunnel", 8),
        ("a2", "harbour", 9),
    ):
        (tmp_path / f"{name}.txt").write_text(f"{topic.title()} story {name}\n\n" + article(topic, sentences))
    (tmp_path / "c1.txt").write_text("Lone story\n\n" + article("meadow"))
    lines = view(tmp_path, "-f", "text", "--dupes-only")
    assert [line.split()[0] for line in lines[1:3]] == ["3", "2"]
    assert not any(line.startswith("+") for line in lines)
    assert lines[-1] == "5 documents, 2 clusters (2 with copies), 3 duplicates (60.0% of the documents)"


def test_an_excerpt_tells_apart_stories_with_the_same_title(tmp_path):
    records = [
        {"id": f"{topic}-{n}", "title": "Breaking news", "text": article(topic, 12 - n)}
        for topic in ("harbour", "tunnel")
        for n in range(2)
    ] + [
        {"id": "other", "title": "Council meets", "text": article("meadow")},
        {"id": "other-2", "title": "Council meets again", "text": article("meadow", 10)},
    ]
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records))
    lines = view("-i", "jsonl", source, "-f", "text")
    breaking = [i for i, line in enumerate(lines) if "Breaking news" in line]
    excerpts = {lines[i + 1].strip() for i in breaking}
    assert len(breaking) == 2 and len(excerpts) == 2
    assert all(e.startswith("“") and e.endswith("…”") for e in excerpts)
    council = next(i for i, line in enumerate(lines) if "Council meets" in line)
    assert not lines[council + 1].strip().startswith("“")


def test_full_shows_every_cluster_with_its_members_told_apart_and_its_text(tmp_path):
    folder = tmp_path / "crawl" / "2024" / "taz"
    folder.mkdir(parents=True)
    names = [
        "Taz_2024-11-30_long_name_of_the_first_copy.txt",
        "Taz_2024-11-30_long_name_of_the_second_copy.txt",
    ]
    (folder / names[0]).write_text("Harbour plan\n\n" + article("harbour"))
    (folder / names[1]).write_text("Harbour plan\n\n" + article("harbour", 9))
    table = view(tmp_path, "-f", "table", "--full", columns=70)
    # long names wrap inside their column instead of being cut: joined again, each is whole
    header = next(line for line in table if "similarity" in line)
    start, end = header.index("document"), header.index("title")
    rows = table[table.index(header) + 1 : table.index(header) + 5]
    assert [row[start:end].strip() for row in rows] == [
        names[0][:37],
        names[0][37:],
        names[1][:37],
        names[1][37:],
    ]
    assert "…" not in "\n".join(table) and str(tmp_path) not in "\n".join(table)
    assert "cluster 1 · 2 documents" in table[0]
    assert any(line.strip("│ ").startswith(article("harbour")[:40]) for line in table)
    text = view(tmp_path, "-f", "text", "--full")
    assert [line.split()[-3] for line in text[1:3]] == names
    assert text[-1].startswith("2 documents, 1 cluster (1 with copies)")


def test_by_doc_table_shows_documents_without_their_shared_folders():
    lines = "\n".join(view(SAMPLES, "-f", "table", "--by", "doc", columns=160))
    assert "000_a740ead4aedb6a51.txt" in lines and "sample_docs/" not in lines
    assert SUMMARY in lines


def test_explain_shows_both_file_names_whole_at_any_width(tmp_path):
    first = tmp_path / ("a_very_long_folder_name_" * 3) / "first_document_name.txt"
    second = tmp_path / ("a_very_long_folder_name_" * 3) / "second_document_name.txt"
    first.parent.mkdir()
    first.write_text("Harbour plan\n\n" + article("harbour"))
    second.write_text("Harbour plan\n\n" + article("harbour", 9))
    result = runner.invoke(app, ["explain", str(first), str(second), "-f", "table"], env={"COLUMNS": "60"})
    flat = "".join(line.strip("│ ") for line in result.stdout.splitlines())
    assert str(first).replace(" ", "") in flat.replace(" ", "") and str(second).replace(
        " ", ""
    ) in flat.replace(" ", "")


def test_short_names_drop_the_folders_all_documents_share():
    assert short_names(["/data/crawl/a/1.html", "/data/crawl/b/2.html"]) == {
        "/data/crawl/a/1.html": "a/1.html",
        "/data/crawl/b/2.html": "b/2.html",
    }
    assert short_names(["/x/1.html", "2.html"]) == {"/x/1.html": "/x/1.html", "2.html": "2.html"}
    assert short_names(["record-1", "record-2"]) == {"record-1": "record-1", "record-2": "record-2"}


def test_an_excerpt_is_one_line_cut_at_a_word():
    assert excerpt("One two\n\nthree four five", 14) == "One two three…"
    assert excerpt("Short text") == "Short text"


def test_index_stats_reads_as_a_table_for_people_and_as_json_in_a_pipe(tmp_path):
    index = str(tmp_path / "index.db")
    assert runner.invoke(app, ["dedup", str(SAMPLES), "--db", index, "-q"]).exit_code == 0
    piped = runner.invoke(app, ["index", "stats", index])
    stats = json.loads(piped.stdout)
    assert stats["documents"] == 5 and stats["oldest_first_seen"].endswith("Z")
    for fmt in ("table", "text"):
        shown = runner.invoke(app, ["index", "stats", index, "-f", fmt], env={"COLUMNS": "100"}).stdout
        assert "None" not in shown and "{" not in shown and "'" not in shown
        assert "largest cluster: size" in shown and "bytes per document" in shown
        assert "KiB)" in shown and stats["oldest_first_seen"] in shown
