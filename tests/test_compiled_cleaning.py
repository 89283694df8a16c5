"""The cleaning modules compiled with mypyc (core/clean/compiled.py) load only when they are exactly the
sources on disk, and give exactly what those sources give.

The compiled files sit next to the ``.py`` files, where Python would prefer them even when stale: these
tests edit a copy of the installed package and check that the edit wins. Under CI=true a missing build
fails them instead of skipping them.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsdedup
import newsdedup.cli
from newsdedup import native
from newsdedup.clean import compiled
from tests.conftest import SAMPLES, article, slow_page
from tests.hostile.make_corpus import SIZE_CAP, build

PACKAGE_DIRECTORY = Path(newsdedup.__file__).parent
GROUP = [f"{compiled.PACKAGE}.{name}" for name in compiled.COMPILED_MODULES]
REPORT = (
    "import json, newsdedup.clean.text as text; from newsdedup.clean import compiled; "
    "print(json.dumps([compiled.compiled_modules_loaded(), compiled.not_compiled_reason, "
    "getattr(text, 'EDITED', False)]))"
)


@pytest.fixture(scope="module")
def built():
    stamps = list((PACKAGE_DIRECTORY / "clean").glob(f"{compiled.STAMP_MODULE}.*"))
    if not stamps:
        if os.environ.get("CI") == "true":
            pytest.fail("the compiled cleaning modules were not built (setup.py, mypyc)")
        pytest.skip("the compiled cleaning modules are not built")


def _run_python(
    args, site: Path | None = None, pure: bool = False, check: bool = True, text: bool = False
) -> subprocess.CompletedProcess:
    env = {**os.environ, native.PURE_PYTHON_VARIABLE: "1" if pure else "0"}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, timeout=300, check=check, text=text
    )


def _report(site: Path | None = None, pure: bool = False) -> list:
    return json.loads(_run_python(["-c", REPORT], site, pure).stdout)


def _package_copy(tmp_path: Path) -> Path:
    """A copy of the installed package, its compiled files included; returns the directory to import from."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE_DIRECTORY, site / "newsdedup", ignore=shutil.ignore_patterns("__pycache__"))
    cli = site / "newsdedup" / "cli"
    if not cli.exists():  # an editable install keeps the command in cli/, outside the package directory
        shutil.copytree(
            Path(newsdedup.cli.__file__).parent, cli, ignore=shutil.ignore_patterns("__pycache__")
        )
    return site


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_built_modules_run_compiled_unless_pure_python_is_asked_for(built):
    assert _report() == [GROUP, None, False]
    assert _report(pure=True) == [[], f"{native.PURE_PYTHON_VARIABLE} is set", False]


def test_this_test_run_uses_the_compiled_modules_unless_pure_python_is_asked_for(built):
    if native.pure_python_requested():
        assert compiled.compiled_modules_loaded() == []
    else:
        assert compiled.not_compiled_reason is None and compiled.compiled_modules_loaded() == GROUP


@pytest.mark.parametrize("edited", ["text.py", "lines.py", "language.py", "../native.py"])
def test_an_edited_source_or_dependency_runs_from_source_until_the_next_build(built, tmp_path, edited):
    site = _package_copy(tmp_path)
    assert _report(site) == [GROUP, None, False]  # the copy runs compiled, as the install does
    _append(site / "newsdedup" / "clean" / edited, "\nEDITED = True\n")
    loaded, reason, text_edited = _report(site)
    assert loaded == [] and reason == "built from other sources (make install rebuilds it)"
    assert text_edited == (edited == "text.py")


def test_a_build_missing_a_module_runs_entirely_from_source(built, tmp_path):
    site = _package_copy(tmp_path)
    for path in (site / "newsdedup" / "clean").glob("titles.*"):
        if path.suffix != ".py":
            path.unlink()
    assert _report(site) == [[], "partly built", False]


def test_compiled_and_source_modules_give_the_same_output(built, tmp_path):
    corpus = tmp_path / "corpus"
    build(corpus)  # every kind of bad input, each reported on stderr
    for sample in SAMPLES.iterdir():
        shutil.copy(sample, corpus / f"sample-{sample.name}")
    for number in range(30):  # reprints among them: clusters to compare
        menu = "Home\nNews\nSport\nLogin\n"
        (corpus / f"generated-{number}.txt").write_text(menu + article(f"topic{number % 7}", 10, number % 3))
    site = _package_copy(tmp_path)
    commands = [
        ["clean", str(corpus), "-f", "jsonl", "-j", "1", "--max-bytes", str(SIZE_CAP)],
        ["dedup", str(corpus), "-f", "jsonl", "-j", "1", "--max-bytes", str(SIZE_CAP), "--full"],
    ]
    compiled_runs = [_cli(site, command) for command in commands]
    _append(site / "newsdedup" / "clean" / "memo.py", "\n# edited: the group runs from source\n")
    assert _report(site)[0] == []
    for command, compiled_run in zip(commands, compiled_runs, strict=True):
        source_run = _cli(site, command)
        assert compiled_run.stdout and compiled_run.stdout == source_run.stdout
        assert compiled_run.stderr == source_run.stderr


def _cli(site: Path, command: list[str]) -> subprocess.CompletedProcess:
    return _run_python(["-m", "newsdedup", *command], site, check=False)


@pytest.mark.parametrize("pure", [False, True])
def test_a_page_too_long_to_clean_is_stopped_at_the_time_limit_on_both_paths(built, tmp_path, pure):
    # The limit is an alarm signal, which Python handles between bytecodes: compiled code must still
    # reach a point where it is handled, long before this page (seconds of work) is cleaned.
    page = tmp_path / "huge.txt"
    page.write_text(slow_page(), encoding="utf-8")
    command = ["-m", "newsdedup", "clean", str(page), "--timeout", "0.5", "-j", "1"]
    result = _run_python(command, pure=pure, check=False, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert f"newsdedup: {page}: cleaning took longer than the 0.5 s limit" in result.stderr
