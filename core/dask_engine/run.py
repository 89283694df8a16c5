"""The distributed engine's run: the stages of this package in order, on one cluster.

:class:`DaskEngine` holds the cluster and a work directory for one or more
runs; :meth:`DaskEngine.dedup` runs stages 1 to 5 and gives a :class:`DaskRun`,
whose clusters are then streamed to the caller or written as files.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from functools import partial
from typing import IO

import dask
import dask.dataframe as dd
import numpy as np
from distributed import as_completed, wait

from ..document import Cluster
from ..errors import DocumentError
from ..read import DEFAULT_MAX_BYTES
from ..read.paths import Outputs
from ..records import ClusterTally
from ..settings import DedupSettings
from ..templates import StoryAsTemplate, TemplateOnly
from ..workers import checked_timeout
from .candidates import candidate_pairs
from .cluster import WorkerFigures, cluster_failures, start, worker_figures
from .components import labels_frame
from .groups import VERIFIED, cluster_frame, lsh_pairs, verified_edge_frame
from .layout import CLIENT_EDGES, PROBE_VALUES, Layout
from .output import Records, empty_output, placed_clusters, stream_clusters, write_clusters
from .prints import DOC_FIELDS, PRINT_FIELDS, PartSummary, fingerprint_part, part_name, part_of, prints_frame
from .probe import probe_pairs
from .repeats import notices, records_read_again, repeated_positions, without_rows
from .sources import read_tasks
from .storage import Place
from .templates import CHANGED, EMPTIED, strip_part, stripped_edges, template_lines

Progress = Callable[[str, int, int | None], None]  # stage, done, total (None: not known)
ALL_COLUMNS = (*DOC_FIELDS, *PRINT_FIELDS)
RELEASE_WAIT = 5  # seconds the scheduler is given to forget what was broadcast


def _held(keys: list, dask_scheduler=None) -> bool:
    """(On the scheduler.) Whether it still holds any of ``keys``."""
    return any(key in dask_scheduler.tasks for key in keys)


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
        self._broadcasts: list = []

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
            self._stack.callback(self._release)  # first thing at the end: the cluster still holds them
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

    def broadcast(self, value):
        """``value`` on every worker, as a future that tasks take as an argument."""
        [future] = self.client.scatter(
            [value], broadcast=True, hash=False
        )  # a dict would be scattered by item
        self._broadcasts.append(future)
        return future

    def _release(self) -> None:
        """Let go of what was broadcast (held until the end: a lost result that needs it can be computed
        again), and wait until the scheduler has: a worker that leaves first would log it as lost."""
        keys = [future.key for future in self._broadcasts]
        for future in self._broadcasts:
            future.release()
        self._broadcasts.clear()
        deadline = time.monotonic() + RELEASE_WAIT
        while keys and time.monotonic() < deadline and self.client.run_on_scheduler(_held, keys=keys):
            time.sleep(0.05)

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
        outputs: Outputs | None = None,
        progress: Progress = _no_progress,
        client_edges: int = CLIENT_EDGES,
        probe_values: int = PROBE_VALUES,
    ) -> DaskRun:
        """Stages 1 to 5: read, clean and fingerprint on the workers, then candidates, verification,
        site templates, components and clusters; documents that fail go to ``on_error`` in input order
        (pages that were all template last, as the local engine finds them)."""
        checked_timeout(timeout)
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
                outputs=outputs,
            )
            summaries = self._fingerprint(tasks, settings, timeout, progress)
            for summary in summaries:
                for failure in summary.failures:
                    on_error(failure)
            counts = [summary.documents for summary in summaries]
            if sum(summary.records for summary in summaries) > 1:
                progress("records read again", 0, None)
                counts = self._each_record_once(counts, on_error)
            run = DaskRun(self, settings, counts)
            if run.documents:
                layout = Layout.of(
                    run.documents, self.worker_count(), settings.bands, client_edges, probe_values
                )
                run.cluster(layout, on_error, progress)
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

    def _each_record_once(self, counts: list[int], on_error: Callable[[DocumentError], None]) -> list[int]:
        """Records read again reported as the local engine does, and the repeats left out of the prints
        (see :mod:`.repeats`); the documents of each partition after that."""
        prints = self.work / "prints"
        found = records_read_again(prints_frame(prints, len(counts), ("id", "path", "digest")), len(counts))
        for notice in notices(found):
            on_error(notice)
        dropped = repeated_positions(found)
        numbers = list(dropped)
        once = self.work / "once"
        once.make()
        futures = self.client.map(
            partial(without_rows, prints, into=once), numbers, [dropped[n] for n in numbers], pure=False
        )
        counts = list(counts)
        for number, rows in zip(numbers, self.client.gather(futures), strict=True):
            counts[number] = rows
            once.move(part_name(number), prints)  # after every task: a task run again reads the old part
        return counts


class DaskRun:
    """The outcome of stages 1 to 5, kept on the cluster: ``clusters()`` streams it, ``write()`` stores it."""

    def __init__(self, engine: DaskEngine, settings: DedupSettings, counts: list[int]):
        self.engine, self.settings = engine, settings
        self.counts = counts  # documents of each partition
        self.documents = sum(self.counts)
        self._members = self._placed = self._clusters = None

    def cluster(self, layout: Layout, on_error: Callable[[DocumentError], None], progress: Progress) -> None:
        """Stages 2 to 5 (see the package); their results stay on the cluster. Pages left with no text by
        their site's template go to ``on_error``."""
        engine, settings, files = self.engine, self.settings, len(self.counts)
        prints = engine.work / "prints"
        progress("candidates", 0, None)
        signatures = prints_frame(prints, files, ("id", "signature")).reset_index()
        candidates = engine.persist(candidate_pairs(signatures, settings, engine.persist, layout))
        progress("containment probe", 0, None)
        offsets = np.concatenate(([0], np.cumsum(self.counts, dtype=np.int64)[:-1]))
        texts = prints_frame(prints, files, ("shingles",))
        probed = probe_pairs(texts, offsets, settings, engine.persist, engine.broadcast, layout)
        progress("verification", 0, None)
        verifiable = prints_frame(prints, files, VERIFIED).reset_index()
        pairs = dd.concat([lsh_pairs(candidates), probed], ignore_index=True)
        edges = engine.persist(verified_edge_frame(pairs, verifiable, settings, layout.partitions))
        stripped = None
        if settings.templates:
            progress("site templates", 0, None)
            stripped, edges = self._templates(edges, layout, on_error)
        progress("components", 0, None)
        labels = engine.persist(labels_frame(edges[["a", "b"]], engine.persist, layout))
        everything = prints_frame(prints, files, ALL_COLUMNS, stripped)
        self._members = engine.persist(labels.set_index("pos", divisions=everything.divisions))
        progress("clusters", 0, None)
        clusters = cluster_frame(everything, edges, labels, self._members, settings, layout.partitions)
        clusters = engine.persist(clusters)
        self._placed = engine.persist(clusters.set_index("first", divisions=everything.divisions))
        self._clusters = placed_clusters(everything, self._members, self._placed, settings)

    def _templates(self, edges, layout: Layout, on_error: Callable[[DocumentError], None]):
        """Site templates learned and stripped (see :mod:`.templates`): where the stripped prints are (None:
        nothing changed), and the verified pairs after stripping."""
        engine, settings, files = self.engine, self.settings, len(self.counts)
        prints = engine.work / "prints"
        pages = prints_frame(prints, files, ("template", "title", "text"))
        templates = template_lines(pages, engine.broadcast, layout.partitions)
        if not templates:
            return None, edges
        stripped = engine.work / "stripped"
        stripped.make()
        docs = prints_frame(prints, files, ("id", "path", "template", "text"))
        changed = engine.persist(
            docs.map_partitions(
                strip_part,
                engine.broadcast(templates),
                settings,
                stripped,
                meta=CHANGED,
                enforce_metadata=False,
            )
        )
        emptied = changed[changed["mark"] == EMPTIED][["pos", "source"]].compute().sort_values("pos")
        for source in emptied["source"].tolist():
            on_error(TemplateOnly.of(source))
        versions = (
            changed[changed["lost"] > 0][["pos", "source", "lost", "lines"]].compute().sort_values("pos")
        )
        for source, lost_lines, lines in zip(
            versions["source"].tolist(), versions["lost"].tolist(), versions["lines"].tolist(), strict=True
        ):
            on_error(StoryAsTemplate.of(source, lost_lines, lines))
        lost = np.bincount(part_of(emptied["pos"].to_numpy()), minlength=files)
        self.counts = [count - int(n) for count, n in zip(self.counts, lost, strict=True)]
        if not len(changed):
            return stripped, edges
        verifiable = prints_frame(prints, files, VERIFIED, stripped).reset_index()
        edges = stripped_edges(edges, changed, verifiable, settings, layout.partitions)
        return stripped, engine.persist(edges)

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
            return write_clusters(
                self._clusters, self.engine.client, output, output_format, records, self._cluster_counts()
            )

    def _cluster_counts(self) -> list[int]:
        """The clusters of each partition: its lone documents, and the clusters whose first member it holds."""
        if self._clusters is None:
            return []
        # one delayed length per partition: map_partitions(len) gives a bare int for a single partition
        members = [dask.delayed(len)(part) for part in self._members.to_delayed()]
        placed = [dask.delayed(len)(part) for part in self._placed.to_delayed()]
        in_components, first_here = dask.compute(members, placed)
        return [n - m + k for n, m, k in zip(self.counts, in_components, first_here, strict=True)]
