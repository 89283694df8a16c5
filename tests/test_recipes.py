"""Every line of the README's Recipes block, run by bash with the installed command on PATH."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES


def recipe_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Recipes\n.*?```sh\n(.*?)```", readme, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("recipes")
    shutil.copytree(SAMPLES, root / "crawl")
    with gzip.open(root / "records.jsonl.gz", "wt", encoding="utf-8") as out:
        for path in sorted(SAMPLES.glob("*.txt")):
            out.write(json.dumps({"id": path.stem, "body": path.read_text(encoding="utf-8")}) + "\n")
    return root


@pytest.mark.parametrize("line", recipe_lines())
def test_recipe_runs(line, workdir):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_cron_lines_run(tmp_path):
    """The README's crontab, with its /data and /var paths moved into a scratch folder."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```cron\n(.*?)```", readme, re.DOTALL).group(1)
    shutil.copytree(SAMPLES, tmp_path / "data" / "incoming")
    for folder in ("var/lib/newsdedup", "var/log/newsdedup"):
        (tmp_path / folder).mkdir(parents=True)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        command = line.split(None, 5)[5].replace("\\%", "%")  # cron escapes % in commands
        command = re.sub(r"(?<![\w.])/(data|var)/", lambda m: f"{tmp_path}/{m.group(1)}/", command)
        result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (command, result.stderr)
    new_stories = (tmp_path / "data" / "new-stories.jsonl").read_text().splitlines()
    assert len(new_stories) == 4  # five articles, one of them a copy


def test_the_quick_start_says_where_the_command_lives():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start") : readme.index("## Usage")]
    for words in (".venv/bin/newsdedup", "source .venv/bin/activate", "pipx install ."):
        assert words in quick_start, words
    if not (REPO / ".venv" / "bin" / "activate").is_file():
        pytest.skip("no .venv in the checkout (the tests run from another environment)")
    plain_path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if ".venv" not in p)
    for command in (".venv/bin/newsdedup --version", "source .venv/bin/activate && newsdedup --version"):
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=REPO,
            env=dict(os.environ, PATH=plain_path),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0 and result.stdout.strip(), (command, result.stderr)
