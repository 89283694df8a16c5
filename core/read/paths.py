"""Command-line inputs -> file paths: directories walked, globs expanded, ``-`` a list of paths on stdin.

Inputs that cannot be expanded are yielded as :class:`DocumentError`, in order,
so the caller reports them and goes on.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from glob import escape, glob, has_magic
from typing import IO

from ..errors import (
    DocumentError,
    LinkedDirectory,
    OwnOutput,
    RepeatedFile,
    SpecialFile,
    UsageError,
    printable,
)
from .decode import SNIFF_BYTES, looks_like_html
from .urls import is_url, url_file_system

FileKey = tuple[int, int] | str  # (device, inode): one file, whatever its names; or a URL
PATH_MARKS = ("/", "\\", ".")  # what a path in a list on stdin has: a directory, an extension
SENTENCE_PUNCTUATION = frozenset(".,;:!?\"'”’。！？")  # what no file name ends with ("page (1)" may)


def iter_sources(
    inputs: Iterable[str],
    stdin: IO[bytes] | None = None,
    null_separated: bool = False,
    outputs: Outputs | None = None,
) -> Iterator[str | DocumentError]:
    """Expand command-line inputs into file paths, in a stable order.

    A directory is walked recursively (sorted, hidden entries and symlinked
    directories skipped); an argument that does not exist but contains glob
    characters is expanded (``**`` included, down no symlinked directory); ``-``
    reads a list of paths from ``stdin``, one per line or NUL-separated, each
    taken as it is written (``find`` lists names, not patterns); a URL (``s3://...``) is expanded the
    same way by fsspec (see :func:`url_sources`). Inputs that cannot be expanded
    are yielded as :class:`DocumentError` so the caller reports them in order.

    A file met again (the same path twice, overlapping directories or patterns, a link to a file
    already met) is read once: it would be reported as a copy of itself. Each repeat is yielded as a
    :class:`RepeatedFile`. A file that is one of the run's ``outputs`` is not read: see :func:`_once`.
    """
    inputs = list(inputs)
    return _once(_expanded(inputs, stdin, null_separated), outputs, frozenset(inputs))


Outputs = Callable[[], Mapping[FileKey, str]]  # the files a run writes (their keys -> what each is)


def _once(
    items: Iterable[tuple[str, FileKey | None] | DocumentError],
    outputs: Outputs | None = None,
    named: frozenset[str] = frozenset(),
) -> Iterator[str | DocumentError]:
    """Each file once; a file the run writes (``outputs``, asked when the first file is met, so that
    what the run has opened by then counts, an index's journal too) not at all: an :class:`OwnOutput`
    notice when a directory or a list led to it, a failure when it was ``named`` as an input (the
    shell emptied it: ``newsdedup clean a.txt > a.txt``)."""
    first_names: dict[FileKey, str] = {}
    written: Mapping[FileKey, str] | None = None
    for item in items:
        if isinstance(item, DocumentError):
            yield item
            continue
        path, key = item
        if outputs is not None and key is not None:
            written = outputs() if written is None else written
            if key in written:
                what = f"the run's own {written[key]}"
                yield (
                    DocumentError(path, f"{what}: not read")
                    if path in named
                    else OwnOutput(path, f"{what}, not read")
                )
                continue
        if key in first_names and _still_names(first_names[key], key):
            yield RepeatedFile(path, f"the same file as {printable(first_names[key])}, read once")
            continue
        if key is not None:
            first_names[key] = path
        yield path


def _still_names(path: str, key: FileKey) -> bool:
    """Whether ``path`` names the file ``key`` still: a file deleted while the run went on frees its
    inode, and a new file given it is another file (a crawler replacing its pages as the run reads)."""
    return isinstance(key, str) or source_key(path) == key


def _expanded(
    inputs: Iterable[str], stdin: IO[bytes] | None, null_separated: bool, patterns: bool = True
) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    for item in inputs:
        if is_url(item):
            yield from _remote(url_sources(item, patterns))
        elif item == "-":
            if stdin is None:
                yield DocumentError("-", "no standard input to read paths from")
                continue
            listing = stdin.read()
            paths = _split_path_list(listing, null_separated)
            if reason := _not_a_path_list(listing, paths):
                yield DocumentError("-", reason)
                continue
            yield from _expanded(paths, None, null_separated, patterns=False)
        else:
            yield from _local_files(item, patterns)


def _local_files(item: str, patterns: bool = True) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    """A directory walked, a pattern's matches, or the file named."""
    if os.path.isdir(item):
        yield from _walk(item)
    elif patterns and has_magic(item) and not os.path.lexists(item):  # the cheap test first
        matches = sorted(set(_matches(item)))
        if not matches:
            yield DocumentError(item, "no file matches this pattern")
        for match in matches:
            if os.path.islink(match) and os.path.isdir(match):
                yield _linked_directory(match)
            else:
                yield from _walk(match) if os.path.isdir(match) else _met(match)
    else:
        yield item, file_key(item)


def _matches(pattern: str) -> Iterator[str]:
    """``glob(pattern, recursive=True)``, but ``**`` goes down no symbolic link to a directory: glob
    follows them, round and round a link up the tree (two such links: for ever). A pattern that ends
    with ``**`` gives its directories, which are walked."""
    parts = pattern.split(os.sep)
    if "**" not in parts:
        yield from glob(pattern)  # without "**" as a whole part, glob never goes down a directory
        return
    at = parts.index("**")
    head = os.sep.join(parts[:at]) or (os.sep if at else "")  # "/**/x" is under the root
    rest = os.sep.join(parts[at + 1 :])
    for base in glob(head) if has_magic(head) else [head]:
        top = base or os.curdir
        if not os.path.isdir(top):
            continue
        if not rest:
            yield top
            continue
        for directory, subdirectories, _ in os.walk(top):  # os.walk follows no link by default
            subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
            under = directory if base else os.path.relpath(directory)
            yield from _matches(os.path.join(escape(under) if under != os.curdir else "", rest))


def written_file_key(fd: int) -> FileKey | None:
    """The key of the regular file open at descriptor ``fd`` (a run's output), None for anything else
    (a pipe, a terminal, /dev/null)."""
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def source_key(source: str) -> FileKey | None:
    """The key of an input: a local file's, a ``file://`` URL's too (a link and its target, a path and
    its URL, are one file), any other URL itself (``None``: a local file that cannot be read)."""
    if not is_url(source):
        return file_key(source)
    if not source.lower().startswith("file://"):
        return source
    try:
        _, path = url_file_system(source)
    except UsageError:  # fsspec missing: the reader says so
        return source
    return file_key(path) or source


def file_key(path: str) -> FileKey | None:
    """The file a path names, whatever the name (``None`` if it cannot be read: the reader says why)."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def url_sources(url: str, patterns: bool = True) -> Iterator[str | DocumentError]:
    """The files a URL stands for, as URLs: a glob pattern's matches (with ``patterns``), and every file under a directory
    (recursively, sorted, hidden entries skipped); a URL of one file is itself. A URL whose protocol
    has no file system here (s3fs, or HTTP's requests and aiohttp, not installed) fails alone: it
    stopped the run, the inputs after it unread."""
    try:
        file_system, path = url_file_system(url)
    except UsageError as error:
        yield DocumentError(url, str(error).removeprefix(f"{url}: "))
        return
    try:
        tops = sorted(file_system.glob(path)) if patterns and has_magic(path) else [path]
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


def record_files(inputs: Iterable[str], outputs: Outputs | None = None) -> Iterator[str | DocumentError]:
    """Record files (JSON Lines, Parquet) as given, a pattern or a directory expanded, here or behind a
    URL, as :func:`iter_sources` expands them (``-`` stays);
    a file met again is read once, and the run's outputs not at all, as in :func:`iter_sources`."""
    inputs = list(inputs)
    return _once(_record_items(inputs), outputs, frozenset(inputs))


def named_files(inputs: Iterable[str], outputs: Outputs | None = None) -> Iterator[str | DocumentError]:
    """Inputs that are each one document, as given; a file named again is read once, the run's
    outputs not at all."""
    inputs = list(inputs)
    return _once(((item, _input_key(item)) for item in inputs), outputs, frozenset(inputs))


def _record_items(inputs: Iterable[str]) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    for item in inputs:
        if is_url(item):
            yield from _remote(url_sources(item))
        elif item == "-":
            yield item, None  # stdin is read once anyway
        else:
            yield from _local_files(item)


def _input_key(item: str) -> FileKey | None:
    return None if item == "-" else source_key(item)  # stdin is read once anyway


def _remote(sources: Iterable[str | DocumentError]) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    """Files behind URLs, told apart by their URLs (a local file's URL by the file)."""
    return ((source, source_key(source)) if isinstance(source, str) else source for source in sources)


def _not_a_path_list(listing: bytes, paths: list[str]) -> str | None:
    """Why a list of paths on standard input is a document instead, or None. A page piped to ``-`` by
    mistake had each of its lines read as a path: page content must never name the files a run reads.
    A page is HTML, or has a line of prose that names no file (see :func:`_is_prose`). A page of
    one-word lines cannot be told from a list of bare names ("12345", "README"), and is read as one."""
    if looks_like_html(listing[:SNIFF_BYTES]):
        what = "an HTML page"
    elif any(_is_prose(path) for path in paths):
        what = "a text (a line of words that names no file)"
    else:
        return None
    return f"standard input holds {what}, not a list of paths: nothing read (a document on stdin is read with no path, or with -i document -)"


def _is_prose(line: str) -> bool:
    """A line no list of paths holds: not a file or a URL, and words without a path's separator or
    extension, words that end as a sentence does, or letters outside ASCII without either (a script
    without spaces). A missing file named ``gone/old story.txt``, ``12345`` or ``report.`` is a path."""
    marked = any(mark in line for mark in PATH_MARKS) or has_magic(line)
    words = any(character.isspace() for character in line)
    sentence = words and line.rstrip()[-1:] in SENTENCE_PUNCTUATION
    prose = (words and not marked) or sentence or (not marked and not line.isascii())
    return prose and not is_url(line) and not os.path.lexists(line)


def _split_path_list(listing: bytes, null_separated: bool) -> list[str]:
    """Paths as the OS gives them: bytes that are not UTF-8 survive (surrogate escapes); a list saved by
    an editor that starts it with a UTF-8 byte-order mark has no mark in its first name."""
    listing = listing.removeprefix(codecs.BOM_UTF8)
    parts = listing.split(b"\0") if null_separated else listing.splitlines()
    return [os.fsdecode(p) for p in (part if null_separated else _listed_name(part) for part in parts) if p]


def _listed_name(line: bytes) -> bytes:
    """The file a line of a list names: the line as it is when a file has that name (trailing blanks
    included), else without the blanks around it (a list written by hand, or with CRLF endings)."""
    exact = line.rstrip(b"\r")
    stripped = line.strip()
    return exact if exact != stripped and os.path.lexists(exact) else stripped


def _walk(directory: str) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    try:
        device = os.stat(directory).st_dev
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
            # a directory entry knows its file without a stat, unless it is a link to one
            yield entry.path, file_key(entry.path) if entry.is_symlink() else (device, entry.inode())
        elif entry.is_symlink() and not os.path.exists(entry.path):
            yield DocumentError(entry.path, "broken symbolic link")
        elif entry.is_symlink() and os.path.isdir(entry.path):
            yield _linked_directory(entry.path)
        else:
            yield from _met(entry.path)


def _linked_directory(path: str) -> LinkedDirectory:
    return LinkedDirectory(path, "symbolic link to a directory, not followed")


def _met(path: str) -> Iterator[tuple[str, FileKey | None] | DocumentError]:
    """A file a walk or a pattern came to: itself, unless it is a FIFO, a socket or a device, which
    no page is and which could keep the run waiting forever (a FIFO without a writer)."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        yield path, None  # the reader says why it cannot be read
        return
    if stat.S_ISREG(status.st_mode):
        yield path, (status.st_dev, status.st_ino)
    else:
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(status.st_mode)
            else "a socket"
            if stat.S_ISSOCK(status.st_mode)
            else "a device"
        )
        yield SpecialFile(path, f"{kind}, not a regular file: not read")


def os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
