"""Render the report data as Markdown and HTML (one list of blocks, two renderings) with PNG plots."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

Block = tuple[str, Any]  # ("h2", text) | ("p", text) | ("table", (header, rows)) | ("img", (path, alt))

# The headline numbers followed in the trend table: (label, path into the report data, higher is better).
TREND: list[tuple[str, tuple[str, ...], bool]] = [
    ("KB hit@1 (kb_qa)", ("kb", "kb_qa", "hit@1"), True),
    ("KB hit@3 (kb_qa)", ("kb", "kb_qa", "hit@3"), True),
    ("KB MRR (kb_qa)", ("kb", "kb_qa", "mrr"), True),
    ("KB answer contains fact (kb_qa)", ("kb", "kb_qa", "answer_contains_fact"), True),
    ("KB refusal precision (kb_qa)", ("kb", "kb_qa", "refusal_precision"), True),
    ("KB refusal recall (kb_qa)", ("kb", "kb_qa", "refusal_recall"), True),
    ("KB hit@1 (heldout)", ("kb", "kb_qa_heldout", "hit@1"), True),
    ("KB hit@1 (heldout2)", ("kb", "kb_qa_heldout2", "hit@1"), True),
    ("KB hit@1 (seeds)", ("kb", "seeds_qa", "hit@1"), True),
    ("LLM answer contains fact (scripted)", ("llm", "scripted_kb_qa", "answer_contains_fact"), True),
    ("routing accuracy", ("routing", "accuracy"), True),
    ("dialogue tests passed", ("dialogues", "passed"), True),
    ("turn latency p95 ms", ("turns", "p95_ms"), False),
    ("OCR field accuracy", ("ocr", "summary", "field_accuracy"), True),
    ("OCR defect recall", ("ocr", "summary", "defect_recall"), True),
    ("OCR false-alarm rate", ("ocr", "summary", "false_alarm_rate"), False),
    ("load chat p95 ms (SQLite 1w)", ("load", "runs", "sqlite-1w", "endpoints", "/api/chat", "p95_ms"), False),
    ("load throughput rps (SQLite 1w)", ("load", "runs", "sqlite-1w", "turn_throughput_rps"), True),
    ("load chat p95 ms (PostgreSQL 2w)", ("load", "runs", "postgres-2w", "endpoints", "/api/chat", "p95_ms"), False),
]


def dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def render(data: dict[str, Any], previous: dict[str, Any] | None, out: Path) -> None:
    from eval.report_plots import plots

    images = plots(data, out / "plots")
    blocks = _blocks(data, previous, images)
    (out / "report.md").write_text(_markdown(blocks), encoding="utf-8")
    (out / "report.html").write_text(_html(blocks), encoding="utf-8")


def _blocks(data: dict[str, Any], previous: dict[str, Any] | None, images: dict[str, str]) -> list[Block]:
    b: list[Block] = [("h1", "SME assistant — evaluation report"),
                      ("p", f"Built {data['when']} with options {data['options']}. "
                            f"Step times (s): {data['timings_s']}. "
                            "Load and latency numbers are for this machine as loaded at the time (2 cores shared "
                            "with the load generator and other work): read them as indicative.")]
    b += [("h2", "Trend against the previous report"),
          ("table", (["metric", "previous", "now", "change"], [
              [label, fmt(dig(previous, path)), fmt(dig(data, path)), _delta(dig(previous, path), dig(data, path), up)]
              for label, path, up in TREND]))] if previous else [("p", "No previous report in this folder: no trend.")]
    b += _section_kb(data)
    b += [("h2", "LLM path (loopback scripted model)"), *_flat_table(data.get("llm"))]
    routing = {k: v for k, v in (data.get("routing") or {}).items() if k not in ("confusion", "per_route", "routes")}
    b += [("h2", "Routing"), *_flat_table(routing)]
    if "routing_confusion" in images:
        b.append(("img", (images["routing_confusion"], "routing confusion matrix")))
    b += [("h2", "Dialogue tests (scripted flows)"), *_flat_table(data.get("dialogues"))]
    turns = {k: v for k, v in (data.get("turns") or {}).items() if k != "timings_ms"}
    b += [("h2", "Turn latency (no LLM)"), *_flat_table(turns)]
    if "latency" in images:
        b.append(("img", (images["latency"], "latency distributions")))
    runs = (data.get("bench_kb") or {}).get("runs")
    b += [("h2", "Knowledge base benchmark")] + ([("table", (list(runs[0]), [[fmt(v) for v in r.values()]
                                                                               for r in runs]))] if runs else
                                                _flat_table(data.get("bench_kb")))
    b += [("h2", "OCR"), *_flat_table((data.get("ocr") or {}).get("summary") or data.get("ocr"))]
    if "ocr_fields" in images:
        b.append(("img", (images["ocr_fields"], "OCR accuracy per field")))
    b += _section_load(data.get("load") or {}, images)
    b += _section_faults(data.get("faults") or {})
    b += _section_ocr_photos(data.get("ocr_photos") or {})
    b += _section_security(data.get("security") or {})
    b += [("h2", "Channels"), ("p", "WeChat reply time under a slow answer is asserted (< 5 s, answer delivered "
                                    "later) by tests/ui/test_wechat.py; duplicate retries across workers are the "
                                    "wechat_retries fault program above.")]
    return b


def _delta(old: Any, new: Any, higher_is_better: bool) -> str:
    if not isinstance(old, int | float) or not isinstance(new, int | float) or isinstance(old, bool):
        return ""
    change = new - old
    if abs(change) < 1e-9:
        return "="
    better = (change > 0) == higher_is_better
    return f"{change:+.3f} {'better' if better else 'worse'}"


def _flat_table(section: Any) -> list[Block]:
    if not isinstance(section, dict):
        return [("p", "not run")]
    rows = []
    for key, value in section.items():
        if isinstance(value, dict):
            rows += [[f"{key}.{k}", fmt(v) if not isinstance(v, dict | list) else str(v)[:160]]
                     for k, v in value.items()]
        elif isinstance(value, list):
            rows.append([key, str(value)[:160]])
        else:
            rows.append([key, fmt(value)])
    return [("table", (["metric", "value"], rows))]


def _section_kb(data: dict[str, Any]) -> list[Block]:
    kb = data.get("kb") or {}
    cols = ["hit@1", "hit@3", "mrr", "answer_contains_fact", "refusal_precision", "refusal_recall", "questions"]
    rows = [[name, *[fmt(m.get(c)) for c in cols]] if "hit@1" in m else [name, m.get("skipped") or m.get("error", "")]
            + [""] * (len(cols) - 1) for name, m in kb.items() if isinstance(m, dict)]
    return [("h2", "Knowledge base answers"), ("table", (["set", *cols], rows))] if rows else [
        ("h2", "Knowledge base answers"), ("p", str(kb.get("error", "not run")))]


def _section_load(load: dict[str, Any], images: dict[str, str]) -> list[Block]:
    b: list[Block] = [("h2", "Load (locust, loopback)")]
    runs = dict(load.get("runs") or {})
    if load.get("full_run"):
        runs["full run (earlier)"] = load["full_run"]
    for name, run in runs.items():
        if "error" in run:
            b.append(("p", f"{name}: {run['error']}"))
            continue
        acc = run["accounting"]
        b.append(("p", f"**{name}**: {run['users']} clients, {run['duration_s']} s, {run['db']} with {run['workers']} "
                       f"worker(s), think {run['think_s']} s — {run['requests']} requests, {run['failures']} errors "
                       f"({run['error_rate']:.2%}), {run['turn_throughput_rps']} turns/s. Accounting: "
                       f"{acc['messages_acked']} messages acknowledged / {acc['messages_stored']} stored / "
                       f"{acc['messages_lost']} lost; tickets {acc['tickets_given']} given / {acc['tickets_lost']} "
                       f"lost; leads {acc['leads_given']} / {acc['leads_lost']} lost; uploads "
                       f"{acc['uploads_acked']} / {acc['uploads_lost']} lost; complete: {fmt(acc['complete'])}."))
        b.append(("table", (["endpoint", "requests", "failures", "p50 ms", "p95 ms", "p99 ms", "max ms"], [
            [n, e["requests"], e["failures"], fmt(e.get("p50_ms")), fmt(e.get("p95_ms")), fmt(e.get("p99_ms")),
             fmt(e.get("p100_ms"))] for n, e in run["endpoints"].items()])))
    if load.get("scaling"):
        b.append(("p", f"Scaling on PostgreSQL (clients not pausing): 1 worker {load['scaling']['one_worker_rps']} "
                       f"turns/s, 2 workers {load['scaling']['two_workers_rps']} turns/s, ratio "
                       f"{load['scaling']['ratio']}×."))
    if "throughput" in images:
        b.append(("img", (images["throughput"], "throughput against concurrent clients")))
    return b


def _section_faults(faults: dict[str, Any]) -> list[Block]:
    if "skipped" in faults:
        return [("h2", "Fault tests"), ("p", faults["skipped"])]
    rows = [[name, fmt(r.get("passed")), r.get("when", ""), str({k: v for k, v in r.items() if k in (
        "client_errors", "recovery_s", "upload_statuses", "error", "ticket", "p95_ms", "stored_not_once")})[:200],
             fmt(_nothing_lost(r))] for name, r in faults.items()]
    return [("h2", "Fault tests"), ("table", (["fault", "passed", "when", "details", "nothing lost"], rows))]


def _section_ocr_photos(bench: dict[str, Any]) -> list[Block]:
    engines = bench.get("engines")
    if not engines:
        return [("h2", "OCR: phone photos"), ("p", str(bench.get("error") or "not run"))]
    keys = ("field_accuracy", "defect_recall", "false_alarm_rate", "qr_decode_rate", "pipeline_s_p95", "time_ratio")
    rows = [[f"{name} / {kind}", *[fmt((run.get("summary") or {}).get(k)) for k in keys]]
            for name, sets in engines.items() for kind, run in sets.items() if isinstance(run, dict)]
    columns = sorted({c for per in bench.get("per_field_accuracy", {}).values() for c in per})
    fields = [[name, *[fmt(per.get(c)) for c in columns]] for name, per in bench.get("per_field_accuracy", {}).items()]
    einvoice = bench.get("einvoice") or {}
    return [("h2", "OCR: phone photos vs flat scans, per engine (python -m eval.ocr.bench)"),
            ("table", (["engine / set", *keys], rows)),
            ("table", (["field", *columns], fields)),
            ("p", f"数电票 XML/OFD: {einvoice.get('files')} files, field accuracy "
                  f"{fmt(einvoice.get('field_accuracy'))}, {fmt(einvoice.get('ms_mean'))} ms mean, "
                  f"{fmt(einvoice.get('ms_max'))} ms at most")]


def _section_security(security: dict[str, Any]) -> list[Block]:
    attacks = security.get("attacks")
    if not attacks:
        return [("h2", "Security attacks"), ("p", str(security.get("error") or "not run"))]
    rows = [[a.get("attack", "?"), a.get("severity", ""), fmt(a.get("passed")), str(a.get("observed"))[:200]]
            for a in attacks]
    return [("h2", "Security attacks (python -m eval.security.attack)"),
            ("table", (["attack", "severity", "refused as expected", "observed"], rows))]


def _nothing_lost(result: dict[str, Any]) -> bool | None:
    if "accounting" in result:
        return bool(result["accounting"].get("complete"))
    phases = [v["accounting_complete"] for v in result.values() if isinstance(v, dict) and "accounting_complete" in v]
    return all(phases) if phases else None


def _markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            lines += [("# " if kind == "h1" else "## ") + value, ""]
        elif kind == "p":
            lines += [value, ""]
        elif kind == "img":
            lines += [f"![{value[1]}]({value[0]})", ""]
        elif kind == "table":
            header, rows = value
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


def _html(blocks: list[Block]) -> str:
    parts = ['<!doctype html><html lang="en"><meta charset="utf-8"><title>SME assistant — evaluation report</title>',
             "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;font-size:14px}img{max-width:100%}</style>"]
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            parts.append(f"<{kind}>{html.escape(value)}</{kind}>")
        elif kind == "p":
            text = html.escape(value)
            while "**" in text:
                text = text.replace("**", "<b>", 1).replace("**", "</b>", 1)
            parts.append(f"<p>{text}</p>")
        elif kind == "img":
            parts.append(f'<p><img src="{html.escape(value[0])}" alt="{html.escape(value[1])}"></p>')
        elif kind == "table":
            header, rows = value
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows]
            parts.append("</table>")
    return "\n".join(parts) + "\n</html>\n"
