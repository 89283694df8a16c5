"""newsdedup command line: argument parsing, I/O and rendering over the ``core`` library."""

import signal

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
EXIT_TERMINATED = 143  # 128 + SIGTERM


def main() -> None:
    """Console-script entry point: a Ctrl-C or a SIGTERM while the command is still loading ends it as
    quietly as one later does (exit 130 or 143, no traceback)."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from .app import main as run
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()


def _terminated(signum, frame) -> None:
    # As an exception, SIGTERM unwinds the run as Ctrl-C does: the index transaction rolls back, the
    # output stops where it is, the workers (which ignore both) finish their chunks and leave.
    raise SystemExit(EXIT_TERMINATED)
