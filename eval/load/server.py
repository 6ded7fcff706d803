"""Start and stop the real service on loopback for load and fault programs.

``pg_database()`` creates a throw-away PostgreSQL database (never the shared ``test`` database) and
drops it afterwards; ``Service`` runs ``sme-assistant serve --workers N`` in its own process group
with its own data dir, and is always stopped, whatever happens in between.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_HOST, PG_USER = "127.0.0.1", "postgres"


def pg_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:5432/{name}"


@contextmanager
def pg_database(prefix: str = "sme_load") -> Iterator[str]:
    """A fresh database on the local server, dropped at the end; yields its SQLAlchemy URL."""
    name = f"{prefix}_{os.getpid()}_{int(time.time())}"
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True, timeout=30)
    try:
        yield pg_url(name)
    finally:
        # WITH (FORCE) ends sessions a killed worker may have left behind.
        subprocess.run(["psql", "-h", PG_HOST, "-U", PG_USER, "-d", "postgres", "-qc",
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], timeout=60, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_data_dir(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """Environment for a service on ``data_dir``: the demo knowledge base ingested, a fixed secret."""
    env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(data_dir), "SME_SECRET_KEY": "load-test-secret-" + "x" * 32,
           "SME_LLM_BACKEND": "extractive", "PYTHONUNBUFFERED": "1",
           # Every load client comes from 127.0.0.1: the per-address and per-session rate limits would
           # measure the limiter, not the service (tests/security checks the limits themselves).
           "SME_RATE_CHAT_PER_MIN_ADDRESS": "1000000", "SME_RATE_UPLOAD_PER_MIN_ADDRESS": "1000000",
           "SME_RATE_CHAT_PER_MIN_SESSION": "1000000", "SME_RATE_STAFF_PER_MIN_ADDRESS": "1000000"}
    env.pop("SME_CONFIG_FILE", None)
    if database_url:
        env["SME_DATABASE_URL"] = database_url
    else:
        env.pop("SME_DATABASE_URL", None)
    if not (data_dir / "kb" / "demo").exists():
        subprocess.run([str(BIN / "sme-assistant"), "kb", "ingest", str(ROOT / "knowledge_base/demo/handbook"),
                        "--kb", "demo", "--synonyms", str(ROOT / "knowledge_base/demo/synonyms.yaml")],
                       env=env, check=True, timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=ROOT)
    return env


class Service:
    """``sme-assistant serve --no-widget --workers N`` on a free loopback port."""

    def __init__(self, data_dir: Path, database_url: str | None, workers: int = 1,
                 extra_env: dict[str, str] | None = None) -> None:
        self.data_dir, self.database_url, self.workers = data_dir, database_url, workers
        self.env = {**prepare_data_dir(data_dir, database_url), **(extra_env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    def start(self, ready_timeout_s: float = 120) -> Service:
        log = open(self.log_path, "ab")  # noqa: SIM115  (kept open for the child's lifetime)
        self.proc = subprocess.Popen(
            [str(BIN / "sme-assistant"), "serve", "--no-widget", "--port", str(self.port),
             "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready(ready_timeout_s)
        return self

    def wait_ready(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"serve not ready in {timeout_s:.0f}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children of the serve process) — the ones a fault test kills."""
        if self.proc is None:
            return []
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
