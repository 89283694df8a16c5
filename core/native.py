"""The compiled twins of a few hot functions (``core/_speedups.c``), when they are built and allowed.

Each twin gives exactly what its Python original gives; the original is the
definition, and runs whenever the extension is missing (no compiler, a
platform without a wheel) or ``NEWSDEDUP_PURE_PYTHON=1`` is set. Callers read
``native.speedups`` at call time, so a test can switch paths by setting it to
None.
"""

from __future__ import annotations

import os
from types import ModuleType

PURE_PYTHON_VARIABLE = "NEWSDEDUP_PURE_PYTHON"


def pure_python_requested() -> bool:
    """Whether the environment asks for pure Python (the compiled cleaning modules follow it too)."""
    return os.environ.get(PURE_PYTHON_VARIABLE, "").strip() not in ("", "0")


def load_speedups() -> ModuleType | None:
    """The compiled module, or None when it is missing or the environment asks for pure Python."""
    if pure_python_requested():
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    return _speedups


speedups = load_speedups()
