"""The uploads disk fills up: uploads get a clear 507, chat goes on, and no stored document is damaged.

The service's uploads dir is a 2 MB tmpfs (root needed; unmounted at the end), mostly taken by a
filler file. Clients upload distinct images until the disk refuses; chat must keep answering while
it is full; after the filler is removed uploads work again. Passes when every refusal is a 507
with a message, every acknowledged upload has its document row and an intact file (its sha256),
and the accounting finds everything.
"""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select

from assistant.store.db import make_engine
from assistant.store.models import Document
from eval.faults.common import Chat, error_statuses, write_result
from eval.load.accounting import account
from eval.load.server import Service, scratch_dir


def _noise_png(seed: int) -> bytes:
    """Noise does not compress: each image takes its full ~70 KB on the small disk."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (160, 150), bytes(rng.getrandbits(8) for _ in range(160 * 150 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def run(attempts: int = 30) -> dict[str, Any]:
    ledger: list[dict[str, Any]] = []
    statuses: list[int | None] = []
    chat_while_full = None
    with scratch_dir("sme-fault-disk-") as work:
        uploads = work / "uploads"
        uploads.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(uploads)], check=True, timeout=30)
        try:
            filler = uploads / "filler.bin"
            filler.write_bytes(b"\0" * 1_500_000)
            with Service(work, None, workers=1) as service:
                chat = Chat(service.url, ledger, kind="upload")
                chat.begin()
                for seed in range(attempts):
                    response = chat.say("", upload=(f"scan{seed}.png", _noise_png(seed)))
                    statuses.append(response.status_code if response is not None else None)
                    if statuses[-3:] == [507, 507, 507]:
                        break
                full_message = chat.record["errors"][-1]["error"] if chat.record["errors"] else ""
                reply = chat.say("科技贷最多能贷多少？")
                chat_while_full = reply is not None and reply.status_code == 200
                filler.unlink()
                after = chat.say("", upload=("after.png", _noise_png(999)))
                statuses.append(after.status_code if after is not None else None)
            database = f"sqlite:///{(work / 'assistant.db').resolve()}"
            accounting = account(ledger, database)
            damaged = _damaged_files(database)
        finally:
            subprocess.run(["umount", "-l", str(uploads)], timeout=30, check=False)
    refused = [s for s in statuses if s != 200]
    passed = (507 in statuses and all(s == 507 for s in refused) and statuses[-1] == 200 and bool(chat_while_full)
              and not damaged and accounting["complete"] and "存储空间不足" in full_message)
    return write_result("disk_full", {"passed": passed, "upload_statuses": statuses, "full_message": full_message,
                                      "chat_while_full": chat_while_full, "damaged_files": damaged,
                                      "client_errors": error_statuses(ledger), "accounting": accounting})


def _damaged_files(database: str) -> list[str]:
    engine = make_engine(database)
    try:
        with engine.connect() as db:
            rows = db.execute(select(Document.path, Document.sha256)).all()
    finally:
        engine.dispose()
    return [path for path, digest in rows
            if not Path(path).is_file() or hashlib.sha256(Path(path).read_bytes()).hexdigest() != digest]


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
