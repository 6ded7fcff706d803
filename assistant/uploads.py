"""Where clients' files are kept: content-addressed, written whole or not at all.

The same file uploaded twice is stored once (its SHA-256 names the folder); a crash while writing
leaves a ``.part`` file, never a half-written upload under the final name. The client's file name
is never used as a path: only its extension, cut short, is kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredFile:
    name: str  # the client's file name, for display only
    sha256: str
    path: Path


class UploadTooLarge(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"upload over {limit_bytes} bytes")
        self.limit_bytes = limit_bytes


class UploadStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root, self.max_bytes = root, max_bytes

    def put(self, filename: str, data: bytes) -> StoredFile:
        if len(data) > self.max_bytes:
            raise UploadTooLarge(self.max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        suffix = Path(filename).suffix.lower()[:10]
        path = self.root / digest[:24] / f"original{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return StoredFile(Path(filename).name[:200], digest, path)
