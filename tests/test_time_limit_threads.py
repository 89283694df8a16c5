"""The cleaning time limit outside the main thread, where no alarm signal arrives (Dask runs its tasks in
worker threads): a watchdog thread stops the cleaning, and never the code that runs after it."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from newsdedup.clean import clear_caches, load_rules
from newsdedup.document import Document
from newsdedup.errors import DocumentError
from newsdedup.workers import _raise_in, _time_limit, _Timeout, clean_with_limit
from tests.conftest import SAMPLES, slow_page


def in_a_thread(function, *args):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def test_a_page_too_long_to_clean_is_stopped_at_the_time_limit_in_a_thread():
    rules, page = load_rules(), Document(id="huge.txt", raw=slow_page())
    clear_caches()  # the page's lines judged by an earlier test would take less time
    start = time.monotonic()
    stopped = in_a_thread(clean_with_limit, page, rules, 0.3)
    assert isinstance(stopped, DocumentError)
    assert str(stopped) == "huge.txt: cleaning took longer than the 0.3 s limit"
    # Stopped at the limit, not seconds later: compiled code lets the limit in only where it calls
    # interpreted code (newsdedup.clean.compiled.checkpoint); without it, 1.5 s here.
    assert time.monotonic() - start < 1.0
    sample = next(SAMPLES.glob("*.txt"))
    cleaned = in_a_thread(clean_with_limit, Document(id="sample", raw=sample.read_text()), rules, 10)
    assert isinstance(cleaned, Document) and cleaned.text  # the thread cleans on, nothing left behind


def test_a_page_too_long_to_clean_is_stopped_at_the_time_limit_in_the_main_thread():
    rules, page = load_rules(), Document(id="huge.txt", raw=slow_page())
    clear_caches()
    start = time.monotonic()
    stopped = clean_with_limit(page, rules, 0.3)  # the alarm signal, handled between bytecodes
    assert isinstance(stopped, DocumentError) and time.monotonic() - start < 1.0  # 1.6 s without


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_limit_is_never_raised_after_its_block_ended():
    def blocks() -> int:
        stopped = 0
        for attempt in range(400):
            try:
                # the deadline falls before the block's end, just at it, or after it
                with _time_limit(0.001 + attempt % 8 * 0.0001):
                    _spin(0.0014)
            except _Timeout:
                stopped += 1
            _spin(0.003)  # past every deadline: an exception that came late would be raised here
        return stopped

    # The watchdog waits for the interpreter lock: switching often lets it raise at any point of a block.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.00005)
    try:
        stopped = in_a_thread(blocks)
    finally:
        sys.setswitchinterval(interval)
    assert 0 < stopped < 400


def test_an_exception_withdrawn_before_it_arrives_never_does():
    # What a limit that ends just as the watchdog raises it does. The thread waits in C meanwhile, where
    # nothing is delivered.
    go = threading.Event()
    finished: list[bool] = []

    def waits() -> None:
        go.wait()
        _spin(0.05)
        finished.append(True)

    thread = threading.Thread(target=waits)
    thread.start()
    time.sleep(0.1)
    _raise_in(thread.ident, _Timeout)
    _raise_in(thread.ident, None)
    go.set()
    thread.join()
    assert finished == [True]
