"""The service under attack: the real server (widget included) on a free loopback port, with a
WeChat token and AES key, two agents and a supervisor, and the rate limits at their defaults
except the per-address chat limit (every attack comes from 127.0.0.1).

Commands run as ``python -m ui.cli`` from this interpreter, so the program needs no installed
console script."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from eval.load.server import ROOT, Service, free_port

TOKEN, APPID = "attack-wx-token", "wx0000000000attack"
AES_KEY = base64.b64encode(bytes(range(7, 39))).decode()[:-1]
STAFF = {"alice": ("agent", "Alice-Attack-7301"), "bob": ("agent", "Bob-Attack-8402"),
         "sue": ("supervisor", "Sue-Attack-9503")}
CLI = [sys.executable, "-m", "ui.cli"]


class AttackedService(Service):
    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.database_url, self.workers = data_dir, None, 1
        data_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "SME_ASSISTANT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
                    "SME_SECRET_KEY": "attack-secret-" + "y" * 32, "SME_LLM_BACKEND": "extractive",
                    "SME_WECHAT_TOKEN": TOKEN, "SME_WECHAT_AES_KEY": AES_KEY, "SME_WECHAT_APPID": APPID,
                    "SME_RATE_CHAT_PER_MIN_ADDRESS": "2000", "SME_RATE_STAFF_PER_MIN_ADDRESS": "2000"}
        for name in ("SME_CONFIG_FILE", "SME_DATABASE_URL"):
            self.env.pop(name, None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    def start(self, ready_timeout_s: float = 180) -> Service:
        subprocess.run([*CLI, "kb", "ingest", str(ROOT / "knowledge_base/demo/handbook"), "--kb", "demo",
                        "--synonyms", str(ROOT / "knowledge_base/demo/synonyms.yaml")], env=self.env, cwd=ROOT,
                       check=True, timeout=300, capture_output=True)
        for name, (role, password) in STAFF.items():
            subprocess.run([*CLI, "staff", "add", name, "--role", role, "--password-stdin"], input=password + "\n",
                           text=True, env=self.env, cwd=ROOT, check=True, timeout=120, capture_output=True)
        log = open(self.log_path, "ab")  # noqa: SIM115  (kept open for the child's lifetime)
        self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port)], env=self.env, cwd=ROOT, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready(ready_timeout_s)
        return self


def attacked_service(work: Path) -> AttackedService:
    return AttackedService(work / "data")
