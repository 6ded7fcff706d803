"""Routing accuracy on a labelled set of client messages (eval/datasets/routing.jsonl).

Each line: {"text": ..., "route": ...}. Routing is judged on a fresh conversation per message, as
the first turn a client sends; mid-flow behaviour is covered by the dialogue tests.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

DATASET = Path(__file__).parent / "datasets" / "routing.jsonl"


def load_dataset(path: Path = DATASET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(route: Callable[[str], str], items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**item, "predicted": route(item["text"])} for item in items]


def metrics(results: list[dict[str, Any]], routes: Iterable[str]) -> dict[str, Any]:
    labels = list(routes)
    per_route = {}
    for name in labels:
        gold = [r for r in results if r["route"] == name]
        per_route[name] = {"n": len(gold),
                           "accuracy": sum(r["predicted"] == name for r in gold) / len(gold) if gold else None}
    confusion = Counter((r["route"], r["predicted"]) for r in results)
    return {
        "n": len(results),
        "accuracy": sum(r["route"] == r["predicted"] for r in results) / len(results) if results else 0.0,
        "per_route": per_route,
        "confusion": {g: {p: confusion[(g, p)] for p in labels if confusion[(g, p)]} for g in labels},
    }


def format_report(m: dict[str, Any], routes: list[str]) -> str:
    lines = [f"messages {m['n']}   accuracy {m['accuracy']:.3f}", "", f"{'route':20} {'n':>4} {'accuracy':>9}"]
    for name in routes:
        row = m["per_route"][name]
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        lines.append(f"{name:20} {row['n']:>4} {acc:>9}")
    short = [r[:8] for r in routes]
    lines += ["", "confusion (rows: labelled, columns: predicted)", " " * 20 + " ".join(f"{s:>8}" for s in short)]
    for gold in routes:
        lines.append(f"{gold:20}" + " ".join(f"{m['confusion'][gold].get(p, 0):>8}" for p in routes))
    return "\n".join(lines)
