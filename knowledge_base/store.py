"""Where knowledge bases live on disk, and how a new version replaces the old one safely.

Layout under the data dir::

    kb/<name>/CURRENT              one line: the name of the live version directory
    kb/<name>/v-<stamp>-<id>/      manifest.json, chunks.jsonl, tokens.jsonl, bm25/, dense.faiss,
                                   glossary.yaml

A version is written completely in a ``.building-*`` directory, renamed, and only then is
CURRENT replaced with ``os.replace`` (atomic on POSIX). A crash at any point leaves the previous
version live; leftovers are removed by the next ingest.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path

from knowledge_base.errors import KnowledgeBaseError, UnknownKnowledgeBase

_NAME_RE = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}$")


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise KnowledgeBaseError(
            f"知识库名称无效：{name!r}（只可使用字母、数字、-、_ 或中文，最长 64 字）(invalid --kb name)"
        )
    return name


class KnowledgeBaseStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "CURRENT").is_file())

    def current_dir(self, name: str) -> Path:
        pointer = self.root / check_name(name) / "CURRENT"
        if not pointer.is_file():
            known = ", ".join(self.names()) or "（无）"
            raise UnknownKnowledgeBase(
                f"知识库 {name!r} 不存在；已有：{known}。请先运行 sme-assistant kb ingest PATH --kb {name}"
            )
        version = self.root / name / pointer.read_text(encoding="utf-8").strip()
        if not (version / "manifest.json").is_file():
            raise KnowledgeBaseError(f"知识库 {name!r} 的当前版本已损坏：{version}（请重新导入）")
        return version

    def exists(self, name: str) -> bool:
        return (self.root / check_name(name) / "CURRENT").is_file()

    def manifest(self, name: str) -> dict:
        return json.loads((self.current_dir(name) / "manifest.json").read_text(encoding="utf-8"))

    def new_build_dir(self, name: str) -> Path:
        base = self.root / check_name(name)
        base.mkdir(parents=True, exist_ok=True)
        build = base / f".building-{uuid.uuid4().hex[:8]}"
        build.mkdir()
        return build

    def publish(self, name: str, build_dir: Path) -> Path:
        """Make a finished build the live version, atomically, then drop older versions."""
        base = self.root / name
        _fsync_tree(build_dir)
        final = base / f"v-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.rename(build_dir, final)
        tmp_pointer = base / f".CURRENT.{uuid.uuid4().hex[:6]}"
        with open(tmp_pointer, "w", encoding="utf-8") as fh:
            fh.write(final.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_pointer, base / "CURRENT")
        _fsync_dir(base)
        self._collect_garbage(name, keep=final.name)
        return final

    def remove(self, name: str) -> None:
        self.current_dir(name)  # raises a clear error when it does not exist
        shutil.rmtree(self.root / name)

    def _collect_garbage(self, name: str, keep: str) -> None:
        for path in (self.root / name).iterdir():
            if path.is_dir() and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(".CURRENT."):
                path.unlink(missing_ok=True)

    def discard(self, build_dir: Path) -> None:
        shutil.rmtree(build_dir, ignore_errors=True)


def _fsync_tree(path: Path) -> None:
    for file in path.rglob("*"):
        if file.is_file():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
