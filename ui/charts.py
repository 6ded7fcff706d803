"""Dashboard charts as PNG (matplotlib, no JavaScript, nothing fetched from a CDN)."""

from __future__ import annotations

import io
import threading
from typing import Any

TIER_COLOURS = {"hot": "#d62728", "warm": "#ff7f0e", "nurture": "#2ca02c", "self_service": "#7f7f7f"}
TIER_CN = {"hot": "高意向", "warm": "中意向", "nurture": "培育", "self_service": "自助"}
_lock = threading.Lock()  # pyplot's state is global: one figure at a time


def render_chart(name: str, stats: dict[str, Any]) -> bytes | None:
    drawers = {"leads": _leads, "complaints": _complaints, "sla": _sla}
    if name not in drawers:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.font_manager import FontProperties

    from ocr.fonts import cjk_font

    font = FontProperties(fname=str(cjk_font()))
    with _lock:
        figure, axes = plt.subplots(figsize=(6.4, 3.2), dpi=100)
        try:
            drawers[name](axes, stats, font)
            figure.tight_layout()
            out = io.BytesIO()
            figure.savefig(out, format="png")
            return out.getvalue()
        finally:
            plt.close(figure)


def _leads(axes: Any, stats: dict[str, Any], font: Any) -> None:
    days = list(stats["leads_per_day"])
    bottom = [0] * len(days)
    for tier, colour in TIER_COLOURS.items():
        values = [stats["leads_per_day"][d][tier] for d in days]
        axes.bar([d[5:] for d in days], values, bottom=bottom, color=colour, label=TIER_CN[tier])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title("每日线索（按等级）", fontproperties=font)
    axes.legend(prop=font, fontsize=8)
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)


def _complaints(axes: Any, stats: dict[str, Any], font: Any) -> None:
    items = stats["complaints_per_category"] or {"（无）": 0}
    axes.barh(list(items), list(items.values()), color="#1f77b4")
    axes.set_yticks(range(len(items)), list(items), fontproperties=font)
    axes.set_title("投诉（按类别）", fontproperties=font)


def _sla(axes: Any, stats: dict[str, Any], font: Any) -> None:
    breaches = stats["sla_breaches"]
    axes.bar([0, 1], [breaches["leads"], breaches["complaints"]], color=["#ff7f0e", "#d62728"])
    axes.set_xticks([0, 1], ["线索超时", "投诉超期"], fontproperties=font)
    axes.set_title("超时未处理", fontproperties=font)
