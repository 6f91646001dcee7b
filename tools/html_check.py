"""Open guardlint's HTML report in headless Chromium and check it against the JSON report.

    python tools/html_check.py REPORT.html REPORT.json

A small client of the Chrome DevTools Protocol over `--remote-debugging-pipe` (no websocket
library needed): it loads the page, records every console message, uncaught exception, log
entry (a Content-Security-Policy violation is one) and network request, reads the counts from
the DOM after the page's script ran, and picks a filter as a user would. Exit 1 with the
problems listed, 0 when there are none.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
TIMEOUT = 60.0
CONSOLE_PROBLEMS = ("error", "warning", "assert")
# The DOM as the page's script left it: the numbers a reader sees.
READ_PAGE = """(() => {
  const text = (selector) => document.querySelector(selector)?.textContent ?? null;
  const count = (key) => Number(text(`#count-${key} .count`));
  const rows = [...document.querySelectorAll("#findings-body tr.finding")];
  return {
    ready: document.body.dataset.ready === "true",
    findings: count("findings"),
    suppressed: count("suppressed"),
    severity: Object.fromEntries(
      [...document.querySelectorAll("#summary li[data-severity]")].map(
        (li) => [li.dataset.severity, Number(li.querySelector(".count").textContent)])),
    rows: rows.length,
    rowSeverities: [...new Set(rows.map((row) => row.dataset.severity))],
    severityBars: Object.fromEntries(
      [...document.querySelectorAll("#chart-severity rect")].map(
        (bar) => [bar.dataset.key, Number(bar.dataset.count)])),
    shown: text("#shown"),
    fragment: location.hash,
  };
})()"""


def _above_four(descriptor: int) -> int:
    moved = fcntl.fcntl(descriptor, fcntl.F_DUPFD, 10)
    os.close(descriptor)
    return moved


def find_browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


class Browser:
    """One headless Chromium, driven over its DevTools pipe (fd 3 in, fd 4 out)."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="guardlint-chromium-")
        command_read, self._commands = os.pipe()
        self._replies, reply_write = os.pipe()
        # Above 4, so that neither end is overwritten while the shell moves them to 3 and 4.
        command_read, reply_write = (_above_four(fd) for fd in (command_read, reply_write))
        arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking",
            "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "about:blank",
        ]  # fmt: skip
        # bash puts the pipe's ends where Chromium expects them: 3 to read, 4 to write (sh
        # takes only one-digit descriptors).
        self._process = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{command_read} 4>&{reply_write}', "bash", *arguments],
            pass_fds=(command_read, reply_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(command_read)
        os.close(reply_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        self._process.kill()
        self._process.wait()
        os.close(self._commands)
        os.close(self._replies)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self._commands, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            message = self._message(deadline)
            if message.get("method") == method:
                return message
            self.events.append(message)

    def open(self, url: str) -> str:
        """A new tab on `url` with console, log and network recorded; its session ID."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session)
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired")
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")


def page_problems(events: list[dict[str, Any]], page_url: str) -> list[str]:
    """Console errors and warnings, uncaught exceptions, log errors, and any request for
    something other than the page itself."""
    problems = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in CONSOLE_PROBLEMS:
            texts = [str(arg.get("value", arg.get("description"))) for arg in params["args"]]
            problems.append(f"console {params['type']}: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"uncaught exception: {params['exceptionDetails']}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.split("#")[0] != page_url and not url.startswith("data:"):
                problems.append(f"the page loaded {url}")
    return problems


def check_report(html_path: Path, json_report: dict[str, Any], browser: str) -> list[str]:
    """What differs between the HTML report as Chromium shows it and the JSON report."""
    summary = json_report["summary"]
    url = html_path.resolve().as_uri()
    problems: list[str] = []
    with Browser(browser) as chromium:
        session = chromium.open(url)
        page = chromium.evaluate(session, READ_PAGE)
        if not page["ready"]:
            problems.append("the page's script did not finish")
        expected = {"findings": summary["findings"], "suppressed": summary["suppressed"],
                    "rows": summary["findings"], "severity": summary["by_severity"],
                    "severityBars": summary["by_severity"]}  # fmt: skip
        for key, value in expected.items():
            if page[key] != value:
                problems.append(f"{key}: the page shows {page[key]}, the JSON report {value}")
        # A filter, picked as a user would: the table and the chart follow it.
        severity = max(summary["by_severity"], key=summary["by_severity"].get)
        chromium.evaluate(
            session,
            "(() => { const s = document.getElementById('filter-severity');"
            f" s.value = {json.dumps(severity)}; s.dispatchEvent(new Event('change')); }})()",
        )
        filtered = chromium.evaluate(session, READ_PAGE)
        wanted = summary["by_severity"][severity]
        if filtered["rows"] != wanted or filtered["rowSeverities"] not in ([severity], []):
            problems.append(f"severity filter {severity}: {filtered['rows']} rows, not {wanted}")
        if filtered["fragment"] != f"#severity={severity}":
            problems.append(f"severity filter: the address's fragment is {filtered['fragment']}")
        problems += page_problems(chromium.events, url)
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    browser = find_browser()
    if browser is None:
        print("html_check: no Chromium found", file=sys.stderr)
        return 2
    report = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    problems = check_report(Path(argv[0]), report, browser)
    for problem in problems:
        print(f"{argv[0]}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{argv[0]}: {report['summary']['findings']} findings shown, filters work")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
