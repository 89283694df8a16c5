"""Dask for the tests: the extra must be installed (``make install`` installs it); without it the Dask tests
are skipped, except under ``CI=true``, where they fail.

``dask_scheduler`` is a real ``LocalCluster`` of two worker processes, shared by the tests that do not
harm it (tests that kill workers start their own).
"""

from __future__ import annotations

import logging

import pytest

from tests.redis_server import on_ci


def need_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as error:
        if on_ci():
            pytest.fail(
                f"the Dask tests must run under CI, but the dask extra is missing: {error}", pytrace=False
            )
        pytest.skip(f"the dask extra is not installed: {error}")


def local_cluster(**scheduler_kwargs):
    """A LocalCluster of two single-threaded worker processes, quiet."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
        scheduler_kwargs=scheduler_kwargs or None,
    )


@pytest.fixture(scope="session")
def dask_scheduler():
    """The address of a LocalCluster of two workers, for the whole session."""
    need_dask()
    with local_cluster() as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def dask_engine(dask_scheduler):
    """A :class:`~newsdedup.dask_engine.run.DaskEngine` on the shared cluster."""
    from newsdedup.dask_engine.run import DaskEngine

    with DaskEngine(scheduler=dask_scheduler) as engine:
        yield engine
