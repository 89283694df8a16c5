"""A directory every worker reaches: a local path (one machine) or a URL (``s3://...``, a shared disk).

The engine keeps its fingerprints there as Parquet, and ``--output`` writes
there. Objects of this class travel to the workers: they hold the location
only, and open the file system where they are used.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from functools import cached_property

import pyarrow as pa
import pyarrow.parquet as pq

from ..read.urls import is_url, url_file_system


@dataclass(frozen=True)
class Place:
    """A directory, local or behind a URL."""

    location: str

    @cached_property
    def _reached(self):
        if is_url(self.location):
            return url_file_system(self.location)
        from fsspec.implementations.local import LocalFileSystem

        return LocalFileSystem(), self.location

    @property
    def fs(self):
        return self._reached[0]

    def path(self, *names: str) -> str:
        return posixpath.join(self._reached[1], *names)

    def __truediv__(self, name: str) -> Place:
        return Place(self.location.rstrip("/") + "/" + name)

    def make(self) -> None:
        self.fs.makedirs(self.path(), exist_ok=True)

    def write_table(self, name: str, table: pa.Table) -> None:
        with self.fs.open(self.path(name), "wb") as out:
            pq.write_table(table, out)

    def read_table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        with self.fs.open(self.path(name), "rb") as handle:
            return pq.read_table(handle, columns=columns)

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.fs.open(self.path(name), "wb") as out:
            out.write(data)

    def write_json(self, name: str, value) -> None:
        self.write_bytes(name, (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))

    def names(self) -> list[str]:
        """The entries directly inside, by name (none when the directory does not exist)."""
        if not self.fs.exists(self.path()):
            return []
        return sorted(
            posixpath.basename(entry.rstrip("/")) for entry in self.fs.ls(self.path(), detail=False)
        )

    def move(self, name: str, to: Place) -> None:
        self.fs.mv(self.path(name), to.path(name))

    def remove(self) -> None:
        if self.fs.exists(self.path()):
            self.fs.rm(self.path(), recursive=True)
