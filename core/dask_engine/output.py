"""Stage 6: the clusters in the local engine's order and numbering, to the client or into files.

The local engine lists clusters in the order their first member arrived. So a
cluster is placed in the partition of its first member: the clusters of
components are sent there (indexed by their first member's position, with the
prints' divisions), and a document no verified pair touches becomes a cluster of
one where it is. Partition by partition, in order, the clusters are fetched by
the client (a few partitions in flight), or each partition is written as one
file by a worker (``--output``), numbered from the counts of the partitions
before it.

``--output DIR`` is all or nothing: the files are written under
``DIR/_temporary/``, moved into ``DIR`` once every one is written, and
``DIR/_SUCCESS`` is written last. A run that fails leaves no ``_SUCCESS`` (and
removes what it wrote); readers take a directory without it as incomplete.
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
from distributed import wait

from ..canonical import canonical_cluster
from ..document import Cluster
from ..errors import UsageError
from ..records import ClusterTally, write_json_lines
from ..settings import DedupSettings
from .candidates import _meta
from .prints import documents_of, fingerprints_of
from .storage import Place

OUTPUT_FORMATS = ("jsonl", "parquet")
SUCCESS = "_SUCCESS"
STAGING = "_temporary"
PLACED = _meta(first="int64", cluster="object")
TALLY = _meta(tally="object")
Records = Callable[[Iterable[Cluster]], Iterable[dict]]


def placed_clusters(prints, members, placed, settings: DedupSettings):
    """``first``, ``cluster``: every cluster of the run, in the partition of its first member, in order.

    ``prints`` has every column; ``members`` (indexed by position) are the documents of components, and
    ``placed`` their clusters indexed by their first member's position, both with the prints' divisions.
    """
    return prints.map_partitions(
        partition_clusters,
        members,
        placed,
        settings,
        meta=PLACED,
        align_dataframes=False,
        enforce_metadata=False,
    )


def partition_clusters(
    prints: pd.DataFrame, members: pd.DataFrame, placed: pd.DataFrame, settings: DedupSettings
) -> pd.DataFrame:
    """One partition's clusters: its lone documents as clusters of one, and the clusters placed here."""
    alone = prints[~prints.index.isin(members.index)]
    docs, fingerprints = documents_of(alone), fingerprints_of(alone, settings.num_perm)
    singles = [canonical_cluster(0, [i], docs, fingerprints, settings) for i in range(len(docs))]
    first = np.concatenate((alone.index.to_numpy(), placed.index.to_numpy()))
    clusters = singles + [pickle.loads(payload) for payload in placed["cluster"].tolist()]
    order = np.argsort(first, kind="stable")
    return pd.DataFrame(
        {"first": first[order], "cluster": pd.Series([clusters[i] for i in order], dtype=object)}
    )


def stream_clusters(frame, client, in_flight: int) -> Iterator[Cluster]:
    """The clusters numbered from 1, partition after partition, ``in_flight`` partitions computed ahead."""
    parts = iter(frame.to_delayed())
    pending: deque = deque()
    number = 0
    while True:
        while len(pending) < in_flight and (part := next(parts, None)) is not None:
            pending.append(client.compute(part))
        if not pending:
            return
        future = pending.popleft()
        clusters = future.result()["cluster"].tolist()
        future.release()
        for cluster in clusters:
            number += 1
            cluster.id = number
            yield cluster


def empty_output(location: str) -> Place:
    """The ``--output`` directory, which must not hold anything yet (a run never mixes with another's)."""
    place = Place(location)
    if place.fs.isfile(place.path()):  # (fsspec lists a file as itself: it read as "not empty")
        raise UsageError(f"--output {location} is a file: give a new or empty directory")
    if place.names():
        raise UsageError(f"--output {location} is not empty: give a new or empty directory")
    return place


def write_clusters(
    frame, client, output: Place, output_format: str, records: Records, counts: list[int]
) -> ClusterTally:
    """Every partition's records as one file of ``output``, numbered on from the partitions before; the
    run's tally. ``counts`` are the clusters of each partition; no ``frame``, no clusters."""
    staging = output / STAGING
    offsets = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)[:-1])).tolist() if counts else []
    try:
        staging.make()
        tally = ClusterTally()
        if frame is not None:
            written = frame.map_partitions(
                write_partition, offsets, staging, output_format, records, meta=TALLY, enforce_metadata=False
            )
            tally = sum((part["tally"].iloc[0] for part in _all_ended(client, written)), tally)
        for name in staging.names():
            staging.move(name, output)
        output.write_json(
            SUCCESS, {"clusters": tally.clusters, "files": len(counts), "format": output_format}
        )
    finally:
        staging.remove()
    return tally


def _all_ended(client, frame) -> list[pd.DataFrame]:
    """Every partition of ``frame`` computed; on a failure, the first one raised only once every other
    task has ended, so that no worker is still writing into what the caller then removes."""
    futures = client.compute(frame.to_delayed())
    wait(futures)
    for future in futures:
        if future.status != "finished":
            future.result()  # raises the task's error
    return client.gather(futures)


def write_partition(
    part: pd.DataFrame,
    offsets: list[int],
    staging: Place,
    output_format: str,
    records: Records,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    number = partition_info["number"]
    clusters = part["cluster"].tolist()
    for offset, cluster in enumerate(clusters, offsets[number] + 1):
        cluster.id = offset
    name = f"part-{number:06d}.{output_format}"
    if output_format == "parquet":
        staging.write_table(name, records_table(list(records(clusters))))
    else:
        with staging.fs.open(staging.path(name), "w", encoding="utf-8") as out:
            write_json_lines(records(clusters), out)
    return pd.DataFrame({"tally": [ClusterTally.of(clusters)]})


def records_table(rows: list[dict]) -> pa.Table:
    """Records as an Arrow table; a field that is empty in every row of this file is a string column, as
    it is in the files where it has values (so that all the files of a run read as one table)."""
    table = pa.Table.from_pylist(rows)
    return table.cast(pa.schema([field.with_type(_no_null(field.type)) for field in table.schema]))


def _no_null(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_struct(kind):
        return pa.struct([field.with_type(_no_null(field.type)) for field in kind])
    if pa.types.is_list(kind):
        return pa.list_(_no_null(kind.value_type))
    return kind
