"""The distributed engine's run: the stages of this package in order, on one cluster.

:class:`DaskEngine` holds the cluster and a work directory for one or more
runs; :meth:`DaskEngine.dedup` runs stages 1 to 5 and gives a :class:`DaskRun`,
whose clusters are then streamed to the caller or written as files.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import IO

import dask
from distributed import as_completed, wait

from ..document import Cluster
from ..errors import DocumentError
from ..read import DEFAULT_MAX_BYTES
from ..records import ClusterTally
from ..settings import DedupSettings
from .candidates import candidate_pairs
from .cluster import WorkerFigures, cluster_failures, start, worker_figures
from .components import labels_frame
from .groups import cluster_frame, verified_edge_frame
from .layout import CLIENT_EDGES, Layout
from .output import Records, empty_output, placed_clusters, stream_clusters, write_clusters
from .prints import DOC_FIELDS, PartSummary, fingerprint_part, prints_frame
from .sources import read_tasks
from .storage import Place

Progress = Callable[[str, int, int | None], None]  # stage, done, total (None: not known)
ALL_COLUMNS = (*DOC_FIELDS, "shingles", "signature")


def _raise(error: DocumentError) -> None:
    raise error


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


class DaskEngine:
    """A Dask cluster to deduplicate on: a new ``LocalCluster`` of ``workers`` processes, or the existing
    cluster whose scheduler is at ``scheduler``. Intermediate files go to a new directory under
    ``work_dir`` (a temporary directory by default), removed at the end."""

    def __init__(self, workers: int = 2, scheduler: str | None = None, work_dir: str | None = None):
        self.workers, self.scheduler, self.work_dir = workers, scheduler, work_dir
        self.client = None
        self._stack = ExitStack()

    def __enter__(self) -> DaskEngine:
        try:
            # Binary columns (shingles, signatures) must stay bytes, not become strings.
            self._stack.enter_context(dask.config.set({"dataframe.convert-string": False}))
            self.client, cluster = start(self.workers, self.scheduler)
            self._stack.callback(self.client.close)
            if cluster is not None:
                self._stack.callback(cluster.close)
            root = self.work_dir or tempfile.mkdtemp(prefix="newsdedup-dask-")
            self.work = Place(root) / f"run-{uuid.uuid4().hex[:12]}"
            self._stack.callback(self.work.remove)
            if self.work_dir is None:
                self._stack.callback(Place(root).remove)
            self.work.make()
            self._baseline = worker_figures(self.client)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    @property
    def dashboard(self) -> str | None:
        """The address of the Dask dashboard (None when it cannot be served: bokeh missing)."""
        try:
            return self.client.dashboard_link
        except (KeyError, AttributeError):
            return None

    def figures(self) -> WorkerFigures:
        """Peak memory of each worker, and the bytes they exchanged since this engine started."""
        return worker_figures(self.client).since(self._baseline)

    def worker_count(self) -> int:
        return len(self.client.scheduler_info()["workers"]) or 1

    def persist(self, frame):
        """Compute ``frame`` on the cluster and keep it there (what comes after reads it from memory)."""
        frame = self.client.persist(frame)
        wait(frame)
        return frame

    def dedup(
        self,
        inputs: Iterable[str],
        settings: DedupSettings,
        *,
        input_format: str = "paths",
        fields: dict[str, str] | None = None,
        null_separated: bool = False,
        stdin: IO[bytes] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float | None = None,
        on_error: Callable[[DocumentError], None] = _raise,
        progress: Progress = _no_progress,
        client_edges: int = CLIENT_EDGES,
    ) -> DaskRun:
        """Stages 1 to 5: read, clean and fingerprint on the workers, then candidates, verification,
        components and clusters; documents that fail go to ``on_error`` in input order."""
        with cluster_failures(self.work.location):
            tasks = read_tasks(
                inputs,
                input_format=input_format,
                fields=fields,
                null_separated=null_separated,
                stdin=stdin,
                max_bytes=max_bytes,
                workers=self.worker_count(),
                work=self.work,
                on_error=on_error,
            )
            summaries = self._fingerprint(tasks, settings, timeout, progress)
            for summary in summaries:
                for failure in summary.failures:
                    on_error(failure)
            run = DaskRun(self, settings, summaries)
            if run.documents:
                run.cluster(client_edges, progress)
            return run

    def _fingerprint(self, tasks, settings, timeout, progress: Progress) -> list[PartSummary]:
        prints = self.work / "prints"
        prints.make()
        futures = self.client.map(
            fingerprint_part, tasks, settings=settings, timeout=timeout, prints=prints, pure=False
        )
        stage = "cleaning and fingerprinting"
        progress(stage, 0, len(tasks))
        for done, _ in enumerate(as_completed(futures), 1):
            progress(stage, done, len(tasks))
        return sorted(self.client.gather(futures), key=lambda summary: summary.number)


class DaskRun:
    """The outcome of stages 1 to 5, kept on the cluster: ``clusters()`` streams it, ``write()`` stores it."""

    def __init__(self, engine: DaskEngine, settings: DedupSettings, summaries: list[PartSummary]):
        self.engine, self.settings = engine, settings
        self.counts = [summary.documents for summary in summaries]  # documents of each partition
        self.documents = sum(self.counts)
        self._members = self._placed = self._clusters = None

    def cluster(self, client_edges: int, progress: Progress) -> None:
        """Stages 2 to 5 (see the package); their results stay on the cluster."""
        engine, settings, files = self.engine, self.settings, len(self.counts)
        layout = Layout.of(self.documents, engine.worker_count(), settings.bands, client_edges)
        prints = engine.work / "prints"
        progress("candidates", 0, None)
        signatures = prints_frame(prints, files, ("id", "signature")).reset_index()
        candidates = engine.persist(candidate_pairs(signatures, settings, engine.persist, layout))
        progress("verification", 0, None)
        shingles = prints_frame(prints, files, ("shingles",)).reset_index()
        edges = engine.persist(verified_edge_frame(candidates, shingles, settings, layout.partitions))
        progress("components", 0, None)
        pairs = edges.rename(columns={"q": "a", "p": "b"})
        labels = engine.persist(labels_frame(pairs, engine.persist, layout))
        everything = prints_frame(prints, files, ALL_COLUMNS)
        self._members = engine.persist(labels.set_index("pos", divisions=everything.divisions))
        progress("clusters", 0, None)
        clusters = cluster_frame(everything, edges, labels, self._members, settings, layout.partitions)
        clusters = engine.persist(clusters)
        self._placed = engine.persist(clusters.set_index("first", divisions=everything.divisions))
        self._clusters = placed_clusters(everything, self._members, self._placed, settings)

    def clusters(self, in_flight: int | None = None) -> Iterator[Cluster]:
        """Every cluster, numbered from 1, in the local engine's order."""
        if self._clusters is None:
            return
        with cluster_failures(self.engine.work.location):
            in_flight = in_flight or 2 * self.engine.worker_count()
            yield from stream_clusters(self._clusters, self.engine.client, in_flight)

    def write(self, location: str, output_format: str, records: Records) -> ClusterTally:
        """Every cluster's records into files of the empty directory ``location``, all or nothing."""
        output = empty_output(location)
        with cluster_failures(self.engine.work.location):
            return write_clusters(self._clusters, output, output_format, records, self._cluster_counts())

    def _cluster_counts(self) -> list[int]:
        """The clusters of each partition: its lone documents, and the clusters whose first member it holds."""
        if self._clusters is None:
            return []
        members = self._members.map_partitions(len, enforce_metadata=False)
        placed = self._placed.map_partitions(len, enforce_metadata=False)
        in_components, first_here = dask.compute(members, placed)
        return [n - m + k for n, m, k in zip(self.counts, in_components, first_here, strict=True)]
