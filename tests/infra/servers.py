"""Real processes for infra tests: gunicorn servers, a throwaway PostgreSQL cluster, an HTTP client."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    """Debian keeps initdb and pg_ctl out of PATH, under the server's major version."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at each redirect itself


_OPENER = urllib.request.build_opener(_NoRedirect())


class Visitor:
    """One person with one cookie jar, free to talk to any server (like one browser
    going through a load balancer to different app machines)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, base: str, path: str, data: dict | None = None) -> Reply:
        body = urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET")
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = _OPENER.open(req, timeout=20)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            response = error
        with response:
            reply = Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return reply

    def get(self, base: str, path: str) -> Reply:
        return self.request(base, path)

    def csrf_token(self, base: str, path: str) -> str:
        """Read the token from the form the page really renders, as a browser would send it."""
        page = self.get(base, path)
        assert page.status == 200, (path, page.status, page.text[:500])
        match = CSRF_INPUT.search(page.text)
        assert match, f"no csrf_token on {path}"
        return VALUE.search(match.group(0)).group(1)

    def submit(self, base: str, form_path: str, data: dict, action: str | None = None) -> Reply:
        token = self.csrf_token(base, form_path)
        return self.request(base, action or form_path, {**data, "csrf_token": token})


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Gunicorn:
    """`gunicorn --config gunicorn.conf.py app:app` on a free port, as `make serve` runs it."""

    def __init__(self, env: dict, log_dir: Path, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("RATELIMIT_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "GUNICORN_"))}
        self.env = {**clean, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_LOG_LEVEL": "warning", **env}
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

        def up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.log()}")
            return Visitor().get(self.base, "/healthz").status == 200

        wait_until(up, 30, f"gunicorn on {self.base}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _as_postgres() -> list[str]:
    # initdb refuses to run as root; as root, run the cluster as the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class ThrowawayCluster:
    """A PostgreSQL cluster of the test's own: initdb into a temporary folder, its own port,
    C.UTF-8, trust auth on 127.0.0.1. Safe to restart; removed on exit."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sodan-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run([*_as_postgres(), *args], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{self.log()}")

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run(str(PG_BIN / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.dir / "server.log"),
                  "-w", "-t", "60", "-o", options, *extra)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Like a crash and recovery: no clean shutdown, so only what was committed survives."""
        self._pg_ctl("restart", "-m", "immediate")

    def __exit__(self, *exc):
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
