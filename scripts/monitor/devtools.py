"""A headless Chromium page driven through the DevTools protocol, for the monitor page checks
(check_page.py, check_map_page.py): starts the browser on a free port with a throw-away profile,
opens a page target, collects console errors and uncaught exceptions, and cleans up on exit.

    with HeadlessPage(width=1600, height=1000, timeout=30) as page:
        page.call("Page.navigate", url=url)
        page.evaluate("document.title")
        page.screenshot("out.png")
        page.errors  # console errors and exceptions seen so far"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


class HeadlessPage:
    def __init__(self, width, height, timeout):
        self.width, self.height, self.timeout = width, height, timeout
        self.deadline = time.time() + timeout
        self.errors = []
        self._counter = 0

    def __enter__(self):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser is None:
            sys.exit("chromium is not installed (apt-get install chromium)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self._profile = tempfile.mkdtemp(prefix="whitlock-chromium-")
        self._chrome = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--window-size={self.width},{self.height}", f"--remote-debugging-port={port}",
             f"--user-data-dir={self._profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            target = None
            while target is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                        target = next(t for t in json.load(r) if t["type"] == "page")
                except Exception:
                    if time.time() > self.deadline:
                        sys.exit("chromium's DevTools endpoint did not come up")
                    time.sleep(0.2)
            self._ws = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=self.timeout)
            for domain in ("Runtime", "Log", "Page"):
                self.call(domain + ".enable")
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exception):
        try:
            self._ws.close()
        finally:
            self._stop()
        return False

    def _stop(self):
        self._chrome.terminate()
        try:
            self._chrome.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._chrome.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _note(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))

    def call(self, method, **params):
        """Sends a DevTools command and returns its result, noting events that arrive meanwhile."""
        self._counter += 1
        ident = self._counter
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == ident:
                return message.get("result", {})
            self._note(message)

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def screenshot(self, path, **options):
        """Saves a PNG screenshot of the page at `path`."""
        shot = self.call("Page.captureScreenshot", format="png", **options)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
