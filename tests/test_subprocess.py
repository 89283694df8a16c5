"""The installed command in real subprocesses: pipes, closed stdout, exit codes."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import SAMPLES

COMMAND = shutil.which("newsdedup") or str(__import__("pathlib").Path(sys.executable).parent / "newsdedup")


def run(*args, **kwargs):
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, text=True, timeout=120, **kwargs)


def test_installed_command_writes_json_lines_to_a_pipe():
    result = run("dedup", SAMPLES)
    assert result.returncode == 0
    assert [json.loads(line)["size"] for line in result.stdout.splitlines()] == [2, 1, 1, 1]


def test_python_dash_m_newsdedup_works_from_anywhere(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "newsdedup", "clean", SAMPLES],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 5


@pytest.mark.parametrize("name", ["core", "cli"])
def test_the_installed_package_claims_only_the_newsdedup_import_name(tmp_path, name):
    result = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 1 and "ModuleNotFoundError" in result.stderr


def test_find_print0_into_dash_0():
    find = subprocess.run(
        ["find", str(SAMPLES), "-name", "*.txt", "-print0"], capture_output=True, check=True
    )
    result = subprocess.run(
        [COMMAND, "dedup", "-0", "-"], input=find.stdout, capture_output=True, timeout=120
    )
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 4


@pytest.mark.skipif(shutil.which("head") is None, reason="needs head")
@pytest.mark.parametrize(
    "args",
    [
        ["clean"],
        ["clean", "-f", "table"],  # rich's own broken-pipe handling exits with 1
        ["dedup", "-f", "table", "--full"],
    ],
)
def test_closed_stdout_ends_quietly_without_a_traceback(args):
    pipeline = subprocess.run(
        [
            "bash",
            "-o",
            "pipefail",
            "-c",
            f"'{COMMAND}' {' '.join(args)} '{SAMPLES}' '{SAMPLES}' '{SAMPLES}' | head -c 10",
        ],
        capture_output=True,
        timeout=120,
    )  # bytes: ten bytes may end inside a character
    assert b"Traceback" not in pipeline.stderr and b"BrokenPipe" not in pipeline.stderr
    assert pipeline.returncode == 0 and len(pipeline.stdout) == 10


def test_ctrl_c_exits_130_without_a_traceback():
    import signal
    import time

    # reading the path list from a stdin that never ends keeps it busy until interrupted
    process = subprocess.Popen(
        [COMMAND, "dedup", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr


def test_every_package_of_the_source_tree_is_installed():
    """A package missing from pyproject's list works in the editable install and fails once built."""
    import tomllib

    from tests.conftest import REPO

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    roots = {name: REPO / folder for name, folder in config["package-dir"].items()}
    on_disk = set()
    for name, root in roots.items():
        for init in root.rglob("__init__.py"):
            parts = init.parent.relative_to(root).parts
            on_disk.add(".".join((name, *parts)))
    assert on_disk <= set(config["packages"])
