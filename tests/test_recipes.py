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
