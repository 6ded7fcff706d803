"""OCR benchmark: flat scans vs phone photos, per engine, and the 数电票 files.

    python -m eval.ocr.bench --out eval/results/ocr-bench --engines rapidocr,ppocrv5

For each engine: the photo set (eval/ocr/photos.py, fixed seed) with field accuracy per field,
defect recall, false alarms, the QR decode rate, time per photo (mean and p95, one process) and the
pipeline against the raw engine; the flat set with the first engine; the XML/OFD files with exact
field agreement and time per file. Writes ``bench.json`` (and each run's own directory). The load
average before and after each run is recorded: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from datetime import date
from pathlib import Path

from eval.ocr.einvoices import generate_einvoices
from eval.ocr.generate import Sample
from eval.ocr.run import TODAY, compare_fields, run_evaluation
from ocr.engine import EngineConfig
from ocr.pipeline import VerifyOptions, verify_document

TARGETS = {"photo_field_accuracy": 0.97, "photo_false_alarm_rate": 0.05, "defect_recall": 1.0,
           "qr_decode_rate": 0.95, "photo_p95_s": 2.5, "time_ratio": 1.25, "einvoice_ms": 100}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _evaluate(count: int, seed: int, out: Path, config: EngineConfig, workers: int, **kwargs) -> dict:
    """One evaluation in a fresh process: forking a batch pool from a process whose onnxruntime
    threads already ran (the previous engine's timing) can deadlock the workers. The run writes
    its own summary.json, which is read back here."""
    (out / "summary.json").unlink(missing_ok=True)
    process = multiprocessing.get_context("spawn").Process(
        target=run_evaluation, args=(count, seed, out, config, workers), kwargs=kwargs)
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"the evaluation of {config.name} failed (exit {process.exitcode})")
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def einvoice_bench(count: int, seed: int, today: date) -> dict:
    """Every field of every XML/OFD file against the truth, and the time each takes."""
    options = VerifyOptions(today=today)
    times, wrong, compared, verdicts = [], [], 0, {}
    for name, data, truth in generate_einvoices(count, seed, today):
        started = time.perf_counter()
        result = verify_document(data, None, options, name=name)  # no engine: nothing is OCR'd
        times.append(1000 * (time.perf_counter() - started))
        sample = Sample(name, "invoice", truth["fields"], [], data)
        for field, ok in compare_fields(sample, result.to_json()["fields"]).items():
            compared += 1
            if not ok:
                wrong.append({"file": name, "field": field})
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    return {"files": count, "fields_compared": compared, "fields_wrong": wrong,
            "field_accuracy": round(1 - len(wrong) / max(compared, 1), 4),
            "ms_mean": round(statistics.mean(times), 2), "ms_max": round(max(times), 2), "verdicts": verdicts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("eval/results/ocr-bench"))
    parser.add_argument("--engines", default="rapidocr,ppocrv5", help="comma separated (see ocr.engine.ENGINES)")
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--flat", type=int, default=60, help="0 skips the flat set")
    parser.add_argument("--timed", type=int, default=20, help="photos timed one by one for mean/p95")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    report: dict = {"cores": os.cpu_count(), "engines": {}, "targets": TARGETS}
    for name in [n.strip() for n in args.engines.split(",") if n.strip()]:
        before = _load()
        run = _evaluate(args.photos, 11, args.out / f"photo-{name}", EngineConfig(name=name), args.workers,
                        photos=True, timed=args.timed)
        report["engines"][name] = {"photo": {"summary": run["summary"], "per_field_accuracy": run["per_field_accuracy"],
                                             "load_before": before, "load_after": _load()}}
        print(name, json.dumps(run["summary"], ensure_ascii=False), flush=True)
        _write(args.out, report)  # after each engine: a long run interrupted keeps what it measured
    first = next(iter(report["engines"]), None)
    if args.flat and first:
        before = _load()
        run = _evaluate(args.flat, 7, args.out / f"flat-{first}", EngineConfig(name=first), args.workers,
                        timed=min(args.timed, 16))
        report["engines"][first]["flat"] = {"summary": run["summary"], "per_field_accuracy": run["per_field_accuracy"],
                                            "load_before": before, "load_after": _load()}
        print("flat", json.dumps(run["summary"], ensure_ascii=False), flush=True)
    report["einvoice"] = einvoice_bench(20, 5, TODAY)
    print("einvoice", json.dumps(report["einvoice"], ensure_ascii=False), flush=True)
    _write(args.out, report)
    print(f"written: {args.out / 'bench.json'}")


def _write(out: Path, report: dict) -> None:
    # One row per field, one column per set and engine: what the issue asks to compare.
    table: dict[str, dict[str, float]] = {}
    for engine, runs in report["engines"].items():
        for set_name, run in runs.items():
            for field, accuracy in run["per_field_accuracy"].items():
                table.setdefault(field, {})[f"{set_name}/{engine}"] = accuracy
    report["per_field_accuracy"] = dict(sorted(table.items()))
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
