"""Typed exceptions of the library; the command maps them to messages and exit codes in one table."""


class NewsdedupError(Exception):
    """Base class of every error newsdedup raises on purpose."""


class UsageError(NewsdedupError):
    """The call itself is wrong (bad option value, nothing to read): nothing was processed."""


class SettingError(UsageError):
    """A setting out of its range; ``field`` names it (a :class:`~newsdedup.settings.DedupSettings` field)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class MissingExtra(UsageError):
    """A feature needs an optional dependency that is not installed; the message says how to install it."""

    def __init__(self, feature: str, extra: str):
        super().__init__(f"{feature} needs the {extra} extra: pip install 'newsdedup[{extra}]'")
        self.extra = extra


class EngineError(NewsdedupError):
    """The distributed engine could not finish: its scheduler cannot be reached, or a worker was lost
    and its work could not be redone. Nothing was reported complete."""


class DocumentError(NewsdedupError):
    """One input document could not be used; the batch goes on without it.

    ``source`` names the file (or record) and ``reason`` says why, in a few words.
    It crosses process boundaries intact (worker processes pickle it).
    """

    def __init__(self, source: str, reason: str):
        source = printable(source)
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):
        return type(self), (self.source, self.reason)


class NotAnArticle(DocumentError):
    """An input record that is not meant to be an article (an image response in a WARC archive):
    passed over and counted, not an error."""


class RepeatedFile(DocumentError):
    """An input file met a second time (named twice, reached again by an overlapping directory or
    pattern, or a link to a file already read): read once, counted, not an error."""


class OwnOutput(DocumentError):
    """An input file that is the run's own output (its stdout or its --errors file, written into a
    directory it reads): not read, counted, not an error."""


class SpecialFile(DocumentError):
    """A FIFO, socket or device met in a directory or by a pattern: not a page, and opening it could
    wait forever, so not read; counted, not an error. Named as an input, a FIFO is read (``<(...)``)."""


class LinkedDirectory(DocumentError):
    """A symbolic link to a directory met in a directory walked or matched by a pattern: not followed
    (a link up the tree would be walked round and round), counted, not an error. (A ``**`` pattern
    goes down none, and tells none of those it passes.)"""


class RepeatedRecord(DocumentError):
    """An input record whose id and text were both read earlier in the run (a record repeated in a
    feed, or in a copy of the feed under another name): read once, counted, not an error."""


class ReusedId(DocumentError):
    """An input record whose id an earlier record of the run has, with other text (a page fetched
    again): kept, as a persistent index keeps a page fetched again, and counted, with a warning:
    the output names two documents alike."""


class StoreError(NewsdedupError):
    """The persistent index cannot be opened, read or written; the batch in progress was not applied.

    The message is one line that names the index (a Redis URL with its password
    masked) and the reason.
    """


def printable(name: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 shown as \\xNN (as ``ls -b`` does)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
