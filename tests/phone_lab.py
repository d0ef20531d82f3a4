"""The phone bridge as a real process on a free loopback port, for the bridge's and the real
phone system's tests (issue 25)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "lab-token-for-tests-7f3a"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nothing listens on now (TCP, or UDP with SOCK_DGRAM), on 127.0.0.1."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_port(
    port: int, seconds: float = 90.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


class BridgeProcess:
    """`deskui --db URL phone serve --port N` with DESKUI_PHONE_TOKEN, logging to a file."""

    def __init__(
        self, url: str, folder: Path, *, token: str | None = TOKEN, port: int | None = None
    ) -> None:
        self.url = url
        self.folder = folder
        self.token = token
        self.port = port or free_port()
        self.log = folder / f"bridge-{self.port}.log"
        self.journal = folder / "journal.jsonl"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, wait: bool = True) -> BridgeProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DESKUI_DATA_DIR": str(self.folder)}
        env.pop("DESKUI_PHONE_TOKEN", None)
        if self.token is not None:
            env["DESKUI_PHONE_TOKEN"] = self.token
        argv = [sys.executable, "-m", "deskui", "--db", self.url, "phone", "serve"]
        argv += ["--port", str(self.port), "--journal", str(self.journal)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(argv, env=env, stdout=out, stderr=out, cwd=self.folder)
        if wait:
            wait_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    @property
    def cti_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1/cti/{self.token}"

    def post(
        self, fields: dict[str, object] | bytes, *, form: bool = False, token: str | None = None
    ) -> tuple[int, dict[str, object]]:
        return post(
            f"http://127.0.0.1:{self.port}/api/v1/cti/{token if token is not None else self.token}",
            fields,
            form=form,
        )


def post(
    url: str, fields: dict[str, object] | bytes, *, form: bool = False
) -> tuple[int, dict[str, object]]:
    """POST as a PBX does: JSON, a form (`user[]` repeated), or raw bytes; (status, reply)."""
    if isinstance(fields, bytes):
        body, kind = fields, "application/json"
    elif form:
        pairs: list[tuple[str, object]] = []
        for key, value in fields.items():
            if key == "user" and isinstance(value, list):
                pairs += [("user[]", v) for v in value]
            else:
                pairs.append((key, value))
        body, kind = urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    else:
        body, kind = json.dumps(fields).encode(), "application/json"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": kind}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
