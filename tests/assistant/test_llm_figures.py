"""The unsupported-figure check: strict on numbers, indifferent to how they are written."""

from __future__ import annotations

import pytest

from assistant.answering.figures import extract_figures, unsupported_figures

PASSAGE = ("科技贷的单户授信额度为50万元至1000万元，即最高1000万元。参考利率为年化利率3.45%至4.80%。"
           "贷款期限最长36个月。材料齐全后，在5个工作日内给出审批意见，一般2个工作日内放款。"
           "首次申请一般不超过上年营业收入的30%。客服热线400-818-6688。")


@pytest.mark.parametrize("answer", [
    "最高一千万元[1]",
    "额度50万至1,000万元[1]",
    "最高1000万[1]",
    "年化3.45%-4.8%[1]",
    "五个工作日内给出审批意见，两个工作日内放款",
    "不超过营业收入的百分之三十",
    "最长三十六个月",
    "热线400-818-6688",
])
def test_figures_the_passage_states_are_supported_however_written(answer: str):
    assert unsupported_figures(answer, [PASSAGE]) == []


@pytest.mark.parametrize(("answer", "figure"), [
    ("最高2000万元", "2000万元"),
    ("年化利率最低3.2%", "3.2%"),
    ("三个工作日内放款", "三个工作日"),
    ("贷款期限最长36年", "36年"),  # the same number with another unit is another figure
    ("5天内给出审批意见", "5天"),  # calendar days are not working days
    ("最高1000亿元", "1000亿元"),
    ("热线400-800-1234", "400-800-1234"),
    ("首次申请不超过40%", "40%"),
])
def test_a_figure_the_passage_does_not_state_is_caught(answer: str, figure: str):
    assert [f.text for f in unsupported_figures(answer, [PASSAGE])] == [figure]


def test_words_that_contain_numerals_are_not_figures():
    assert extract_figures("一般统一办理，十分便捷，一次性还本付息[2]") == []


def test_both_ends_of_a_range_take_its_unit():
    kinds = [(f.kind, int(f.value)) for f in extract_figures("额度为50至1000万元")]
    assert kinds == [("amount", 500_000), ("amount", 10_000_000)]
