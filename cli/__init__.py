"""newsdedup command line: argument parsing, I/O and rendering over the ``core`` library."""

import codecs
import os
import signal
import sys

EXIT_HUNG_UP = 129  # 128 + SIGHUP
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
EXIT_TERMINATED = 143  # 128 + SIGTERM


def main() -> None:
    """Console-script entry point: a Ctrl-C, a SIGTERM or a SIGHUP while the command is still loading ends
    it as quietly as one later does (exit 130, 143 or 129, no traceback)."""
    signal.signal(signal.SIGTERM, _terminated)
    # A closed terminal's hang-up stops the run as SIGTERM does; under nohup it stays ignored.
    if signal.getsignal(signal.SIGHUP) == signal.SIG_DFL:
        signal.signal(signal.SIGHUP, _terminated)
    _closed_standard_streams()
    _utf8_stdout()
    try:
        from .app import main as run
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None
    try:
        run()
    except SystemExit as ended:
        # Stopped, the run may still fail on its way out (a hung-up terminal fails the last write,
        # exit 2): the signal is what ended it.
        if _stopped_by and ended.code != _stop_code(_stopped_by[0]):
            raise SystemExit(_stop_code(_stopped_by[0])) from None
        raise
    finally:
        # Nothing is left to stop at the interpreter's exit, where the handler's exception was printed
        # as a traceback: a signal then ends the process as it ends any.
        for number in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(number) is _terminated:
                signal.signal(number, signal.SIG_DFL)


_stopped_by: list[int] = []  # the stop signals received


def _terminated(signum, frame) -> None:
    # As an exception, SIGTERM (or SIGHUP) unwinds the run as Ctrl-C does: the index transaction rolls
    # back, the output stops where it is, the workers (which ignore all three) finish their chunks and
    # leave.
    _stopped_by.append(signum)
    raise SystemExit(_stop_code(signum))


def _stop_code(signum: int) -> int:
    return EXIT_HUNG_UP if signum == signal.SIGHUP else EXIT_TERMINATED


def _closed_standard_streams() -> None:
    """A job started with stdin or stderr closed (some schedulers and daemons do that) reads nothing
    there and says nothing; one started with stdout closed has nowhere to write: exit 2.

    The closed descriptors are taken by /dev/null, so that no file the run opens (an index, a worker's
    pipe) becomes descriptor 0, 1 or 2 and receives what was meant for them.
    """
    for fd, name, mode in ((0, "stdin", "r"), (2, "stderr", "w")):
        if getattr(sys, name) is None:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            setattr(sys, name, open(fd, mode, encoding="utf-8", errors="backslashreplace", closefd=False))  # noqa: SIM115
    if sys.stdout is None:
        try:
            sys.stderr.write(
                "newsdedup: error: stdout is closed: send the output to a file or to /dev/null\n"
            )
            sys.stderr.flush()
        except OSError:
            pass  # nowhere to say it either: the exit code says it
        raise SystemExit(2)


def _utf8_stdout() -> None:
    """Data leaves as UTF-8 whatever the locale says: a cron job's may be ASCII or Latin-1, and the first
    character outside it ended the run with a traceback. A terminal keeps its own encoding, with what
    it cannot show replaced."""
    stream = sys.stdout
    try:
        if stream.isatty():
            stream.reconfigure(errors="replace")
        elif codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(encoding="utf-8")
    except (AttributeError, LookupError, OSError, ValueError):  # a stream of another kind: left as it is
        pass
