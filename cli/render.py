"""Rich views for people at a terminal (``--format table``).

Article text goes in as ``rich.text.Text`` objects, never as markup strings, so
brackets in a headline cannot be read as styles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from core.document import Cluster, Document


def stdout_console(stream: IO[str], no_color: bool) -> Console:
    return Console(file=stream, no_color=no_color or None, highlight=False, emoji=False)


def _byline(doc: Document) -> Text:
    parts = [p for p in (doc.id, doc.language, doc.date, doc.url) if p]
    return Text(" · ".join(parts), style="dim")


def render_documents(docs: Iterable[Document], console: Console) -> Iterator[Document]:
    for doc in docs:
        body = Group(Text(doc.title, style="bold"), Text(""), Text(doc.text))
        console.print(Panel(body, title=Text(doc.id), title_align="left", subtitle=_byline(doc)))
        yield doc


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
