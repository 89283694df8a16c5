"""Input records read again, on the cluster: the local read stage's check
(:func:`newsdedup.read.each_record_once`) after stage 1.

The local engine passes each record once, in input order: a record with the id
and the text of one before it is a :class:`RepeatedRecord` and is left out; one
with its id and other text is kept, a :class:`ReusedId`. Here the read tasks
run apart, so the check comes after the prints are written, from their ``id``,
``path`` and ``digest`` (a whole file, whose id is its name, is never checked):
a shuffle on the id brings the records of each id together, and in position
order (the input order) every record after the first of its id is one or the
other, by the first one's digest, as the local rule has it. The parts that hold
repeats are written again without them, their rows numbered anew, before any
later stage reads them.

One difference remains: the local engine checks a record before it is cleaned,
here only the records cleaned take part. A record that fails (no article, over
the time limit) is not counted as read: its repeat fails on its own, and the
next record with its id is the first of that id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..document import Document
from ..errors import DocumentError, RepeatedRecord, ReusedId
from .candidates import _meta
from .prints import POSITION_BITS, optional_values, part_name, part_of
from .storage import Place

READ_AGAIN = _meta(pos="int64", source="object", repeated="bool")
RECORDS = _meta(pos="int64", id="object", path="object", digest="object")
_REASONS = {
    True: (RepeatedRecord, "read before in this run, with the same text: read once"),
    False: (ReusedId, "id read before in this run, with other text: both kept"),
}


def records_read_again(prints, parts: int) -> pd.DataFrame:
    """Every record read again, by position (``prints``: columns ``id``, ``path`` and ``digest``):
    its ``source`` and whether it is a repeat (``repeated``) or other text under a used id."""
    records = prints.map_partitions(record_rows, meta=RECORDS, enforce_metadata=False)
    found = records.shuffle(on="id", npartitions=parts).map_partitions(read_again, meta=READ_AGAIN)
    return found.compute().sort_values("pos", ignore_index=True)


def record_rows(part: pd.DataFrame) -> pd.DataFrame:
    """The rows that are records (not whole files), with their positions as a column."""
    rows = part.reset_index()[["pos", "id", "path", "digest"]]
    return rows[rows["path"].isna() | (rows["path"] != rows["id"])]


def read_again(part: pd.DataFrame) -> pd.DataFrame:
    """(All records of each of its ids in one partition.) The records after the first of their id."""
    part = part.sort_values("pos", kind="stable")
    later = part["id"].duplicated().to_numpy()
    first_digest = part.groupby("id", sort=False)["digest"].transform("first").to_numpy()
    again = part[later]
    paths = optional_values(again["path"])
    sources = [Document(id=i, path=p).source for i, p in zip(again["id"].tolist(), paths, strict=True)]
    repeated = again["digest"].to_numpy() == first_digest[later]
    return pd.DataFrame({"pos": again["pos"].to_numpy(), "source": sources, "repeated": repeated}).astype(
        READ_AGAIN.dtypes
    )


def notices(found: pd.DataFrame) -> list[DocumentError]:
    """What the local engine reports of these records, in their order."""
    notes = []
    for source, repeated in zip(found["source"].tolist(), found["repeated"].tolist(), strict=True):
        kind, reason = _REASONS[bool(repeated)]
        notes.append(kind(source, reason))
    return notes


def repeated_positions(found: pd.DataFrame) -> dict[int, np.ndarray]:
    """The positions of the repeats to leave out, by part."""
    positions = found.loc[found["repeated"], "pos"].to_numpy(dtype=np.int64)
    parts = part_of(positions)
    return {int(number): positions[parts == number] for number in np.unique(parts)}


def without_rows(prints: Place, number: int, positions: np.ndarray, into: Place) -> int:
    """Part ``number`` of ``prints`` without the rows at ``positions``, its rows numbered anew (a part's
    positions stay dense: the probe ranks documents by them), written to ``into``; the rows left. The
    part itself is left as it was, so that a task run again after its worker was lost does the same."""
    table = prints.read_table(part_name(number))
    table = table.filter(pa.array(~np.isin(table["pos"].to_numpy(), positions)))
    renumbered = (number << POSITION_BITS) + np.arange(table.num_rows, dtype=np.int64)
    table = table.set_column(table.schema.get_field_index("pos"), "pos", pa.array(renumbered))
    into.write_table(part_name(number), table)
    return table.num_rows
