"""The optional compiled parts, which pyproject.toml cannot describe on its own.

- ``newsdedup._speedups``: C twins of a few hot functions (core/native.py).
- The cleaning modules of core/clean/compiled.py, compiled unchanged with mypyc.

Both only speed things up: when a part cannot be built (no compiler, mypyc
missing or refusing the code), the install goes on without it and the
Python modules run, with the same results.
"""

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).parent
# mypy names a module by its package directories, and ours is `core/` installed as `newsdedup`:
# the sources are compiled from a copy laid out under the import name.
STAGING = ROOT / "build" / "mypyc-src"


def speedups() -> Extension:
    return Extension(
        "newsdedup._speedups", sources=["core/_speedups.c"], optional=True, extra_compile_args=["-O3"]
    )


def compiled_cleaning() -> list[Extension]:
    group = _load_group_description()
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not installed")
        return []
    clean = _stage_sources()
    stamp = clean / f"{group.STAMP_MODULE}.py"
    stamp.write_text(f'SOURCES_DIGEST = "{group.sources_digest(clean)}"\n')
    modules = [str(clean / f"{name}.py") for name in group.COMPILED_MODULES]
    options = ["--ignore-missing-imports", "--follow-imports=silent"]
    try:
        extensions = mypycify([*options, *modules, str(stamp)], opt_level="3", group_name=group.GROUP_NAME)
    except (Exception, SystemExit) as error:  # mypy's type errors end in SystemExit
        _warn(f"mypyc failed ({error!r})")
        return []
    for extension in extensions:
        extension.optional = True
    return extensions


def _load_group_description():
    path = ROOT / "core" / "clean" / "compiled.py"
    spec = importlib.util.spec_from_file_location("newsdedup_compiled_group", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stage_sources() -> Path:
    shutil.rmtree(STAGING, ignore_errors=True)
    package = STAGING / "newsdedup"
    shutil.copytree(
        ROOT / "core", package, ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.c", "__pycache__")
    )
    return package / "clean"


def _warn(reason: str) -> None:
    print(f"newsdedup: the cleaning modules stay pure Python: {reason}", file=sys.stderr)


class BuildExtensions(build_ext):
    """build_ext that adds the mypyc group only when extensions are built: mypyc type-checks and
    writes C, which the metadata steps of an install do not need."""

    def finalize_options(self) -> None:
        self.distribution.ext_modules = [*self.distribution.ext_modules, *compiled_cleaning()]
        super().finalize_options()


setup(ext_modules=[speedups()], cmdclass={"build_ext": BuildExtensions})
