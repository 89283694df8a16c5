"""Rich views for people at a terminal (``--format table``).

Article text goes in as ``rich.text.Text`` objects, never as markup strings, so
brackets in a headline cannot be read as styles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..document import Cluster, Document


def stdout_console(stream: IO[str], no_color: bool) -> Console:
    return Console(file=stream, no_color=no_color or None, highlight=False, emoji=False)


def _byline(doc: Document) -> Text:
    parts = [p for p in (doc.id, doc.language, doc.date, doc.url) if p]
    return Text(" · ".join(parts), style="dim")


def render_documents(docs: Iterable[Document], console: Console) -> None:
    for doc in docs:
        body = Group(Text(doc.title, style="bold"), Text(""), Text(doc.text))
        console.print(Panel(body, title=Text(doc.id), title_align="left", subtitle=_byline(doc)))


def render_clusters(clusters: Iterable[Cluster], console: Console) -> None:
    for cluster in clusters:
        members = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        members.add_column("", width=1)
        members.add_column("similarity", justify="right")
        members.add_column("document")
        members.add_column("title")
        for member in cluster.members:
            is_canonical = member.document is cluster.canonical
            members.add_row(
                Text("*" if is_canonical else ""),
                Text(f"{member.similarity:.3f}"),
                Text(member.document.id, style="bold" if is_canonical else ""),
                Text(member.document.title),
            )
        canonical = cluster.canonical
        body = Group(members, Text(""), Text(canonical.title, style="bold"), Text(""), Text(canonical.text))
        noun = "document" if cluster.size == 1 else "documents"
        style = "cyan" if cluster.size > 1 else "dim"
        title = Text(f"cluster {cluster.id} · {cluster.size} {noun}")
        console.print(
            Panel(body, title=title, title_align="left", border_style=style, subtitle=_byline(canonical))
        )


def render_doc_table(clusters: Iterable[Cluster], console: Console) -> None:
    """``--by doc`` for people: one row per document."""
    from ..records import doc_records

    table = Table(header_style="bold")
    for column in ("cluster", "similarity", "status", "document", "title"):
        table.add_column(column, justify="right" if column in ("cluster", "similarity") else "left")
    for cluster in clusters:
        for record in doc_records(cluster):
            table.add_row(
                Text(str(record["cluster"])),
                Text(f"{record['similarity']:.3f}"),
                Text(record["status"]),
                Text(record["id"], style="bold" if record["canonical"] else ""),
                Text(record["title"] or ""),
            )
    console.print(table)


def render_explanation(result, console: Console) -> None:
    """The figures, then the first document's text with the passages both carry highlighted."""
    figures = Table(show_header=False, box=None)
    figures.add_column(style="bold")
    figures.add_column()
    verdict = Text("copies", style="green bold") if result.copies else Text("not copies", style="yellow bold")
    verdict.append(f" ({result.reason})", style="")
    for label, value in (
        ("verdict", verdict),
        ("shared shingles", Text(f"{result.shared} of {result.first_shingles} / {result.second_shingles}")),
        ("containment", Text(f"{result.containment:.3f}")),
        ("99% lower bound", Text(f"{result.containment_lower_bound:.3f}")),
        ("jaccard", Text(f"{result.jaccard:.3f}")),
    ):
        figures.add_row(label, value)
    body = Text(result.first.text)
    for passage in result.passages:
        body.stylize("reverse", passage.start, passage.end)
    title = Text(f"{result.first.id}  vs  {result.second.id}")
    console.print(Panel(Group(figures, Text(""), body), title=title, title_align="left"))


def render_records(records: list[dict], console: Console) -> None:
    """Plain records: one as a two-column table of its fields, several as rows."""
    if len(records) == 1:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column()
        for name, value in records[0].items():
            table.add_row(Text(name), Text("" if value is None else str(value)))
    else:
        table = Table(header_style="bold")
        for name in records[0] if records else ():
            table.add_column(name)
        for record in records:
            table.add_row(*(Text("" if value is None else str(value)) for value in record.values()))
    console.print(table)
