"""The pieces that read a question without a knowledge base: aspects by heading, typos by sound."""

from __future__ import annotations

from knowledge_base.aspects import AspectVocabulary, section_aspect
from knowledge_base.pinyin import PinyinMatcher


def test_a_section_heading_names_its_aspect_in_either_language():
    assert section_aspect("贷款额度") == "amount"
    assert section_aspect("办理流程与时效") == "process"
    assert section_aspect("Reference Interest Rate") == "rate"
    assert section_aspect("Complaint Handling Time Limits") == "complaint"  # "limit" is not an amount
    assert section_aspect("产品简介") == "overview"


def test_the_asked_aspect_comes_first_and_conditions_are_not_asked():
    vocabulary = AspectVocabulary()
    assert vocabulary.aspects("抵押贷用住宅抵押的抵押率是多少？")[0] == "amount"  # 抵押 inside 抵押率
    assert vocabulary.aspects("除了利息以外还要交别的费用吗？") == ["fees"]
    assert vocabulary.aspects("专精特新贷材料齐全后多久给出审批意见？") == ["process"]
    assert vocabulary.aspects("What is the rate and how long is the term?")[:2] == ["rate", "term"]
    assert vocabulary.aspects("哪个能贷得多？") == ["amount"]
    assert vocabulary.aspects("第一次申请一般能给到多少？") == ["amount"]
    assert vocabulary.aspects("哪个便宜点") == ["rate"]
    assert vocabulary.aspects("哪个审批快") == ["process"]
    assert vocabulary.aspects("放款快不快") == ["process"]
    assert vocabulary.aspects("办这个收不收钱") == ["fees"]
    assert vocabulary.aspects("能不能先还利息") == ["repayment"]  # not a rate question
    assert vocabulary.aspects("能在手机上办吗")[0] == "channel"
    assert vocabulary.aspects("资金紧张晚还几天，会怎么样？") == ["overdue"]  # 几天 here is no timing question
    assert vocabulary.aspects("税务评级是D，还有机会借到钱吗？") == ["eligibility"]  # 借到钱 is no payout time
    assert vocabulary.aspects("交的税能换来多少贷款？") == ["amount"]
    assert vocabulary.aspects("能不能承诺给我批500万")[0] == "amount"
    # How long a loan runs, however it is said; 多少年 is not an amount.
    assert vocabulary.aspects("最长能借多少年") == ["term"]
    assert vocabulary.aspects("哪个借得更久") == ["term"]
    # How soon, however it is said.
    assert vocabulary.aspects("两个产品放款谁快") == ["process"]
    assert vocabulary.aspects("批下来大概要多久") == ["process"]
    assert vocabulary.aspects("签完字多久资金能到") == ["process"]
    assert vocabulary.aspects("供应链融资谁能办") == ["eligibility"]
    assert vocabulary.aspects("能不能凭交税记录贷款")[0] == "eligibility"
    # English: cheaper asks the rate; repaying late asks about lateness, not how to repay.
    assert vocabulary.aspects("which one is cheaper?") == ["rate"]
    assert vocabulary.aspects("What happens if we repay late?")[0] == "overdue"
    assert vocabulary.aspects("What happens if we miss a repayment?") == ["overdue"]


def test_heading_words_are_learned_when_two_documents_use_them():
    def words(text: str) -> list[str]:
        return [text[:2], text[2:]] if len(text) == 4 else [text]

    learned = AspectVocabulary.from_headings([("a.md", "收费标准"), ("b.md", "收费标准"), ("a.md", "投诉电话")], words)
    assert "收费" in learned.learned["fees"]
    assert "投诉" not in learned.learned.get("complaint", set())  # one document is not a convention


def test_a_stretch_that_sounds_like_a_term_is_read_as_that_term():
    matcher = PinyinMatcher(["知识产权质押贷", "票据", "供应链", "贷款"], [], known={"贷款"})
    assert matcher.correct("知识产权只押贷期限多长") == "知识产权质押贷期限多长"
    assert matcher.correct("票剧贴现") == "票据贴现"
    assert matcher.correct("供应连融资") == "供应链融资"
    assert matcher.correct("代款利率") == "贷款利率"
    assert matcher.correct("我想贷款") == "我想贷款"  # spelt right: unchanged
    assert matcher.correct("期限多久") == "期限多久"  # not a target: unchanged


def test_a_near_sound_is_read_as_a_long_term_but_not_as_a_short_one():
    matcher = PinyinMatcher(["税金贷", "专精特新贷", "贷款"], ["税金贷", "专精特新贷"], known={"贷款"})
    assert matcher.correct("税精贷要什么材料") == "税金贷要什么材料"  # jing for jin
    assert matcher.correct("专金特新贷条件") == "专精特新贷条件"
    assert matcher.correct("代框利率") == "代框利率"  # near 贷款, but two characters need the exact sound


def test_whether_what_the_client_holds_can_be_pledged_asks_eligibility_too():
    vocabulary = AspectVocabulary()
    # The condition on the patent (剩余保护期) is in the conditions, not in the security section.
    assert vocabulary.aspects("发明专利还剩4年就过期了，还能拿去质押吗") == ["eligibility"]
    assert "eligibility" in vocabulary.aspects("承兑的是一家民营企业，能在你们这贴现吗")


def test_the_owners_age_asks_the_conditions():
    assert AspectVocabulary().aspects("老板60岁了可以吗") == ["eligibility"]
    assert AspectVocabulary().aspects("发票贷老板多大岁数能办") == ["eligibility"]


def test_when_the_money_comes_asks_the_timing():
    assert AspectVocabulary().aspects("税金贷钱啥时候能到") == ["process"]
    assert AspectVocabulary().aspects("什么时候到期") != ["process"]


def test_a_rare_word_is_read_as_the_common_word_it_sounds_like_when_the_kb_uses_that():
    matcher = PinyinMatcher(["知识产权质押贷"], [], known={"利率", "最低", "要求", "账户", "贷款"})
    assert matcher.correct("知识产权质押贷的力率是多少") == "知识产权质押贷的利率是多少"  # 力率: a rare word
    assert matcher.correct("最底要多少") == "最低要多少"
    assert matcher.correct("有啥要球") == "有啥要求"
    assert matcher.correct("对公帐户") == "对公账户"  # a variant spelling, read as the standard one
    assert PinyinMatcher([], [], known={"应收"}).correct("去年营收两百万") == "去年营收两百万"  # 应收: no everyday word


def test_a_common_word_is_not_read_into_the_seam_between_two_words():
    # 押利 (ya li) sounds like 压力, a common word, but it is the end of 抵押 and the start of 利率.
    matcher = PinyinMatcher([], [], known={"压力", "抵押", "利率"})
    assert matcher.correct("抵押利率") == "抵押利率"
    assert matcher.correct("资金押利大") == "资金压力大"  # where it stands alone, it is the typo


def test_whether_the_client_can_get_a_loan_with_what_they_hold_asks_eligibility():
    vocabulary = AspectVocabulary()
    assert vocabulary.aspects("有个大客户给了我们一张订单，能用这个订单去贷款吗") == ["eligibility"]
    assert vocabulary.aspects("还没评上高新，能申请你们那个看研发实力的贷款吗") == ["eligibility"]
    assert "eligibility" in vocabulary.aspects("之前已经质押给另一家银行了，还能拿到你们这边再做融资吗")


def test_a_condition_asked_as_what_it_takes_and_the_use_of_funds_in_everyday_words():
    vocabulary = AspectVocabulary()
    assert "eligibility" in vocabulary.aspects("实用新型专利剩余保护期要多少年以上才能质押")
    assert "eligibility" in vocabulary.aspects("你们对逾期次数具体是怎么规定的")
    assert "use" in vocabulary.aspects("想拿一部分先去买点股票，或者给我们家换套大点的房子")


def test_a_particle_makes_two_words_not_a_typo():
    # 部的 (bu de) sounds like 不得, a common word the KB uses; in 信贷部的人 it is 部 + 的.
    assert PinyinMatcher([], [], known={"不得", "信贷"}).correct("信贷部的人打电话") == "信贷部的人打电话"


def test_registering_a_security_is_asked_of_the_security():
    vocabulary = AspectVocabulary()
    assert vocabulary.aspects("这个登记是在哪个系统办的") == ["guarantee"]
    assert "guarantee" not in vocabulary.aspects("我要登记投诉")
