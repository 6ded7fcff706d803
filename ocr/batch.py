"""Verifying many files: one engine per worker process, results in input order.

A file that cannot be read yields its error and the batch goes on; OCR is CPU-bound, so a pool of
processes (not threads) is what puts both cores to work.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ocr.engine import EngineConfig, OcrEngine, build_engine, check_engine_config
from ocr.errors import DocumentRejected
from ocr.pipeline import VerificationResult, VerifyOptions, verify_document

_worker_engine: OcrEngine | None = None


@dataclass(frozen=True)
class BatchItem:
    path: Path
    result: VerificationResult | None
    error: str | None


def _init_worker(config: EngineConfig) -> None:
    global _worker_engine
    _worker_engine = build_engine(config)


def _verify_one(path: Path, options: VerifyOptions) -> BatchItem:
    assert _worker_engine is not None
    try:
        return BatchItem(path, verify_document(path, _worker_engine, options), None)
    except DocumentRejected as exc:
        return BatchItem(path, None, str(exc))


def verify_batch(
    paths: list[Path], config: EngineConfig, options: VerifyOptions, workers: int = 2
) -> Iterator[BatchItem]:
    check_engine_config(config)  # a bad setting is one clear error, not a broken worker pool
    workers = max(1, min(workers, len(paths)))
    if workers == 1:
        _init_worker(config)
        for path in paths:
            yield _verify_one(path, options)
        return
    # One onnxruntime thread per process: two processes on two cores beat one process with two
    # threads, and oversubscription would make both slower.
    config = replace(config, threads=1)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(config,)) as pool:
        yield from pool.map(_verify_one, paths, [options] * len(paths))
