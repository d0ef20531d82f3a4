"""The phone bridge as a real process on a free loopback port, for the bridge's and the real
phone system's tests (issue 25)."""

from __future__ import annotations

import contextlib
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


def free_media_ports() -> int:
    """The first of four UDP ports free on 127.0.0.1: SIPp binds its media port and the three
    after it (audio RTP and RTCP, video RTP and RTCP; a CI run failed with 'Unable to bind
    video RTP socket' when only the first was checked, SIPp exiting 254)."""
    for _ in range(100):
        base = free_port(socket.SOCK_DGRAM)
        if base % 2 or base > 65530:
            continue
        held: list[socket.socket] = []
        try:
            for port in range(base + 1, base + 4):
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(probe)
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in held:
                probe.close()
        return base
    raise RuntimeError("no four free UDP ports in a row on 127.0.0.1")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nothing listens on now on 127.0.0.1, for TCP and for UDP alike (a SIP
    program binds both on its port)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as check:
                check.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise AssertionError("no port free for both TCP and UDP")


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


# -- a real phone system on loopback (../shared/telephony's recipe, ports per test) ----------

SIP_FILES = Path(__file__).resolve().parent / "phone_sip"
PROGRAMS = ("sipp", "kamailio", "baresip")
REQUIRE_ENV = "DESKUI_REQUIRE_PHONE"


def missing_programs(names: tuple[str, ...] = PROGRAMS) -> list[str]:
    import shutil

    return [name for name in names if shutil.which(name) is None]


def require_programs(names: tuple[str, ...] = PROGRAMS) -> None:
    """Skip when a program is missing, unless DESKUI_REQUIRE_PHONE=1 (CI installs them):
    then the test fails."""
    import pytest

    missing = missing_programs(names)
    if not missing:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but not installed: {', '.join(missing)}")
    pytest.skip(f"not installed: {', '.join(missing)} (Debian: sip-tester kamailio baresip-core)")


def _stop(process: subprocess.Popen[bytes] | None, seconds: float = 5.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(predicate: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


class Softphone:
    """The agent's baresip, driven through ctrl_tcp: netstrings `<len>:<json>,`; its events
    are kept; an incoming call is accepted when `answering` is set."""

    def __init__(self, port: int, *, answering: bool) -> None:
        import threading

        self.port = port
        self.answering = answering
        self.events: list[dict[str, object]] = []
        self._socket = socket.create_connection(("127.0.0.1", port), timeout=60)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def send(self, command: str) -> None:
        data = json.dumps({"command": command, "token": command}).encode()
        with self._lock:
            self._socket.sendall(str(len(data)).encode() + b":" + data + b",")

    def hangup(self) -> None:
        self.send("hangup")

    def types(self) -> list[str]:
        return [str(e.get("type")) for e in list(self.events) if e.get("event")]

    def wait_for(self, kind: str, count: int = 1, seconds: float = 30.0) -> None:
        _wait_for(lambda: self.types().count(kind) >= count, seconds, f"baresip {kind}")

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._socket.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b":" in buffer:
                size, rest = buffer.split(b":", 1)
                if len(rest) < int(size) + 1:
                    break
                message, buffer = rest[: int(size)], rest[int(size) + 1 :]
                event = json.loads(message)
                self.events.append(event)
                if self.answering and event.get("event") and event.get("type") == "CALL_INCOMING":
                    self.send("accept")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.close()


class PhoneSystem:
    """Kamailio routing every call to one agent's baresip (extension `ext`) and posting
    Zammad-shaped events to `cti_url`; SIPp places the calls. All on free loopback ports."""

    def __init__(self, folder: Path, cti_url: str, ext: str = "8001") -> None:
        self.folder = folder
        self.cti_url = cti_url
        self.ext = ext
        self.sip_port = free_port(socket.SOCK_DGRAM)
        self.ua_port = free_port(socket.SOCK_DGRAM)
        self.ctrl_port = free_port()
        self.kamailio: subprocess.Popen[bytes] | None = None
        self.baresip: subprocess.Popen[bytes] | None = None
        self.phone: Softphone | None = None
        self.calls: list[subprocess.Popen[bytes]] = []

    def start(self, *, answering: bool) -> PhoneSystem:
        self._kamailio()
        self._baresip()
        self.phone = Softphone(self.ctrl_port, answering=answering)
        return self

    def _kamailio(self) -> None:
        text = (SIP_FILES / "kamailio.cfg").read_text(encoding="utf-8")
        text = text.replace("http://127.0.0.1:8099/api/v1/cti/lab-token", self.cti_url)
        text = text.replace('"8001"', f'"{self.ext}"')
        text = text.replace("127.0.0.1:5060", f"127.0.0.1:{self.sip_port}")
        text = text.replace("127.0.0.1:5070", f"127.0.0.1:{self.ua_port}")
        text = text.replace("/tmp/sip-lab/kamailio_ctl", str(self.folder / "kamailio_ctl"))
        config = self.folder / "kamailio.cfg"
        config.write_text(text, encoding="utf-8")
        log = self.folder / "kamailio.log"
        argv = ["kamailio", "-f", str(config), "-P", str(self.folder / "kamailio.pid")]
        argv += ["-DD", "-E", "-Y", str(self.folder)]
        with log.open("ab") as out:
            self.kamailio = subprocess.Popen(argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        _wait_for(
            lambda: (
                "io_listen_loop" in log.read_text(errors="replace")
                or (self.kamailio is not None and self.kamailio.poll() is not None)
            ),
            30,
            "kamailio start",
        )
        assert self.kamailio.poll() is None, log.read_text(errors="replace")[-2000:]

    def _baresip(self) -> None:
        import wave

        home = self.folder / "baresip"
        home.mkdir(exist_ok=True)
        silence = self.folder / "silence8k.wav"
        with wave.open(str(silence), "wb") as sound:  # aufile needs 8 kHz (ausine: 48 only)
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(8000)
            # longer than any call a test holds: baresip ends a call when its source runs
            # out, and a call ended on its own while a test restarts the bridge posts its
            # hangup to nobody (Kamailio drops it), which is not what the test is about
            sound.writeframes(b"\0\0" * 8000 * 120)
        rtp = 20000 + (self.ua_port % 20000)
        (home / "config").write_text(
            "poll_method\t\tepoll\n"
            f"sip_listen\t\t127.0.0.1:{self.ua_port}\n"
            "sip_trans_def\t\tudp\n"
            f"audio_player\t\taufile,{self.folder / 'heard.wav'}\n"
            f"audio_source\t\taufile,{silence}\n"
            "audio_alert\t\taufile,/dev/null\n"
            "module_path\t\t/usr/lib/baresip/modules\n"
            "module\t\t\tg711.so\nmodule\t\t\taufile.so\n"
            "module_app\t\taccount.so\nmodule_app\t\tmenu.so\nmodule_app\t\tctrl_tcp.so\n"
            f"ctrl_tcp_listen\t\t127.0.0.1:{self.ctrl_port}\n"
            f"rtp_ports\t\t{rtp}-{rtp + 40}\n",
            encoding="utf-8",
        )
        (home / "accounts").write_text(
            f"<sip:agent1@127.0.0.1:{self.ua_port}>;regint=0;answermode=manual\n", encoding="utf-8"
        )
        with (self.folder / "baresip.log").open("ab") as out:
            self.baresip = subprocess.Popen(
                ["baresip", "-f", str(home)], stdout=out, stderr=out, stdin=subprocess.DEVNULL
            )
        wait_port(self.ctrl_port, 30, self.baresip)

    def call(self, scenario: str, caller: str | None = None) -> subprocess.Popen[bytes]:
        """Start one SIPp call (uac_answer.xml, uac_answer_wait.xml, uac_cancel.xml)."""
        n = len(self.calls)
        argv = ["sipp", "-sf", str(SIP_FILES / scenario), "-s", "95000"]
        argv += [f"127.0.0.1:{self.sip_port}", "-m", "1", "-nostdin", "-i", "127.0.0.1"]
        argv += ["-p", str(free_port(socket.SOCK_DGRAM)), "-mp", str(free_media_ports())]
        argv += ["-timeout", "180s"]
        if caller is not None:
            callers = self.folder / f"callers-{n}.csv"
            callers.write_text(f"SEQUENTIAL\n{caller};\n", encoding="utf-8")
            argv += ["-inf", str(callers)]
        with (self.folder / f"sipp-{n}.log").open("ab") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL, cwd=self.folder
            )
        self.calls.append(process)
        return process

    def stop(self) -> None:
        for process in self.calls:
            _stop(process)
        if self.phone is not None:
            self.phone.close()
        _stop(self.baresip)
        _stop(self.kamailio)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own on a free port (initdb, pg_ctl), never the
    suite's shared server: a test may stop and start it. As root, it runs as `postgres`."""

    def __init__(self) -> None:
        import tempfile

        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="deskui-pg-"))
        self.data = self.home / "data"

    @staticmethod
    def binary(name: str) -> str | None:
        import glob
        import shutil

        found = shutil.which(name)
        if found:
            return found
        candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
        return candidates[-1] if candidates else None

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> PostgresCluster:
        initdb = self.binary("initdb")
        assert initdb is not None
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.home, "postgres", "postgres")
        self._run(initdb, "-D", str(self.data), "-U", "deskui", "--auth=trust", "-E", "UTF8")
        return self.start()

    def start(self) -> PostgresCluster:
        pg_ctl = self.binary("pg_ctl")
        assert pg_ctl is not None
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.home / "log"), "-w", "start"
        )
        return self

    def stop(self) -> None:
        pg_ctl = self.binary("pg_ctl")
        assert pg_ctl is not None
        self._run(pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        import shutil

        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://deskui@127.0.0.1:{self.port}/postgres"
