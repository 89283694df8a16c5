"""Stage 1 on the workers: each read task is read, cleaned and fingerprinted by the local stages, and its
documents are written as one Parquet file of the work directory ("the prints").

A row holds what the later stages and the output need: the document's fields,
its clean text, its fingerprint (shingles, signature, figures and dates as
uint32 bytes, the shingle unit), and its place in the run, ``pos`` = task
number << 32 | row. Later stages read only the columns they need, partition by
partition, with the positions as a sorted index: partition ``k`` holds the
positions ``k << 32`` to ``(k + 1) << 32``, the local engine's input order.

Site templates (:mod:`.templates`) change some texts after the fact: the new
text and fingerprint of each such row go to a second file of the same number
("the stripped", one per part, empty when nothing changed there), which
:func:`prints_frame` lays over the first when it is given; a row stripped of
all its text is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from ..document import Document
from ..errors import DocumentError
from ..fingerprint import Fingerprint
from ..pipeline import clean_and_fingerprint
from ..settings import DedupSettings
from ..shingles import WORDS
from .sources import ReadTask
from .storage import Place

_NO_SIGNATURE = np.empty(0, dtype=np.uint32)
POSITION_BITS = 32  # rows of one task; the task's number above them
DOC_FIELDS = (
    "id",
    "path",
    "kind",
    "title",
    "url",
    "date",
    "site",
    "language",
    "digest",
    "template",
    "text",
)
ARRAYS = ("shingles", "signature", "figures", "dates")  # of the Fingerprint, as uint32 bytes
PRINT_FIELDS = (*ARRAYS, "unit")
SCHEMA = pa.schema(
    [("pos", pa.int64())]
    + [(name, pa.large_string() if name == "text" else pa.string()) for name in DOC_FIELDS]
    + [(name, pa.binary()) for name in ARRAYS]
    + [("unit", pa.string())]
)
# What a site's template changes: the text and its fingerprint (and whether any text is left).
STRIPPED = ("text", *PRINT_FIELDS)
STRIPPED_SCHEMA = pa.schema([SCHEMA.field(name) for name in ("pos", *STRIPPED)] + [("emptied", pa.bool_())])


@dataclass(frozen=True)
class PartSummary:
    """What a task reports back: its documents, how many of them are records (not whole files, see
    :mod:`.repeats`), and the inputs that failed (in input order)."""

    number: int
    documents: int
    records: int
    failures: tuple[DocumentError, ...]


def part_name(number: int) -> str:
    return f"part-{number:06d}.parquet"


def fingerprint_part(
    task: ReadTask, settings: DedupSettings, timeout: float | None, prints: Place
) -> PartSummary:
    """Read, clean and fingerprint one task's documents with the local stages; write them to ``prints``."""
    failures: list[DocumentError] = []
    docs = task.documents(failures.append)
    printed = clean_and_fingerprint(docs, settings, jobs=1, timeout=timeout, on_error=failures.append)
    table = prints_table(task.number, printed)
    prints.write_table(part_name(task.number), table)
    ids, paths = table["id"].to_pylist(), table["path"].to_pylist()
    records = sum(path != doc_id for doc_id, path in zip(ids, paths, strict=True))
    return PartSummary(task.number, table.num_rows, records, tuple(failures))


def prints_table(number: int, printed: Iterable[tuple[Document, Fingerprint]]) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in (*DOC_FIELDS, *PRINT_FIELDS)}
    for doc, print_ in printed:
        for name in DOC_FIELDS:
            columns[name].append(getattr(doc, name))
        add_print(columns, print_)
    positions = (number << POSITION_BITS) + np.arange(len(columns["id"]), dtype=np.int64)
    return pa.table({"pos": positions, **columns}, schema=SCHEMA)


def add_print(columns: dict[str, list], print_: Fingerprint) -> None:
    """A fingerprint's values appended to the columns of a table."""
    for name in ARRAYS:
        columns[name].append(getattr(print_, name).astype(np.uint32, copy=False).tobytes())
    columns["unit"].append(print_.unit)


def prints_frame(prints: Place, parts: int, columns: tuple[str, ...], stripped: Place | None = None):
    """The prints as a Dask DataFrame of ``columns``, indexed by position, one partition per task; with
    ``stripped``, the rows as site templates left them (see the module)."""
    import dask.dataframe as dd

    meta = SCHEMA.empty_table().select(["pos", *columns]).to_pandas().set_index("pos")
    return dd.from_map(
        partial(load_part, prints, columns=columns, stripped=stripped),
        range(parts),
        meta=meta,
        divisions=part_divisions(parts),
        enforce_metadata=False,
    )


def load_part(
    prints: Place, number: int, columns: tuple[str, ...], stripped: Place | None = None
) -> pd.DataFrame:
    frame = prints.read_table(part_name(number), ["pos", *columns]).to_pandas().set_index("pos")
    if stripped is None:
        return frame
    changed = [name for name in columns if name in STRIPPED]
    table = stripped.read_table(part_name(number), ["pos", *changed, "emptied"])
    changes = table.to_pandas().set_index("pos")
    if changed:
        kept = changes[~changes["emptied"]]
        frame.loc[kept.index, changed] = kept[changed]
    return frame.drop(changes.index[changes["emptied"]])


def part_divisions(parts: int) -> tuple[int, ...]:
    """Partition ``k`` holds the positions from ``k << 32``; the last bound is inclusive."""
    return (*(k << POSITION_BITS for k in range(parts)), (parts << POSITION_BITS) - 1)


def part_of(positions: np.ndarray) -> np.ndarray:
    return positions >> POSITION_BITS


def documents_of(frame: pd.DataFrame) -> list[Document]:
    """The Documents of prints rows (every field, the clean text included)."""
    values = {name: optional_values(frame[name]) for name in DOC_FIELDS}
    return [Document(**{name: values[name][i] for name in DOC_FIELDS}) for i in range(len(frame))]


def optional_values(column: pd.Series) -> list:
    """A column's values as Python objects, a missing one as None (pandas' strings hold NaN)."""
    return column.astype(object).where(column.notna(), None).tolist()


def fingerprints_of(frame: pd.DataFrame, num_perm: int | None = None, suffix: str = "") -> list[Fingerprint]:
    """The Fingerprints of prints rows: columns ``shingles``, ``figures``, ``dates`` (with ``suffix``), and
    ``signature`` and ``unit`` when ``num_perm`` is given (verification reads neither)."""
    arrays = [
        [_uint32(value) for value in frame[name + suffix].tolist()]
        for name in ("shingles", "figures", "dates")
    ]
    if num_perm is None:
        signatures, units = [_NO_SIGNATURE] * len(frame), [WORDS.name] * len(frame)
    else:
        signatures, units = (
            list(uint32_rows(frame["signature" + suffix], num_perm)),
            frame["unit" + suffix].tolist(),
        )
    return [
        Fingerprint(shingles, signature, unit, figures, dates)
        for shingles, figures, dates, signature, unit in zip(*arrays, signatures, units, strict=True)
    ]


def _uint32(value: bytes) -> np.ndarray:
    return np.frombuffer(value, dtype=np.uint32)


def uint32_rows(values: pd.Series, width: int) -> np.ndarray:
    """A column of equal-length uint32 byte strings as one (rows x width) matrix."""
    return np.frombuffer(b"".join(values.tolist()), dtype=np.uint32).reshape(len(values), width)
