"""Command-line inputs -> file paths: directories walked, globs expanded, ``-`` a list of paths on stdin.

Inputs that cannot be expanded are yielded as :class:`DocumentError`, in order,
so the caller reports them and goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from glob import glob, has_magic
from typing import IO

from ..errors import DocumentError
from .urls import is_url, url_file_system


def iter_sources(
    inputs: Iterable[str], stdin: IO[bytes] | None = None, null_separated: bool = False
) -> Iterator[str | DocumentError]:
    """Expand command-line inputs into file paths, in a stable order.

    A directory is walked recursively (sorted, hidden entries and symlinked
    directories skipped); an argument that does not exist but contains glob
    characters is expanded (``**`` included); ``-`` reads a list of paths from
    ``stdin``, one per line or NUL-separated; a URL (``s3://...``) is expanded the
    same way by fsspec (see :func:`url_sources`). Inputs that cannot be expanded
    are yielded as :class:`DocumentError` so the caller reports them in order.
    """
    for item in inputs:
        if is_url(item):
            yield from url_sources(item)
        elif item == "-":
            if stdin is None:
                yield DocumentError("-", "no standard input to read paths from")
                continue
            yield from iter_sources(_split_path_list(stdin.read(), null_separated))
        elif os.path.isdir(item):
            yield from _walk(item)
        elif has_magic(item) and not os.path.lexists(item):  # the cheap test first
            matches = sorted(glob(item, recursive=True))
            if not matches:
                yield DocumentError(item, "no file matches this pattern")
            for match in matches:
                yield from _walk(match) if os.path.isdir(match) else iter((match,))
        else:
            yield item


def url_sources(url: str) -> Iterator[str | DocumentError]:
    """The files a URL stands for, as URLs: a glob pattern's matches, and every file under a directory
    (recursively, sorted, hidden entries skipped); a URL of one file is itself."""
    file_system, path = url_file_system(url)
    try:
        tops = sorted(file_system.glob(path)) if has_magic(path) else [path]
        if not tops:
            yield DocumentError(url, "no file matches this pattern")
        for top in tops:
            if not file_system.isdir(top):
                yield url if top == path else file_system.unstrip_protocol(top)
                continue
            for name in sorted(file_system.find(top)):
                if not any(part.startswith(".") for part in name[len(top) :].split("/")):
                    yield file_system.unstrip_protocol(name)
    except OSError as exc:
        yield DocumentError(url, os_reason(exc))


def record_files(inputs: Iterable[str]) -> Iterator[str | DocumentError]:
    """Record files (JSON Lines, Parquet) as given, a URL pattern or directory expanded (``-`` stays)."""
    for item in inputs:
        yield from url_sources(item) if is_url(item) else iter((item,))


def _split_path_list(listing: bytes, null_separated: bool) -> list[str]:
    """Paths as the OS gives them: bytes that are not UTF-8 survive (surrogate escapes)."""
    parts = listing.split(b"\0") if null_separated else listing.splitlines()
    return [os.fsdecode(p) for p in (part if null_separated else part.strip() for part in parts) if p]


def _walk(directory: str) -> Iterator[str | DocumentError]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield DocumentError(directory, os_reason(exc))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as exc:
            yield DocumentError(entry.path, os_reason(exc))
            continue
        if is_dir:
            yield from _walk(entry.path)
        elif is_file:
            yield entry.path
        elif entry.is_symlink():
            reason = (
                "symbolic link to a directory, not followed"
                if os.path.isdir(entry.path)
                else "broken symbolic link"
            )
            yield DocumentError(entry.path, reason)


def os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
