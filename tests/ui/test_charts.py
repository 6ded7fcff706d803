"""Dashboard charts count whole things: a day with one lead has ticks 0 and 1, never 0.5."""

from __future__ import annotations

import pytest

from ui.charts import draw_chart, render_chart

ONE_LEAD = {"leads_per_day": {"2026-11-30": {"hot": 0, "warm": 0, "nurture": 0, "self_service": 0},
                              "2026-12-01": {"hot": 1, "warm": 0, "nurture": 0, "self_service": 0}},
            "complaints_per_category": {"fees": 3, "unauthorised": 1},
            "sla_breaches": {"leads": 1, "complaints": 0}}


@pytest.mark.parametrize(("name", "axis"), [("leads", "y"), ("complaints", "x"), ("sla", "y")])
def test_count_axes_have_whole_number_ticks(name: str, axis: str) -> None:
    figure = draw_chart(name, ONE_LEAD)
    try:
        axes = figure.axes[0]
        low, high = axes.get_ylim() if axis == "y" else axes.get_xlim()
        ticks = [t for t in (axes.get_yticks() if axis == "y" else axes.get_xticks()) if low <= t <= high]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
        assert low == 0
    finally:
        from matplotlib import pyplot as plt

        plt.close(figure)


def test_complaint_categories_are_named_in_chinese() -> None:
    figure = draw_chart("complaints", ONE_LEAD)
    try:
        assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["收费或扣费", "未经授权扣款或盗刷"]
    finally:
        from matplotlib import pyplot as plt

        plt.close(figure)


def test_an_unknown_chart_is_none_and_a_known_one_is_a_png() -> None:
    assert render_chart("nope", ONE_LEAD) is None
    assert (render_chart("sla", ONE_LEAD) or b"").startswith(b"\x89PNG")
