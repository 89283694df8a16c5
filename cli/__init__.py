"""newsdedup command line: argument parsing, I/O and rendering over the ``core`` library."""


def main() -> None:
    """Console-script entry point: a Ctrl-C while the command is still loading ends it as quietly as
    one later does (exit 130, no traceback)."""
    try:
        from .app import main as run
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    run()
