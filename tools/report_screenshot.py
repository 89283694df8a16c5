"""The README's picture of the HTML report: a run's report, its largest cluster opened, in headless chromium.

    python -m tools.report_screenshot [DOCS] [--out docs/report.png] [--row 1] [--width 1200] [--height 1000]

DOCS defaults to the labelled development corpus (../shared/eval/dedup/dev/docs).
Runs the installed ``newsdedup dedup DOCS -f html``, opens the page, opens the
cluster in row ``--row`` of its list (1: the largest) and saves a PNG of the window.
The README's picture: ``python -m tools.report_screenshot --row 2``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.browser import Browser, chromium_binary

REPO = Path(__file__).resolve().parent.parent
DEV_DOCS = REPO.parent / "shared" / "eval" / "dedup" / "dev" / "docs"


def screenshot(docs: Path, out: Path, row: int, width: int, height: int) -> Path:
    command = Path(sys.executable).parent / "newsdedup"
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"
        with page.open("w", encoding="utf-8") as stream:
            subprocess.run([str(command), "dedup", str(docs), "-f", "html", "-q"], stdout=stream, check=True)
        browser = Browser(chromium_binary(), Path(scratch) / "profile", width=width, height=height)
        try:
            browser.open(page.as_uri())
            browser.wait_for("document.body.dataset.ready === 'true'")
            browser.evaluate(f"document.querySelectorAll('tr.item')[{row - 1}].click()")
            return browser.screenshot(out)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", nargs="?", type=Path, default=DEV_DOCS)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report.png")
    parser.add_argument("--row", type=int, default=1)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()
    path = screenshot(args.docs, args.out, args.row, args.width, args.height)
    print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
