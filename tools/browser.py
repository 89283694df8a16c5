"""A real headless chromium, driven over the Chrome DevTools Protocol (for the report's test and screenshot).

``scripts/install-chromium`` finds Debian's chromium or installs it (root);
``NEWSDEDUP_TEST_CHROMIUM=/path/to/chrome`` names another binary. The browser
runs with networking off (no component updates, no sync, no QUIC), in a fresh
profile, and is stopped by its own process id when closed.
"""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import time
import urllib.request
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "install-chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",  # as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


class NoBrowser(RuntimeError):
    """No chromium could be found or installed."""


def chromium_binary() -> str:
    """The path of a chromium binary, installed first when there is none (see scripts/install-chromium)."""
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=900, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NoBrowser(f"{SCRIPT.name} did not run: {error}") from error
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise NoBrowser(lines[-1] if lines else "install-chromium failed")
    return result.stdout.strip().splitlines()[-1]


class Browser:
    """One chromium process and one page of it."""

    def __init__(self, binary: str, profile: Path, width: int = 1280, height: int = 900):
        import websocket

        profile.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = self._port(profile / "DevToolsActivePort")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
                target = next(t for t in json.load(answer) if t["type"] == "page")
            self.socket = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise
        self.events: list[dict] = []
        self._ids = itertools.count(1)
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _port(self, active_port: Path, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.process.returncode}")
            if active_port.is_file() and active_port.read_text().strip():
                return int(active_port.read_text().splitlines()[0])
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port")

    def call(self, method: str, **params) -> dict:
        """Send one DevTools command and wait for its answer (events that arrive meanwhile are kept)."""
        number = next(self._ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def open(self, url: str, timeout: float = 60.0) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", timeout)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout:g} s: {expression}")
            time.sleep(0.05)

    def type(self, selector: str, text: str) -> None:
        """Focus an input and type into it as a keyboard would (input events and all)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))
        return path

    def requested(self) -> list[str]:
        """Every address the page asked for since it was opened."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def console_errors(self) -> list[str]:
        return [
            " ".join(str(arg.get("value", arg.get("description", ""))) for arg in e["params"]["args"])
            for e in self.events
            if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning")
        ] + [
            e["params"]["exceptionDetails"].get("text", "")
            for e in self.events
            if e.get("method") == "Runtime.exceptionThrown"
        ]

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
