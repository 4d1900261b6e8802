"""Helpers of bench/pages.py: the `flask` CLI, gunicorn servers, wrk runs, sign-in, memory.

Nothing here imports the forum: it is driven through its command line and over HTTP."""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH = Path(__file__).resolve().parent


def _stop(proc: subprocess.Popen, grace: float = 15, group: bool = False) -> None:
    """SIGTERM a process still running (with group=True its whole session: the import's pool
    processes), SIGKILL its session if it is still there after `grace` seconds."""
    if proc.poll() is not None:
        return
    if group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def flask(args: list[str], env: dict) -> str:
    """Run `flask --app app ARGS` in the project; its output, or an error with that output."""
    proc = subprocess.Popen([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate()
    finally:
        _stop(proc, group=True)
    if proc.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed ({proc.returncode}):\n{out[-3000:]}")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn -c bench/gunicorn_bench.py -w 2 -k sync -b 127.0.0.1:PORT APP`, stopped on exit."""

    def __init__(self, app: str, env: dict, log: Path, extra: tuple = ()):
        self.port = free_port()
        self.log = log
        self.logfile = open(log, "w")  # noqa: SIM115 - the server writes to it until stop() closes it
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(BENCH / "gunicorn_bench.py"), "-w", "2", "-k", "sync",
             "-b", f"127.0.0.1:{self.port}", *extra, app],
            cwd=ROOT, env=env, stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.proc.pid
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if get(self.port, path)[0] < 500 and len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not start:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        """The worker pids: the processes whose parent is the master."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def memory(self) -> list[tuple[int, float, float]]:
        """(pid, RSS MB, PSS MB) of each worker, from /proc/<pid>/smaps_rollup."""
        out = []
        for pid in self.workers():
            fields = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                key, value = line.split(":", 1)
                fields[key] = int(value.split()[0])
            out.append((pid, fields["Rss"] / 1024, fields["Pss"] / 1024))
        return out

    def stop(self) -> None:
        _stop(self.proc, grace=30)
        self.logfile.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, str, list[str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace"), resp.msg.get_all("Set-Cookie") or []
    finally:
        conn.close()


def _cookies(set_cookie: list[str], jar: dict) -> dict:
    for header in set_cookie:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def login(port: int, username: str, password: str) -> str:
    """Sign in through the real form; the Cookie header value of the signed-in session."""
    status, html, set_cookie = get(port, "/auth/login")
    jar = _cookies(set_cookie, {})
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    token = value.group(1) if value else ""
    body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password, "next": ""})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/auth/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 302:
            raise RuntimeError(f"sign-in as {username} answered {resp.status}, not a redirect")
        _cookies(resp.msg.get_all("Set-Cookie") or [], jar)
        location = urllib.parse.urlsplit(resp.getheader("Location") or "/")
    finally:
        conn.close()
    # Follow the redirect as a browser does: the page shows the sign-in's flash, and the session
    # it sends back no longer holds it (else every page would show it again).
    _, _, set_cookie = get(port, location.path + (f"?{location.query}" if location.query else ""),
                           {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    _cookies(set_cookie, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, headers: dict | None = None, script: Path | None = None,
        script_args: tuple = ()) -> dict:
    """`wrk -t2 -c10 -dDs --latency`; req/s, p50 and p99 in ms, non-2xx/3xx and socket errors."""
    cmd = ["wrk", "-t2", "-c10", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if script_args:
        cmd += ["--", *script_args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    latency = {int(p): float(v) * _UNITS[u]
               for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{out}")
    return {"rps": float(rps.group(1)),
            "p50": latency.get(50), "p99": latency.get(99),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0, "raw": out}


def pg_database(server_url: str, prefix: str = "sodan_bench_") -> tuple[str, Callable[[], None]]:
    """A new database <prefix><random> (UTF-8, C.UTF-8) and the function that drops it."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                             "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def engine_databases(engines: str, folder: str, pg_url: str) -> Iterator[tuple[str, str]]:
    """(engine, URL) of a fresh database for each of `engines` ("sqlite,postgresql"): a SQLite
    file in `folder`, or a throwaway PostgreSQL database on `pg_url`, dropped after its turn."""
    for engine in engines.split(","):
        if engine == "sqlite":
            yield engine, f"sqlite:///{folder}/bench.db"
            continue
        url, drop = pg_database(pg_url)
        try:
            yield engine, url
        finally:
            drop()
