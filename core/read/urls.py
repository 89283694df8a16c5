"""Inputs given as URLs (``s3://bucket/key``, ``file:///path``), read through fsspec.

fsspec comes with the dask extra; it reads every file system it has a backend
for (``s3://`` with s3fs, ``gs://`` with gcsfs). Local paths are opened directly.
"""

from __future__ import annotations

import re
from typing import IO

from ..errors import MissingExtra, UsageError

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(location: str) -> bool:
    """``s3://bucket/key``, ``file:///path``: a location for fsspec rather than a local path."""
    return _URL.match(location) is not None


def open_input(location: str) -> IO[bytes]:
    """A local path or a URL opened for reading bytes.

    URLs go through fsspec (installed with the dask extra), which reads every
    file system it has a backend for: ``file://``, ``s3://`` with s3fs,
    ``gs://`` with gcsfs.
    """
    if not is_url(location):
        return open(location, "rb")  # noqa: SIM115  (the caller closes it)
    file_system, path = url_file_system(location)
    return file_system.open(path, "rb")


def url_file_system(url: str):
    """fsspec's file system for ``url`` and the path within it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise MissingExtra(f"reading URLs such as {url}", "dask") from None
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as error:  # no backend for the protocol (s3fs, gcsfs not installed)
        raise UsageError(f"{url}: {error}") from None
