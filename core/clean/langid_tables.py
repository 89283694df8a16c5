"""py3langid's default model as flat tables, unpacked once into a cache directory and mapped from there.

py3langid ships its model LZMA-compressed: unpacking it costs about half a
second of CPU at every start (0.54 s here), while the worker processes and the
main process wait for it. Unpacked into ``$NEWSDEDUP_CACHE_DIR`` (by default
``$XDG_CACHE_HOME/newsdedup`` or ``~/.cache/newsdedup``), the tables are mapped
into memory in about a millisecond, and processes that map the same files share
them. An entry is named by py3langid's version and a digest of the model file,
so an upgrade never reads tables of another model; it is written to a temporary
name and renamed into place, so a run never sees half an entry. Without a usable
cache directory (read-only, full, or ``NEWSDEDUP_CACHE_DIR=none``), the tables
are unpacked in memory as before: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE_VARIABLE = "NEWSDEDUP_CACHE_DIR"
NO_CACHE = "none"
_ARRAYS = {"nextmove": np.uint32, "rows": np.uint16, "output": np.int32, "ptc": np.float16, "pc": np.float32}


@dataclass(frozen=True)
class ModelTables:
    """What the compiled classifier reads of py3langid's identifier, as buffers."""

    nextmove: np.ndarray  # uint32: the automaton's distinct transition rows, 256 entries each
    rows: np.ndarray  # uint16: each state's row in ``nextmove``
    output: np.ndarray  # int32: the feature each state counts, -1 for none
    ptc: np.ndarray  # float16, features x classes: the naive Bayes feature weights
    pc: np.ndarray  # float32, one per class: the priors
    classes: tuple[str, ...]
    alias_pairs: tuple[tuple[int, int], ...]  # (kept, folded) columns of a label the model has twice

    @classmethod
    def of(cls, identifier) -> ModelTables:
        """The tables of a loaded ``py3langid`` identifier (its own arrays, not copies)."""
        return cls(
            nextmove=np.frombuffer(identifier.tk_nextmove, dtype=np.uint32),
            rows=np.frombuffer(identifier.tk_row, dtype=np.uint16),
            output=np.frombuffer(array("i", identifier.tk_output), dtype=np.int32),
            ptc=np.ascontiguousarray(identifier.nb_ptc, dtype=np.float16),
            pc=np.asarray(identifier.nb_pc, dtype=np.float32),
            classes=tuple(identifier.nb_classes),
            alias_pairs=tuple((int(a), int(b)) for a, b in identifier._alias_pairs),
        )

    def check(self) -> None:
        """Raise ValueError unless the tables fit together (a damaged entry is not used)."""
        for name, dtype in _ARRAYS.items():
            if getattr(self, name).dtype != dtype:
                raise ValueError(f"{name} is {getattr(self, name).dtype}, not {np.dtype(dtype)}")
        states, columns = len(self.rows), len(self.classes)
        fits = (
            self.nextmove.ndim == self.rows.ndim == self.output.ndim == 1
            and len(self.nextmove) % 256 == 0
            and len(self.output) == states
            and self.ptc.ndim == 2
            and self.ptc.shape[1] == columns == len(self.pc)
            and self.ptc.flags.c_contiguous
            and all(0 <= a < columns and 0 <= b < columns for a, b in self.alias_pairs)
        )
        if not fits or (states and int(self.rows.max()) >= len(self.nextmove) // 256):
            raise ValueError("the tables do not fit together")
        if states and (int(self.output.max()) >= self.ptc.shape[0] or int(self.output.min()) < -1):
            raise ValueError("a state counts a feature the weights do not have")


def cache_dir() -> Path | None:
    """Where rebuildable data is kept, or None when the environment turns the cache off."""
    given = os.environ.get(CACHE_VARIABLE, "").strip()
    if given.lower() == NO_CACHE:
        return None
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "newsdedup"
    try:
        return Path.home() / ".cache" / "newsdedup"
    except RuntimeError:  # no HOME and no passwd entry (a container run under an arbitrary uid)
        return None


def entry_name(model_file: Path, version: str) -> str:
    """The cache entry of a model file: py3langid's version and the file's digest."""
    digest = hashlib.blake2b(model_file.read_bytes(), digest_size=10).hexdigest()
    return f"py3langid-{version}-{digest}"


def load_tables(entry: Path) -> ModelTables | None:
    """The tables of a cache entry, mapped read-only; None when it is missing or damaged."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(entry / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
        tables = ModelTables(
            **arrays,
            classes=tuple(meta["classes"]),
            alias_pairs=tuple((int(a), int(b)) for a, b in meta["alias_pairs"]),
        )
        tables.check()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return tables


def store_tables(entry: Path, tables: ModelTables) -> None:
    """Write an entry under a temporary name and rename it into place, over a damaged one; give up
    quietly on any OS error (when two runs write at once, either copy is the same)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    except OSError:
        return
    try:
        for name in _ARRAYS:
            np.save(staging / f"{name}.npy", np.ascontiguousarray(getattr(tables, name)), allow_pickle=False)
        meta = {"classes": list(tables.classes), "alias_pairs": [list(pair) for pair in tables.alias_pairs]}
        (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        # a process that maps the old entry's files keeps them until it ends
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(staging, entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
