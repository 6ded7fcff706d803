"""Dashboard charts as PNG (matplotlib, no JavaScript, nothing fetched from a CDN).

Every axis that counts something (leads, complaints, breaches) has whole-number ticks only, and the
complaint categories are named in Chinese (``assistant.labels``), never by their codes.
"""

from __future__ import annotations

import io
import threading
from typing import Any

from assistant import labels

TIER_COLOURS = {"hot": "#d62728", "warm": "#ff7f0e", "nurture": "#2ca02c", "self_service": "#7f7f7f"}
_lock = threading.Lock()  # pyplot's state is global: one figure at a time
DRAWN = ("leads", "complaints", "sla")


def render_chart(name: str, stats: dict[str, Any]) -> bytes | None:
    if name not in DRAWN:
        return None
    with _lock:
        figure = draw_chart(name, stats)
        try:
            out = io.BytesIO()
            figure.savefig(out, format="png")
            return out.getvalue()
        finally:
            from matplotlib import pyplot as plt

            plt.close(figure)


def draw_chart(name: str, stats: dict[str, Any]) -> Any:
    """The figure of chart ``name`` (the caller closes it); hold ``_lock`` when other threads draw."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.font_manager import FontProperties

    from ocr.fonts import cjk_font

    font = FontProperties(fname=str(cjk_font()))
    drawers = {"leads": _leads, "complaints": _complaints, "sla": _sla}
    figure, axes = plt.subplots(figsize=(6.4, 3.2), dpi=100)
    try:
        drawers[name](axes, stats, font)
        figure.tight_layout()
    except Exception:
        plt.close(figure)
        raise
    return figure


def _whole_counts(axis: Any) -> None:
    """Counts are whole: no 0.5 ticks however small the numbers, and the axis starts at 0."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _leads(axes: Any, stats: dict[str, Any], font: Any) -> None:
    days = list(stats["leads_per_day"])
    bottom = [0] * len(days)
    for tier, colour in TIER_COLOURS.items():
        values = [stats["leads_per_day"][d][tier] for d in days]
        axes.bar([d[5:] for d in days], values, bottom=bottom, color=colour, label=labels.label(labels.TIERS, tier))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title("每日线索（按等级）", fontproperties=font)
    axes.set_ylabel("条", fontproperties=font)
    axes.set_ylim(bottom=0, top=max([*bottom, 1]))
    _whole_counts(axes.yaxis)
    axes.legend(prop=font, fontsize=8)
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)


def _complaints(axes: Any, stats: dict[str, Any], font: Any) -> None:
    items = {labels.value_label("category", code, "complaint"): count
             for code, count in stats["complaints_per_category"].items()} or {"（无）": 0}
    axes.barh(list(items), list(items.values()), color="#1f77b4")
    axes.set_yticks(range(len(items)), list(items), fontproperties=font)
    axes.set_xlim(left=0, right=max([*items.values(), 1]))
    _whole_counts(axes.xaxis)
    axes.set_xlabel("件", fontproperties=font)
    axes.set_title("投诉（按类别）", fontproperties=font)


def _sla(axes: Any, stats: dict[str, Any], font: Any) -> None:
    breaches = stats["sla_breaches"]
    axes.bar([0, 1], [breaches["leads"], breaches["complaints"]], color=["#ff7f0e", "#d62728"])
    axes.set_xticks([0, 1], ["线索超时", "投诉超期"], fontproperties=font)
    axes.set_ylim(bottom=0, top=max(breaches["leads"], breaches["complaints"], 1))
    _whole_counts(axes.yaxis)
    axes.set_title("超时未处理", fontproperties=font)
