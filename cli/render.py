"""Rich views for people at a terminal (``--format table``).

Article text goes in as ``rich.text.Text`` objects, never as markup strings, so
brackets in a headline cannot be read as styles; its control characters (an
escape sequence would drive the terminal) show as U+FFFD.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..document import Cluster, Document
from .output import console_size
from .overview import (
    cluster_lines,
    count,
    figures,
    largest_first,
    readable_fields,
    short_names,
    shown,
    singletons_line,
)

SOURCE_WIDTH = 32  # characters of the overview's site · date column, at most


def _text(value: str, style: str = "") -> Text:
    """Rich text of a string that may hold page content (see :func:`overview.shown`)."""
    return Text(shown(value), style=style)


class _StdoutConsole(Console):
    def on_broken_pipe(self) -> None:
        # rich exits with 1 here; a closed stdout ends the run as every other format does (exit 0)
        raise BrokenPipeError


def stdout_console(stream: IO[str], no_color: bool) -> Console:
    return _StdoutConsole(
        file=stream, no_color=no_color or None, highlight=False, emoji=False, **console_size()
    )


def _headed(doc: Document, name: str) -> Group:
    """A document's title, a line of where it is from, and its text. In the body, not in the panel's
    title: a panel cuts a long title short, the body wraps it."""
    byline = " · ".join(part for part in (name, doc.site, doc.language, doc.date, doc.url) if part)
    return Group(_text(doc.title, style="bold"), _text(byline, style="dim"), _text(""), _text(doc.text))


def render_documents(docs: Iterable[Document], console: Console) -> None:
    for doc in docs:
        console.print(Panel(_headed(doc, doc.id)))


def render_overview(clusters: list[Cluster], console: Console) -> None:
    """The clusters with copies, one line each and largest first; the single documents counted; the figures."""
    names = short_names(c.canonical.id for c in clusters)
    copies = [c for c in largest_first(clusters) if c.size > 1]
    run = figures(clusters)
    if copies:
        table = Table(box=None, header_style="bold", pad_edge=False, expand=True)
        table.add_column("size", justify="right", no_wrap=True)
        table.add_column("cluster", justify="right", no_wrap=True, style="dim")
        table.add_column("canonical title", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(
            "site · date, or file", max_width=SOURCE_WIDTH, no_wrap=True, overflow="ellipsis", style="dim"
        )
        for line in cluster_lines(copies, names):
            title = _text(line.title) if line.title else _text("(no title)", style="dim")
            table.add_row(
                _text(str(line.cluster.size)), _text(str(line.cluster.id)), title, _text(line.source)
            )
            if line.excerpt:
                table.add_row(_text(""), _text(""), _text(f"“{line.excerpt}”", style="dim italic"), _text(""))
        console.print(table)
    else:
        console.print(_text("No duplicates: every document is a story of its own."))
    if run.singletons:
        console.print(_text(singletons_line(run), style="dim"))
    console.print(_text(run.sentence(), style="bold"))


def render_clusters(clusters: Iterable[Cluster], console: Console) -> None:
    """``--full``: every cluster in a panel, its members told apart by their short names, and its canonical text."""
    clusters = list(clusters)
    names = short_names(m.document.id for c in clusters for m in c.members)
    for cluster in clusters:
        members = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        members.add_column("", width=1)
        members.add_column("similarity", justify="right")
        members.add_column("document", overflow="fold")
        members.add_column("title", overflow="fold")
        for member in cluster.members:
            is_canonical = member.document is cluster.canonical
            members.add_row(
                _text("*" if is_canonical else ""),
                _text(f"{member.similarity:.3f}"),
                _text(names[member.document.id], style="bold" if is_canonical else ""),
                _text(member.document.title),
            )
        body = Group(members, _text(""), _headed(cluster.canonical, names[cluster.canonical.id]))
        style = "cyan" if cluster.size > 1 else "dim"
        title = _text(f"cluster {cluster.id} · {count(cluster.size, 'document')}")
        console.print(Panel(body, title=title, title_align="left", border_style=style))
    console.print(_text(figures(clusters).sentence(), style="bold"))


def render_doc_table(clusters: Iterable[Cluster], console: Console) -> None:
    """``--by doc`` for people: one row per document."""
    from ..records import doc_records

    clusters = list(clusters)
    names = short_names(m.document.id for c in clusters for m in c.members)
    table = Table(header_style="bold")
    for column in ("cluster", "similarity", "status", "document", "title"):
        table.add_column(
            column,
            justify="right" if column in ("cluster", "similarity") else "left",
            overflow="fold" if column in ("document", "title") else "ellipsis",
        )
    for cluster in clusters:
        for record in doc_records(cluster):
            table.add_row(
                _text(str(record["cluster"])),
                _text(f"{record['similarity']:.3f}"),
                _text(record["status"]),
                _text(names[record["id"]], style="bold" if record["canonical"] else ""),
                _text(record["title"] or ""),
            )
    console.print(table)
    console.print(_text(figures(clusters).sentence(), style="bold"))


def render_explanation(result, console: Console) -> None:
    """The figures, then the first document's text with the passages both carry highlighted."""
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    verdict = (
        _text("copies", style="green bold") if result.copies else _text("not copies", style="yellow bold")
    )
    table.add_column(overflow="fold")  # the file names are shown whole, however long
    verdict.append(f" ({result.reason})", style="")
    for label, value in (
        ("first", _text(result.first.id)),
        ("second", _text(result.second.id)),
        ("verdict", verdict),
        ("shared shingles", _text(f"{result.shared} of {result.first_shingles} / {result.second_shingles}")),
        ("containment", _text(f"{result.containment:.3f}")),
        ("99% lower bound", _text(f"{result.containment_lower_bound:.3f}")),
        ("jaccard", _text(f"{result.jaccard:.3f}")),
    ):
        table.add_row(label, value)
    body = _text(result.first.text)
    for passage in result.passages:
        body.stylize("reverse", passage.start, passage.end)
    console.print(Panel(Group(table, _text(""), body), title=_text("explain"), title_align="left"))


def render_records(records: list[dict], console: Console) -> None:
    """Plain records: one as a two-column table of its fields, several as rows; values read as words."""
    if len(records) == 1:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for label, value in readable_fields(records[0]):
            table.add_row(_text(label), _text(value))
    else:
        rows = [readable_fields(record) for record in records]
        table = Table(header_style="bold")
        for label, _ in rows[0] if rows else ():
            table.add_column(label)
        for row in rows:
            table.add_row(*(_text(value) for _, value in row))
    console.print(table)
