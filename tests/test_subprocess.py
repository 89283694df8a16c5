"""The installed command in real subprocesses: pipes, closed stdout, exit codes."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import SAMPLES, article

COMMAND = shutil.which("newsdedup") or str(__import__("pathlib").Path(sys.executable).parent / "newsdedup")


def run(*args, **kwargs):
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, text=True, timeout=120, **kwargs)


def test_installed_command_writes_json_lines_to_a_pipe():
    result = run("dedup", SAMPLES)
    assert result.returncode == 0
    assert [json.loads(line)["size"] for line in result.stdout.splitlines()] == [2, 1, 1, 1]


@pytest.mark.parametrize("cache", ["fresh", "none"])
def test_what_loads_on_first_use_does_not_count_against_the_first_page_limit(tmp_path, cache):
    # Before: in one process the rules, the language model and the stages' first-use work (70 ms,
    # 0.6 s with the model to unpack) fell inside the first page's --timeout, which then failed.
    env = {**os.environ, "NEWSDEDUP_CACHE_DIR": str(tmp_path) if cache == "fresh" else "none"}
    [page] = SAMPLES.glob("001_*.txt")
    result = run("clean", "--timeout", "0.1", "-j", "1", page, env=env)
    assert (result.returncode, len(result.stdout.splitlines())) == (0, 1), result.stderr


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


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_data_leaves_as_utf8_whatever_the_locales_encoding(encoding):
    # Before: PYTHONIOENCODING=ascii (or a cron job's ASCII or Latin-1 locale) ended the run at the first
    # character outside it, with a traceback and exit 1.
    for fmt in ("jsonl", "csv"):
        result = subprocess.run(
            [COMMAND, "clean", str(SAMPLES), "-f", fmt],
            capture_output=True,
            timeout=120,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert result.returncode == 0, result.stderr
        assert "Korsel Desak Korut" in result.stdout.decode("utf-8") and "\u2013" in result.stdout.decode(
            "utf-8"
        )


def test_a_bug_exits_70_with_its_traceback_not_1_as_duplicates_found():
    # Before: exit 1, which a --check job reads as "duplicates found".
    code = (
        "import sys; import newsdedup.cli.report as report; "
        "report.timeline = lambda members: 1 / 0; "
        "sys.argv = ['newsdedup', 'clean', sys.argv[1], '-f', 'html', '-j', '1']; "
        "from newsdedup.cli import main; main()"
    )
    [page] = SAMPLES.glob("001_*.txt")
    result = subprocess.run(
        [sys.executable, "-c", code, str(page)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 70 and "ZeroDivisionError" in result.stderr


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


def inputs_with_one_failure(tmp_path):
    for doc in SAMPLES.iterdir():
        (tmp_path / doc.name).write_bytes(doc.read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    return tmp_path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("stderr", ["full disk", "reader gone"])
def test_a_stderr_that_cannot_be_written_loses_no_output(tmp_path, stderr):
    # Before: the first message that failed to write ended the run: exit 1, nothing on stdout.
    inputs = inputs_with_one_failure(tmp_path)
    if stderr == "full disk":
        target = os.open("/dev/full", os.O_WRONLY)
    else:
        read_end, target = os.pipe()
        os.close(read_end)
    try:
        result = subprocess.run(
            [COMMAND, "dedup", inputs], stdout=subprocess.PIPE, stderr=target, text=True, timeout=120
        )
    finally:
        os.close(target)
    assert result.returncode == 2  # a document failed
    assert [json.loads(line)["size"] for line in result.stdout.splitlines()] == [2, 1, 1, 1]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_errors_file_that_cannot_be_written_is_said_once_and_the_run_goes_on(tmp_path):
    result = run("dedup", inputs_with_one_failure(tmp_path), "--errors", "/dev/full")
    assert result.returncode == 2
    assert [json.loads(line)["size"] for line in result.stdout.splitlines()] == [2, 1, 1, 1]
    assert "/dev/full: No space left on device: failures are no longer written there" in result.stderr


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_the_runs_own_output_and_errors_file_in_an_input_directory_are_not_read(tmp_path, engine):
    # Before: the --errors file was read back as an input and failed ("empty file"), exit 2 on every
    # run; so was stdout sent into the directory (a growing file read while it is written).
    if engine == "dask":
        pytest.importorskip("distributed")
    for doc in SAMPLES.iterdir():
        (tmp_path / doc.name).write_bytes(doc.read_bytes())
    with open(tmp_path / "out.jsonl", "w") as out:
        result = subprocess.run(
            [COMMAND, "dedup", tmp_path, "--engine", engine, "--errors", tmp_path / "failed.jsonl"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(line)["size"] for line in lines] == [2, 1, 1, 1]
    assert (tmp_path / "failed.jsonl").read_text() == ""
    assert f"{tmp_path}/failed.jsonl: the run's own --errors file, not read" in result.stderr
    assert f"{tmp_path}/out.jsonl: the run's own output, not read" in result.stderr


def test_the_runs_log_and_index_in_an_input_directory_are_not_read(tmp_path):
    # Before: stderr sent into the directory failed as an empty file, and the index and its -wal and
    # -shm files as binary files: exit 2 on every run.
    for doc in SAMPLES.iterdir():
        (tmp_path / doc.name).write_bytes(doc.read_bytes())
    for _ in range(2):
        with open(tmp_path / "run.log", "w") as log:
            result = subprocess.run(
                [COMMAND, "dedup", tmp_path, "--db", tmp_path / "index.db", "-q"],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=120,
            )
        assert result.returncode == 0, (tmp_path / "run.log").read_text()
        assert len(result.stdout.splitlines()) == 4


def test_an_input_named_that_is_the_runs_own_output_fails_in_one_line(tmp_path):
    # `newsdedup clean a.txt > a.txt`: the shell emptied the file; saying nothing and exiting 0 hid that
    page = tmp_path / "a.txt"
    page.write_text(article("harbour"))
    with open(page, "w") as out:
        result = subprocess.run(
            [COMMAND, "clean", "-q", page], stdout=out, stderr=subprocess.PIPE, text=True, timeout=120
        )
    assert result.returncode == 2
    assert result.stderr == f"newsdedup: {page}: the run's own output: not read\n"


def test_a_closed_stdin_is_no_input_and_a_closed_stdout_is_one_line_exit_2():
    # Before: a traceback each, exit 1. Some schedulers start their jobs with descriptors closed.
    closed_stdin = subprocess.run(
        [COMMAND, "dedup", SAMPLES],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert closed_stdin.returncode == 0 and len(closed_stdin.stdout.splitlines()) == 4
    closed_stdout = subprocess.run(
        [COMMAND, "dedup", SAMPLES],
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert closed_stdout.returncode == 2
    assert (
        closed_stdout.stderr
        == "newsdedup: error: stdout is closed: send the output to a file or to /dev/null\n"
    )
    if os.path.exists("/dev/full"):  # nowhere to say it either: the exit code still says it
        full = os.open("/dev/full", os.O_WRONLY)
        try:
            silent = subprocess.run(
                [COMMAND, "dedup", SAMPLES], stderr=full, timeout=120, preexec_fn=lambda: os.close(1)
            )
        finally:
            os.close(full)
        assert silent.returncode == 2


@pytest.mark.parametrize(
    "args", [["--help"], ["dedup", "--help"], ["index", "stats", "--help"], ["--version"]]
)
def test_help_and_version_into_a_closed_pipe_end_quietly(args):
    # Before: exit 1 (rich's broken-pipe handling) or 2 with "newsdedup: error: Broken pipe".
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written, as after `| head -1`
    try:
        result = subprocess.run([COMMAND, *args], stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, b"")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["--version"], [], ["dedup", "--help"]])
def test_help_and_version_into_a_full_disk_are_one_line(args):
    # Before: the group's help and version ended with a traceback and exit 70, which reads as a bug.
    with open("/dev/full", "wb") as full:
        result = subprocess.run([COMMAND, *args], stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert (result.returncode, result.stderr) == (2, b"newsdedup: error: No space left on device\n")


@pytest.mark.skipif(shutil.which("head") is None, reason="needs head")
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_an_index_export_into_head_ends_quietly(tmp_path, fmt):
    # Before: the export's generator was closed after the index, a traceback on stderr.
    from tools.store_size import fill

    fill(str(tmp_path / "index.db"), documents=1000, shingles=50, batch=500)  # ~200 KB of records
    pipeline = subprocess.run(
        [
            "bash",
            "-o",
            "pipefail",
            "-c",
            f"'{COMMAND}' index export -f {fmt} '{tmp_path / 'index.db'}' | head -1",
        ],
        capture_output=True,
        timeout=120,
    )
    assert pipeline.stderr == b"" and pipeline.returncode == 0 and len(pipeline.stdout.splitlines()) == 1


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


def _crawl(folder, pages: int = 10000):
    folder.mkdir()
    for i in range(pages):
        (folder / f"{i:04d}.txt").write_text(article(f"story{i % 400}", 14, start=i % 3))
    return folder


def _left_running(session: int) -> list[str]:
    """Processes of the run's session still alive (zombies, which only wait for the container's
    init to reap them, are not running)."""
    ps = subprocess.run(["ps", "-o", "pid=,stat=", "-s", str(session)], capture_output=True, text=True)
    return [line for line in ps.stdout.splitlines() if "Z" not in line.split()[1]]


def _signalled_run(folder, delay: float, signum: int, group: bool, command=(COMMAND,), options=()):
    import os
    import time

    process = subprocess.Popen(
        [*command, "dedup", str(folder), "-j", "2", "-q", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal or a supervisor gives it
    )
    time.sleep(delay)
    if group:
        os.killpg(process.pid, signum)  # Ctrl-C and supervisors signal the whole group
    else:
        os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=60)
    deadline = time.time() + 10
    while _left_running(process.pid) and time.time() < deadline:
        time.sleep(0.1)
    return process.returncode, stderr.decode(), _left_running(process.pid)


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
@pytest.mark.parametrize(
    ("signum", "group", "code"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C: the workers and their server take it too
        (signal.SIGTERM, True, 143),  # a supervisor stopping the job's group
        (signal.SIGTERM, False, 143),  # kill PID: the workers are not told
        (signal.SIGHUP, True, 129),  # the terminal closed
    ],
)
def test_a_signal_while_workers_start_or_run_ends_everything_quietly(tmp_path, signum, group, code):
    # Before: a Ctrl-C while the workers started printed their tracebacks, and now and then left
    # the run waiting for ever at exit; SIGTERM to the main process left the workers running.
    folder = _crawl(tmp_path / "crawl")
    for delay in (0.5, 0.9, 1.5):  # while the workers' server starts, while they start, while they work
        returncode, stderr, left = _signalled_run(folder, delay, signum, group)
        assert (returncode, left) == (code, []), delay
        # only the run's own one-line reports (a generated page or two has no article)
        assert all(line.endswith(": no article text found") for line in stderr.splitlines()), stderr


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
def test_a_hang_up_under_nohup_is_ignored_by_every_process(tmp_path):
    # The run's own hang-up handler (exit 129) is only set where the hang-up is not ignored.
    folder = _crawl(tmp_path / "crawl", pages=3000)
    process = subprocess.Popen(
        [COMMAND, "dedup", str(folder), "-j", "2", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as nohup starts it
    )
    deadline = time.monotonic() + 30
    while len(_workers_of(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGHUP)  # while the workers work
    stdout, stderr = process.communicate(timeout=120)
    undisturbed = subprocess.run([COMMAND, "dedup", str(folder), "-j", "2", "-q"], capture_output=True)
    assert (process.returncode, stdout, stderr) == (
        2,
        undisturbed.stdout,
        undisturbed.stderr,
    )  # 2: pages with no text


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
def test_ctrl_c_to_a_dask_run_ends_it_quietly(tmp_path):
    # Before: exit 130, and each Dask worker process printed a KeyboardInterrupt traceback of its own.
    from tests.dask_cluster import need_dask

    need_dask()
    folder = _crawl(tmp_path / "crawl")
    returncode, stderr, left = _signalled_run(folder, 6, signal.SIGINT, True, options=("--engine", "dask"))
    assert (returncode, left) == (130, [])
    assert all(line.endswith(": no article text found") for line in stderr.splitlines()), stderr


# Python 3.11's exit hook checks that the pool's wake-up pipe is open, then writes to it; the
# pool's own thread may close it in between. The gap is made a second long, so that a run that
# leaves its pool's thread to end at exit meets it every time.
_WAKE_UP_LATE_AT_EXIT = """
import sys, time
import concurrent.futures.process as process
wakeup = process._ThreadWakeup.wakeup
def wakeup_late_at_exit(self):
    if process._global_shutdown and not self._closed:
        time.sleep(1.0)
        self._writer.send_bytes(b"")
    else:
        wakeup(self)
process._ThreadWakeup.wakeup = wakeup_late_at_exit
from newsdedup.cli import main
sys.argv[0] = "newsdedup"
main()
"""


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
def test_a_run_terminated_while_workers_run_waits_for_them_before_exit(tmp_path):
    # Before: the pool's thread was left to end at exit, racing Python's exit hook, which now and
    # then printed "OSError: [Errno 9] Bad file descriptor" with a traceback after a SIGTERM.
    folder = _crawl(tmp_path / "crawl")
    command = (sys.executable, "-c", _WAKE_UP_LATE_AT_EXIT)
    returncode, stderr, left = _signalled_run(folder, 1.5, signal.SIGTERM, True, command)
    assert (returncode, left) == (143, [])
    assert all(line.endswith(": no article text found") for line in stderr.splitlines()), stderr


def _workers_of(main: int) -> list[int]:
    """The worker processes of a run: the children of its children (the forkserver's)."""
    ps = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout.split()
    parent_of = dict(zip(map(int, ps[0::2]), map(int, ps[1::2]), strict=True))
    return sorted(pid for pid, parent in parent_of.items() if parent_of.get(parent) == main)


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
def test_a_worker_killed_from_outside_costs_nothing(tmp_path):
    # Before: a worker killed as the OOM killer does hung the run for ever (the pool stopped reading
    # results and asked the other worker, which ignores SIGTERM, to end), and SIGTERM did not end it.
    folder = _crawl(tmp_path / "crawl", pages=3000)
    command = [COMMAND, "dedup", str(folder), "-j", "2", "-q"]
    undisturbed = subprocess.run(command, capture_output=True)
    process = _run_with_a_worker_killed(command)
    stdout, stderr = _communicate_unless_hung(process)
    # every page cleaned again where the worker had it: nothing lost, nothing reported
    assert (process.returncode, stdout, stderr) == (
        undisturbed.returncode,
        undisturbed.stdout,
        undisturbed.stderr,
    )
    # Before: stopped right after (in the recovery's wait), the run hung at exit for the other worker.
    for gap in (0.0, 0.02, 0.05):
        process = _run_with_a_worker_killed(command)
        time.sleep(gap)
        os.kill(process.pid, signal.SIGTERM)
        _communicate_unless_hung(process)
        assert process.returncode == 143


def _run_with_a_worker_killed(command: list[str]) -> subprocess.Popen:
    """The command started, one of its two workers killed once they are at work."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while len(workers := _workers_of(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # at work
    os.kill(workers[0], signal.SIGKILL)
    return process


def _communicate_unless_hung(process: subprocess.Popen) -> tuple[bytes, bytes]:
    try:
        return process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("the run hung after one of its workers was killed")


@pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps")
def test_workers_of_a_killed_run_end_with_it(tmp_path):
    folder = _crawl(tmp_path / "crawl")
    returncode, _, left = _signalled_run(folder, 1.6, signal.SIGKILL, group=False)
    assert returncode == -signal.SIGKILL and left == []
