"""The report's plots (matplotlib, PNG): latency distributions, OCR per field, routing confusion, throughput."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt

PERCENTILES = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 100]


def plots(data: dict[str, Any], folder: Path) -> dict[str, str]:
    """Draw what the data allows; returns {name: path relative to the report}."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, str] = {}
    for name, draw in (("latency", _latency), ("ocr_fields", _ocr_fields), ("routing_confusion", _confusion),
                       ("throughput", _throughput)):
        figure = draw(data)
        if figure is not None:
            figure.savefig(folder / f"{name}.png", dpi=110, bbox_inches="tight")
            plt.close(figure)
            drawn[name] = f"{folder.name}/{name}.png"
    return drawn


def _latency(data: dict[str, Any]) -> Any:
    timings = (data.get("turns") or {}).get("timings_ms")
    runs = {**((data.get("load") or {}).get("runs") or {})}
    if (data.get("load") or {}).get("full_run"):
        runs["full run"] = data["load"]["full_run"]
    if not timings and not runs:
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    if timings:
        left.hist(timings, bins=40, color="#4c72b0")
        left.set(title="Dialogue turn latency (in process, no LLM)", xlabel="ms", ylabel="turns")
    for run_name, run in runs.items():
        for endpoint, stats in (run.get("endpoints") or {}).items():
            values = [stats.get(f"p{str(p).rstrip('0').rstrip('.') if '.' in str(p) else p}_ms") for p in PERCENTILES]
            if all(v is not None for v in values):
                right.plot(PERCENTILES, values, marker=".", label=f"{run_name} {endpoint}")
    right.set(title="Load test latency percentiles per endpoint", xlabel="percentile", ylabel="ms", yscale="log")
    if right.get_legend_handles_labels()[0]:
        right.legend(fontsize=7)
    return figure


def _ocr_fields(data: dict[str, Any]) -> Any:
    fields = (data.get("ocr") or {}).get("per_field_accuracy")
    if not fields:
        return None
    names = sorted(fields, key=fields.get)
    figure, axis = plt.subplots(figsize=(8, 0.28 * len(names) + 1))
    axis.barh(names, [fields[n] for n in names], color="#55a868")
    axis.set(xlim=(0, 1), title="OCR field accuracy", xlabel="accuracy")
    return figure


def _confusion(data: dict[str, Any]) -> Any:
    routing = data.get("routing") or {}
    routes, confusion = routing.get("routes"), routing.get("confusion")
    if not routes or confusion is None:
        return None
    matrix = [[confusion.get(g, {}).get(p, 0) for p in routes] for g in routes]
    figure, axis = plt.subplots(figsize=(7, 6))
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(routes)), routes, rotation=45, ha="right")
    axis.set_yticks(range(len(routes)), routes)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axis.text(j, i, str(count), ha="center", va="center", fontsize=8)
    axis.set(title=f"Routing confusion (accuracy {routing.get('accuracy', 0):.3f})", xlabel="predicted",
             ylabel="labelled")
    return figure


def _throughput(data: dict[str, Any]) -> Any:
    load = data.get("load") or {}
    sweep = load.get("sweep")
    if not sweep:
        return None
    figure, axis = plt.subplots(figsize=(6.5, 4))
    axis.plot([s["users"] for s in sweep], [s["rps"] for s in sweep], marker="o", label="SQLite, 1 worker")
    scaling = load.get("scaling")
    if scaling:
        axis.scatter([scaling["users"]] * 2, [scaling["one_worker_rps"], scaling["two_workers_rps"]], color="#c44e52",
                     zorder=3, label="PostgreSQL: 1 worker, 2 workers")
    axis.set(title="Throughput against concurrent clients (no pauses)", xlabel="clients", ylabel="turns/s")
    axis.legend()
    return figure
