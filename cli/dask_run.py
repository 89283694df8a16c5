"""``dedup --engine dask``: the command's side of the distributed engine (:mod:`newsdedup.dask_engine`).

The engine runs the stages on the cluster; this module checks the options that
go with it, shows the dashboard's address and the progress on stderr, writes
the clusters (to stdout, or as files with ``--output``) and closes the run with
its summary line, the workers' figures included.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from functools import partial

import typer

from ..dask_engine import require_dask
from ..errors import EngineError, UsageError
from ..records import ClusterTally
from .app import Run, plural, summary_figures
from .commands import run_settings
from .options import worker_count
from .output import ClusterView, closed_stdout_ends_quietly, output_records


@dataclass(frozen=True)
class DaskRequest:
    """The options of ``dedup`` that only the Dask engine reads, and what to write."""

    jobs: int
    scheduler: str | None
    work_dir: str | None
    output: str | None
    output_format: str
    view: ClusterView
    dupes_only: bool
    check: bool


def dedup_on_dask(
    run: Run, request: DaskRequest, inputs: list[str], read: dict, timeout: float, given: dict, db: str | None
) -> typer.Exit:
    """Run ``dedup`` on a Dask cluster; the exit to take. ``read`` holds the read options, ``given`` the
    settings given on the command line."""
    if db is not None:
        raise UsageError("--db does not work with --engine dask: the persistent index is the local engine's")
    require_dask()
    from ..dask_engine.output import empty_output
    from ..dask_engine.run import DaskEngine
    from ..read import field_map

    settings = run_settings(given)
    request = replace(request, view=replace(request.view, settings=settings))
    fields = field_map(read.pop("fields") or ())
    if request.output:
        empty_output(request.output)  # refused now, not after the run
    with DaskEngine(worker_count(request.jobs), request.scheduler, request.work_dir) as engine:
        run.messages.info(f"Dask dashboard: {engine.dashboard or 'not served (install bokeh)'}")
        with run.messages.stages() as progress:
            result = engine.dedup(
                inputs,
                settings,
                **read,
                fields=fields,
                stdin=sys.stdin.buffer,
                timeout=timeout,
                on_error=run.on_error,
                outputs=run.written_files,
                progress=progress,
            )
        run.cleaned += result.documents  # less the pages found to be all template (counted already)
        tally = _written(result, request, run)
        workers = engine.figures()
    figures = (*summary_figures(tally), _worker_figures(workers))
    return run.finish(figures, tally.duplicates > 0, request.check)


def _written(result, request: DaskRequest, run: Run) -> ClusterTally:
    """Write the clusters to stdout, or as files into ``--output``; their tally."""
    if request.output:
        records = partial(output_records, view=request.view, dupes_only=request.dupes_only)
        return result.write(request.output, request.output_format, records)
    tally = ClusterTally()
    clusters = _tallied(result.clusters(), tally)
    if request.dupes_only:
        clusters = (c for c in clusters if c.size > 1)
    try:
        with closed_stdout_ends_quietly():
            run.options.writer().clusters(clusters, request.view, sys.stdout)
    except EngineError as error:
        raise EngineError(f"{error}; the output written so far is incomplete") from None
    return tally


def _tallied(clusters, tally: ClusterTally):
    for cluster in clusters:
        tally.add(cluster)
        yield cluster


def _worker_figures(figures) -> str:
    """``2 Dask workers: peak memory 0.41 GB per worker (at most), 15 MB shuffled, 2 MB transferred``."""
    peak = max(figures.peak_memory, default=0)
    return (
        f"{plural(len(figures.peak_memory), 'Dask worker')}: peak memory {peak / 1e9:.2f} GB per worker "
        f"(at most), {figures.shuffled / 1e6:.0f} MB shuffled, {figures.transferred / 1e6:.0f} MB transferred"
    )
