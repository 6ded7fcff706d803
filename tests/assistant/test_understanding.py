"""How the assistant reads a client's own words, on the real demo handbook (Chinese and English).

Each test is one promise to a client: a typo still finds the product, a question the documents do
not answer gets no answer, a follow-up keeps the product, English gets English, a comparison
answers both sides.
"""

from __future__ import annotations

import pytest

from assistant.answering.service import QuestionAnswerer, build_answerer
from assistant.answering.stated import Unstated
from assistant.settings import Settings


@pytest.fixture()
def answerer(demo_settings: Settings) -> QuestionAnswerer:
    return build_answerer(demo_settings)


def cited(answer) -> list[tuple[str, str]]:
    return [(c["title"], c["section"]) for c in answer.citations]


def test_a_typo_by_sound_still_finds_the_product_and_the_section(answerer: QuestionAnswerer):
    # 只押 sounds like 质押: read as 知识产权质押贷, and 期限 picks its term section.
    answer = answerer.answer("知识产权只押贷期限多长？")
    assert answer.grounded
    assert cited(answer)[0] == ("知识产权质押贷", "贷款期限")
    assert "48个月" in answer.answer
    # 票剧 sounds like 票据.
    assert cited(answerer.answer("票剧贴现的利率是多少？"))[0] == ("票据贴现", "参考利率")


def test_the_situation_names_the_product(answerer: QuestionAnswerer):
    answer = answerer.answer("我们手上有几个发明专利，没有房子，最多能借多少？")
    assert cited(answer)[0][0] == "知识产权质押贷"
    assert "2000万元" in answer.answer


@pytest.mark.parametrize("question", [
    "一年期定期存款利率是多少？",
    "五年期LPR现在是多少，你们加多少基点？",
    "我想给自己买房，个人住房贷款首付要几成？",
    "你们的装修贷利率多少？",
])
def test_where_the_documents_are_silent_there_is_no_answer(answerer: QuestionAnswerer, question: str):
    answer = answerer.answer(question)
    assert not answer.grounded and not answer.citations
    assert "%" not in answer.answer  # no figure from a nearby passage


def test_a_request_to_forge_documents_is_refused_with_a_fraud_warning(answerer: QuestionAnswerer):
    answer = answerer.answer("帮我编一份假的购销合同，好拿去申请订单融资")
    assert not answer.grounded
    assert "骗取贷款" in answer.answer


def test_a_demand_for_a_guarantee_gets_the_range_and_no_promise(answerer: QuestionAnswerer):
    answer = answerer.answer("你就给我个准数，发票贷利率到底是多少？能保证批下来吗？")
    assert answer.grounded
    assert "4.35%至6.50%" in answer.answer and "以审批为准" in answer.answer


def test_a_follow_up_keeps_the_product_even_one_inferred_from_the_situation(answerer: QuestionAnswerer):
    history = ["我们是做软件的高新技术企业，研发投入挺大，想借点钱周转"]
    answer = answerer.answer("那利率呢？", history)
    assert cited(answer)[0] == ("科技贷", "参考利率")
    assert "3.45%至4.80%" in answer.answer
    # And the question carried to a new product: 科技贷额度… then 发票贷呢？
    answer = answerer.answer("发票贷呢？", ["科技贷的额度最高多少？"])
    assert cited(answer)[0] == ("发票贷", "贷款额度")


def test_english_is_answered_from_the_english_edition_with_the_chinese_original(answerer: QuestionAnswerer):
    answer = answerer.answer("what's the reference rate for a tech sme loan?")
    assert answer.language == "en" and answer.grounded
    assert answer.citations[0]["source"] == "en/products/tech-loan.md"
    assert "3.45% to 4.80%" in answer.answer
    assert "Chinese original" in answer.answer and "3.45%至4.80%" in answer.answer
    # Each English passage is followed, and cited, by the Chinese original it translates.
    assert answer.citations[1]["source"] == "products/科技贷.md"
    lines = answer.answer.splitlines()
    english = next(n for n, line in enumerate(lines) if "3.45% to 4.80%" in line)
    assert "3.45%至4.80%" in lines[english + 1]


def test_asked_about_a_product_but_about_what_its_documents_never_say(answerer: QuestionAnswerer):
    # The product is the bank's, but 权重 / 网址 / 工商户 are nowhere in its documents: no nearby section.
    for question in ("发票贷额度测算里，开票稳定性和客户集中度各占多少权重", "供应链金融平台的网址是多少",
                     "个体工商户能申请税金贷吗"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question
        assert not answer.citations
    # The client's setting may name what the documents do not (医院); what is asked is answered.
    answer = answerer.answer("我们的医疗器械产品在医院卖得不错，手上有发明专利，知识产权质押贷最多能贷多少？")
    assert answer.grounded and "2000万元" in answer.answer


def test_a_comparison_answers_both_products_on_the_same_aspect(answerer: QuestionAnswerer):
    answer = answerer.answer("应收账款融资和订单融资，最长分别能贷多久？")
    assert cited(answer)[:2] == [("应收账款融资", "贷款期限"), ("订单融资", "贷款期限")]
    assert "18个月" in answer.answer and "9个月" in answer.answer


def test_two_aspects_are_both_answered_and_only_the_passages_used_are_cited(answerer: QuestionAnswerer):
    answer = answerer.answer("发票贷能借多少？利率多少？")
    sections = {s for t, s in cited(answer) if t == "发票贷"}
    assert {"贷款额度", "参考利率"} <= sections
    assert "300万元" in answer.answer and "4.35%至6.50%" in answer.answer
    assert "来源：[1] 《发票贷》 · " in answer.answer
    assert len(answer.citations) <= 5


def test_a_list_in_the_source_stays_a_list(answerer: QuestionAnswerer):
    answer = answerer.answer("票据贴现需要准备哪些材料？")
    assert "\n- " in answer.answer


def test_english_typos_and_shorthand_still_find_the_section(answerer: QuestionAnswerer):
    answer = answerer.answer("wats the mortage LTV if we pledge a factory bulding?")
    assert answer.grounded and answer.language == "en"
    assert "60% for commercial property and industrial buildings" in answer.answer


def test_a_question_asking_for_names_is_answered_only_with_names(answerer: QuestionAnswerer):
    # The handbook says the bank appoints appraisers and works with investors, not which ones.
    for question in ("抵押贷合作的评估机构是哪几家", "Which appraisal firm does the bank use for the IP Pledge Loan?",
                     "负责科技贷的客户经理叫什么名字"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question
    # Asking which products can be done online is answered: the passage names them.
    answer = answerer.answer("哪些贷款可以全程在网上办？")
    assert answer.grounded and "发票贷" in answer.answer


def test_a_detail_the_product_documents_never_give_is_not_answered_with_a_nearby_figure(
        answerer: QuestionAnswerer):
    # The handbook says the invoice loan weighs customer concentration, and that equity options
    # may be agreed; it never says how much. Its amount sections are not that figure.
    answer = answerer.answer("发票贷的客户集中度要低于多少才不影响额度？")
    assert not answer.grounded
    # Not "the documents do not cover 集中度": they do, without the figure.
    assert "提到了“客户集中度”，但没有写明您问的具体数字" in answer.answer
    assert not answerer.answer("投贷联动认股选择权的比例一般是多少？").grounded
    # 年龄: the KB speaks of it elsewhere; the tech loan's documents never do.
    assert not answerer.answer("科技贷对法人年龄有没有限制？").grounded


def test_a_figure_asked_and_given_is_still_answered(answerer: QuestionAnswerer):
    assert "5至10个工作日" in answerer.answer("知识产权质押贷评估一般要几天？").answer
    # 税额: the client's word for what the handbook calls 纳税总额.
    assert "5倍至10倍" in answerer.answer("税金贷能借到交税额的几倍？").answer


def test_stated_check_counts_a_cost_the_bank_bears_as_stated(answerer: QuestionAnswerer):
    stated = answerer.composer.stated
    about = ["抵押物评估由锦程银行委托评估机构完成，评估费和抵押登记费由锦程银行承担。"]
    assert stated.unstated("的评估费要交多少", about, about) == []
    assert stated.unstated("的评估费要交多少", ["评估费另行约定。"], ["评估费另行约定。"]) == [Unstated("评估费", True)]


def test_in_a_long_message_the_asking_clause_says_what_is_asked(answerer: QuestionAnswerer):
    # The story after the question speaks of term, interest, amount and repayment; what is asked
    # is how soon the loan is approved, and the materials.
    answer = answerer.answer("科技贷审批要多久？我们之前贷款期限是一年，利息按月付，额度200万，每期都按时还了。")
    assert cited(answer)[0] == ("科技贷", "办理流程与时效")
    assert "5个工作日内" in answer.answer
    answer = answerer.answer("想问下税金贷需要什么材料？我们公司去年纳税80万，之前贷款额度100万，利率5%，按时还款。")
    assert cited(answer)[0] == ("税金贷", "申请材料")


def test_a_demand_for_approval_gets_the_no_promise_rule_and_the_reference_rate(answerer: QuestionAnswerer):
    # Not the FAQ entry on eligibility that shares the demand's words: no promise, and the range.
    answer = answerer.answer("我们资质很好，你们科技贷能不能给个准话，肯定能批吧？")
    assert cited(answer)[:2] == [("合规提示", "不承诺审批结果"), ("科技贷", "参考利率")]
    assert "3.45%至4.80%" in answer.answer and "以审批为准" in answer.answer


def test_an_aspect_no_section_covers_is_answered_by_the_faq_entry_that_asks_it(answerer: QuestionAnswerer):
    # No product document has a section on late payment; the FAQ asks exactly that.
    answer = answerer.answer("发票贷晚还了会咋样")
    assert cited(answer)[0] == ("常见问题", "")
    assert "加收50%计收罚息" in answer.answer
    # 怎么办 asks what to do, not how to apply: not the tax loan's application process.
    assert "加收50%计收罚息" in answerer.answer("税金贷要是还不上怎么办").answer


def test_a_product_described_by_its_short_stem_and_eligibility_asked_around_its_name(answerer: QuestionAnswerer):
    # The issue's own example: 凭发票的那个贷款 is the invoice loan, and 还能办…吗 asks who may apply.
    answer = answerer.answer("老板今年66了，还能办线上凭发票的那个贷款吗")
    assert cited(answer)[0] == ("发票贷", "适用对象与申请条件")
    assert "18周岁至65周岁" in answer.answer
    assert cited(answerer.answer("公司成立刚一年，能办发票贷吗"))[0] == ("发票贷", "适用对象与申请条件")
    assert cited(answerer.answer("政府风险补偿贷哪些企业能办"))[0] == ("政府风险补偿贷", "适用对象与申请条件")


def test_a_few_in_the_story_is_not_a_question(answerer: QuestionAnswerer):
    # 几家主机厂 is "a few carmakers": the story, not something asked about the documents.
    answer = answerer.answer("我们是做汽车配件的，主要给几家主机厂供货，对方都是上市公司，账期一般90天，"
                             "想问问把应收账款拿来融资，最多能融到多少？")
    assert answer.grounded and ("应收账款融资", "贷款额度") in cited(answer)
    assert "应收账款金额的80%" in answer.answer


def test_a_demand_for_a_rate_cap_gets_the_range_and_no_promise(answerer: QuestionAnswerer):
    answer = answerer.answer("抵押贷给我保证一下利率不超过4%")
    assert "3.10%至4.20%" in answer.answer and "不能事先承诺" in answer.answer


def test_an_english_topic_right_beside_chinese_is_still_that_topic(answerer: QuestionAnswerer):
    # 和LPR比: no word boundary between 和 and L, yet LPR is the topic the handbook never covers.
    answer = answerer.answer("发票贷的年化利率和LPR比高多少")
    assert not answer.grounded and answer.reason == "not_covered"


def test_asking_to_inflate_figures_is_refused_as_fraud(answerer: QuestionAnswerer):
    for question in ("能不能把我们的营收写高一点帮我们过审", "帮我把财务报表做得好看点再交"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "fraud", question
    # Asking what may stand in for incomplete statements is not a request to fake them.
    assert answerer.answer("我们的财务报表不全，可以用什么代替").reason != "fraud"


def test_a_product_like_name_inside_another_is_still_read(answerer: QuestionAnswerer):
    coverage = answerer.composer.coverage
    # 融资 then 租赁: the lease is the product asked about, 没有 / 了解下 are not part of a name.
    assert coverage.unknown_products("你们有没有融资租赁") == ["融资租赁"]
    assert coverage.unknown_products("想了解下融资租赁和保理") == ["融资租赁"]
    assert coverage.unknown_products("我想问下发票贷") == []


def test_security_the_documents_never_mention_is_not_answered_with_the_ip_loan(answerer: QuestionAnswerer):
    answer = answerer.answer("黄金能拿来质押贷款吗")
    assert not answer.grounded and "黄金" in answer.answer
    assert answerer.answer("专利能质押吗").grounded  # the handbook's own security


def test_an_english_reply_names_the_bank_in_english(answerer: QuestionAnswerer):
    answer = answerer.answer("what is your fixed deposit rate")
    assert not answer.grounded and answer.answer.startswith("Jincheng Bank's documents")
    assert "锦程银行" not in answer.answer


def test_a_floor_asked_where_only_a_ceiling_is_given_is_not_answered(answerer: QuestionAnswerer):
    # The IP loan's amount section gives 最高2000万元 and a share of the valuation, no floor.
    answer = answerer.answer("知识产权质押贷最低能贷多少？")
    assert not answer.grounded and "额度" in answer.answer and "具体数字" in answer.answer
    # A rate's range states its floor.
    assert "3.65%至5.20%" in answerer.answer("知识产权质押贷利率最低多少？").answer
    # 不少于3年 is a floor, and it is the floor of what is asked: the patent's remaining protection,
    # not a trademark's, which the conditions do not give.
    assert "不少于3年" in answerer.answer("知识产权质押贷的实用新型专利剩余保护期最少要多少年？").answer
    assert not answerer.answer("知识产权质押贷的商标剩余有效期至少要几年？").grounded


def test_the_time_of_one_step_is_not_answered_with_the_time_of_another(answerer: QuestionAnswerer):
    # 订单融资 gives 4个工作日内 for the approval and no time for the payout after signing.
    answer = answerer.answer("订单融资签完合同以后多久能放款？")
    assert not answer.grounded and "“放款”" in answer.answer and "具体时间" in answer.answer
    # 科技贷 does give it: 签订合同后，一般2个工作日内放款.
    assert "2个工作日内放款" in answerer.answer("科技贷签完合同以后多久能放款？").answer
    # With no starting point, the approval time answers how soon the money comes.
    assert answerer.answer("订单融资多久能放款？").grounded
    # 抵押物评估完成后…5个工作日内给出审批意见 is the approval's time, not the valuation's.
    assert not answerer.answer("抵押贷的抵押物评估要几天？").grounded


def test_deceiving_the_bank_in_any_form_is_refused_as_fraud(answerer: QuestionAnswerer):
    for question in ("找两家关系好的公司互开点发票，发票贷额度能高吗", "能不能让评估公司把专利评高点",
                     "借用朋友公司的纳税记录来申请税金贷行吗", "银行流水不够，刷一刷流水能过吗"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "fraud", question
    # A client who was the victim of a scam is not one.
    assert answerer.answer("上个月被骗过一次，怎么辨别冒充你们的电话").reason != "fraud"


def test_how_to_obtain_a_credential_the_handbook_requires_is_not_answered(answerer: QuestionAnswerer):
    # 科技贷 requires 高新技术企业 status or 入库; how to get either is another body's procedure.
    for question in ("高新技术企业认定去哪里申报？", "科技型中小企业入库要准备什么材料"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question
    assert "高新技术企业认定" in answerer.answer("高新技术企业认定去哪里申报？").answer
    # What the credential brings, or what the loan requires, is the handbook's to answer.
    assert "1500万元" in answerer.answer("专精特新认定以后能贷多少").answer
    assert answerer.answer("科技贷申请要什么条件").grounded
    # 贴息 is also a bill's discount interest, which the handbook does explain.
    assert answerer.answer("票据贴现贴息怎么算").grounded
    assert not answerer.answer("政府贴息要去哪个部门申请").grounded


def test_a_named_member_of_staff_or_partner_is_not_confirmed(answerer: QuestionAnswerer):
    # The documents name no staff and no partner firm: neither is confirmed from a nearby passage.
    assert not answerer.answer("之前对接我们的李经理电话是多少").grounded
    assert not answerer.answer("深创投是你们投贷联动的合作机构吗").grounded
    assert "400-818-6688" in answerer.answer("客户经理电话多少").answer  # the way to reach one is


def test_a_requirement_the_documents_never_mention_is_not_answered(answerer: QuestionAnswerer):
    # 学历 is asked about (有没有要求); the credit loan's conditions never speak of it.
    assert not answerer.answer("信用贷对学历有没有要求").grounded
    assert answerer.answer("抵押贷对抵押物有什么要求").grounded


def test_how_soon_one_may_apply_again_is_not_the_approval_time(answerer: QuestionAnswerer):
    answer = answerer.answer("信用贷被拒以后多久能重新申请？")
    assert not answer.grounded and "再次申请" in answer.answer


def test_another_banks_product_compared_with_ours_is_not_described(answerer: QuestionAnswerer):
    answer = answerer.answer("微粒贷和你们的信用贷哪个利息低")
    assert not answer.grounded and "微粒贷" in answer.answer
    assert answerer.answer("信用贷和税金贷哪个利息低").grounded


def test_a_title_mistyped_with_a_function_character_is_still_read(answerer: QuestionAnswerer):
    # 不偿 sounds like 补偿; 不 is a function character, but no phrase sounds like a whole title.
    answer = answerer.answer("政府风险不偿贷利率多少")
    assert cited(answer)[0] == ("政府风险补偿贷", "参考利率")


def test_the_story_around_a_question_is_not_read_as_asking(answerer: QuestionAnswerer):
    # 啥也不懂 says "nothing"; 银行信贷部 is the bank's credit department, not a product called 行信贷.
    answer = answerer.answer("新来的出纳啥也不懂，我自己问吧：申请贷款一般要准备哪些材料？")
    assert answer.grounded and "营业执照" in answer.answer
    answer = answerer.answer("有个自称你们银行信贷部的人要我先交保证金才放款，这正常吗？")
    assert answer.grounded and cited(answer)[0][0] == "合规提示"


def test_an_english_name_no_passage_uses_is_not_answered(answerer: QuestionAnswerer):
    answer = answerer.answer("Is there a branch office in Chengdu?")
    assert not answer.grounded and "Chengdu" in answer.answer
    # Names the documents do use, and the capital that starts a sentence, are not unknown names.
    assert answerer.answer("Can I apply for the Tax Loan on WeChat?").grounded


def test_asking_whether_something_exists_that_the_documents_never_name(answerer: QuestionAnswerer):
    # 有…吗 / 有没有… asks whether the thing exists; the handbook never speaks of a night shift.
    answer = answerer.answer("你们网点有夜班窗口吗")
    assert not answer.grounded and "夜班" in answer.answer
    assert answerer.answer("你们有人工客服吗").grounded  # the hotline's staffed hours are stated


def test_a_demand_for_certainty_in_other_words_gets_no_promise(answerer: QuestionAnswerer):
    for question in ("我们条件这么好，税金贷稳了吧", "信用贷审批能不能通融一下", "听说发票贷随便就能过？",
                     "Can you guarantee my invoice loan gets approved?"):
        answer = answerer.answer(question)
        sections = {section for _, section in cited(answer)}
        assert sections & {"不承诺审批结果", "No Promise of Approval"}, question
    # The price asked of a product is its rate.
    assert cited(answerer.answer("专精特新贷给个最低价"))[0] == ("专精特新贷", "参考利率")


def test_one_of_the_questions_an_faq_entry_asks_together_finds_that_entry(answerer: QuestionAnswerer):
    # 申请贷款必须在锦程银行开户吗？怎么开对公账户？ — asked only the second, the entry still answers.
    answer = answerer.answer("开对公账户需要带哪些东西")
    assert "公司印章" in answer.answer


def test_what_a_loan_may_be_used_for_is_the_products_and_the_banks_rule(answerer: QuestionAnswerer):
    answer = answerer.answer("信用贷的钱能用来买设备吗")
    assert ("信用贷", "产品简介") in cited(answer) and ("合规提示", "资金用途合规") in cited(answer)
    # Paying off another bank's loan is a question of use, not one about the other bank.
    assert ("合规提示", "资金用途合规") in cited(answerer.answer("税金贷的钱可以拿来还其他银行的贷款吗"))
    assert not answerer.answer("现在的贷款市场报价利率是多少").grounded  # the LPR by its full name


def test_an_acronym_the_documents_never_use_is_not_answered(answerer: QuestionAnswerer):
    answer = answerer.answer("你们能办ETC吗")
    assert not answer.grounded and "ETC" in answer.answer
    assert answerer.answer("用APP能申请发票贷吗").grounded  # a word of everyday use, not a term


def test_a_condition_before_how_much_one_may_borrow_is_not_what_is_counted(answerer: QuestionAnswerer):
    # 纳税信用A级能贷多少: the amount is asked, the grade is its condition, not a figure unstated.
    assert "具体数字" not in answerer.answer("纳税信用A级能贷多少").answer


def test_near_misses_of_many_kinds_are_not_answered(answerer: QuestionAnswerer):
    for question in (
        "专精特新补贴去哪个部门申请",  # another body's procedure
        "你们总行附近哪个支行人少",  # a branch the documents do not name
        "我们给比亚迪供货，比亚迪算不算你们认可的核心企业",  # a named firm as partner
        "个人二手房按揭现在什么利率",  # a personal mortgage
        "最近会不会降息，晚点贷是不是更划算",  # market advice
    ):
        answer = answerer.answer(question)
        assert not answer.grounded, question
    for question in ("其实没有真实交易，补一份合同能去贴现吗", "把营收多报一点能多贷吗",
                     "Can you help me inflate the revenue in our financial statements?"):
        assert answerer.answer(question).reason == "fraud", question


def test_a_step_counted_from_an_earlier_clause_is_still_counted_from(answerer: QuestionAnswerer):
    # 审批过了，签完合同以后: the time asked is from signing, which 订单融资's documents do not give.
    answer = answerer.answer("订单融资审批过了，签完合同以后，一般多久能放款？")
    assert not answer.grounded and "具体时间" in answer.answer


def test_staff_named_anywhere_in_the_message_is_not_looked_up(answerer: QuestionAnswerer):
    assert not answerer.answer("之前来过的客户经理姓刘，他的手机号能告诉我吗").grounded


def test_a_step_time_is_checked_when_the_product_was_only_guessed(answerer: QuestionAnswerer):
    # No product named: whatever process passage is chosen, none gives the due diligence's length.
    answer = answerer.answer("我们是做软件研发的，客户经理上门尽职调查一般要几天？")
    assert not answer.grounded
    # 转人工审核 is the invoice loan's manual review, not a request for a person.
    assert "1个工作日内反馈" in answerer.answer("发票贷申请转人工审核了，要等多久").answer


def test_a_legal_form_the_documents_never_mention_is_not_judged(answerer: QuestionAnswerer):
    # Whether 信用贷 is open to a sole trader is not in the handbook; its conditions would read as a verdict.
    answer = answerer.answer("我开的是个体户，有执照，能办信用贷吗")
    assert not answer.grounded and "个体户" in answer.answer
    # A company the handbook does describe is answered with the conditions.
    assert answerer.answer("我们是上市公司的供应商，能办供应链融资吗").grounded


def test_a_word_tagged_as_an_organisation_that_names_no_body_names_no_one(answerer: QuestionAnswerer):
    names = answerer.composer.names
    # 战略性新兴产业 is tagged an organisation by jieba; it names no firm a client could ask for.
    assert not names.names_any(["企业应属于新一代信息技术等战略性新兴产业。"], set())
    assert names.names_any(["合作机构包括深圳市创新投资集团有限公司。"], set())


def test_a_message_without_a_question_mark_still_asks_in_its_asking_clause():
    from assistant.answering.guard import asking_clauses

    # No ？ anywhere: 几天 asks here, and the clause after it is the client's setting.
    assert asking_clauses("评估一般要几天能出结果啊，我这边月底前就要用钱") == ["评估一般要几天能出结果啊"]
    # With a ？, 几家 outside the asked clause means "a few".
    assert asking_clauses("我们给几家大厂供货，最多能融多少？") == ["最多能融多少"]


def test_a_product_named_earlier_outranks_one_guessed_from_the_follow_up(answerer: QuestionAnswerer):
    # 每年 and 一次 point weakly at the IP loan; the client already said 科技贷.
    answer = answerer.answer("我们想借三年，每年要还多少本金？", ["我们准备申请科技贷"])
    assert cited(answer)[0] == ("科技贷", "还款方式")


def test_what_the_client_lacks_is_no_clue_to_the_product(answerer: QuestionAnswerer):
    planner = answerer.composer.planner
    assert planner.plan("我们没有专利，也没有房子，能贷多少", "zh").subjects == []
    assert planner.plan("我们有几个发明专利，能贷多少", "zh").subjects == ["知识产权质押贷"]
    # Nor is it what retrieval looks for: not the IP loan's conditions for a client with no patent.
    assert cited(answerer.answer("刚成立一年，没房没专利，能贷啥"))[0][0] != "知识产权质押贷"


def test_an_english_service_or_security_the_documents_never_name_is_not_answered(answerer: QuestionAnswerer):
    for question in ("Do you offer forfaiting?", "Would you accept artwork as collateral?"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question
    assert answerer.answer("Do you accept patents as collateral?").grounded
    assert answerer.answer("Can we get a better rate with a Grade A tax rating?").grounded


def test_situations_the_documents_never_address_are_not_answered(answerer: QuestionAnswerer):
    for question in ("信用贷和科技贷能同时申请吗", "我们换了法人，之前的税金贷额度还能用吗"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question


def test_another_bodys_own_procedure_is_not_answered_with_the_banks(answerer: QuestionAnswerer):
    for question in ("去不动产登记中心办抵押登记要带啥材料，要排队多久",
                     "投资机构给了我们意向书，他们内部投决一般要多久？"):
        answer = answerer.answer(question)
        assert not answer.grounded and answer.reason == "not_covered", question
    # The bank's own step, with the body only in the story, is still answered.
    assert answerer.answer("投资机构已经投了我们800万，投贷联动你们审批要多久").grounded


def test_a_fee_the_documents_never_price_is_not_answered_with_another_figure(answerer: QuestionAnswerer):
    # 科技贷's documents name no guarantee fee; 专精特新贷's give its ceiling.
    unpriced = answerer.answer("科技贷要加政府性融资担保机构担保的话，担保费收几个点？")
    assert not unpriced.grounded
    priced = answerer.answer("专精特新贷找政府担保公司担保，担保费大概几个点")
    assert priced.grounded and "担保费率一般不超过1%" in priced.answer
    # A fee the bank bears is stated: who pays is answered.
    assert "由锦程银行承担" in answerer.answer("抵押贷评估费谁出").answer
    # A fee the bank says it never charges on any loan is stated for every product; another fee
    # with the same ending (资金管理费 is not an account's 管理费) is not.
    assert answerer.answer("科技贷收不收贷款承诺费").grounded
    assert not answerer.answer("发票贷有年费吗").grounded


def test_a_mistyped_word_of_an_faq_question_is_read_by_its_sound(answerer: QuestionAnswerer):
    # 宽现期 for 宽限期: the word is in no title or heading, only in the FAQ's questions.
    answer = answerer.answer("那有没有宽现期啊，前面一两年只还利息那种", ["我们拿了500多万天使轮，想问下投贷联动"])
    assert "最长12个月的宽限期" in answer.answer


def test_what_the_client_owns_is_not_asked_of_the_bank(answerer: QuestionAnswerer):
    # "have left" is said of the client's patent: nothing the bank is asked to offer.
    assert answerer.answer("For the IP pledge loan, how much protection time must our patent have left?").grounded


def test_a_demand_for_certainty_in_other_words_still_gets_no_promise(answerer: QuestionAnswerer):
    for question in ("你就直说，信用贷我们能不能批，批多少", "你们能确保专精特新贷30天内放款吗",
                     "给个确定的数，知识产权质押贷能贷多少", "科技贷利率你们能不能写进合同里保证3.45",
                     "信用贷最高100万，能不能保证给满"):
        assert "不能事先承诺" in answerer.answer(question).answer, question
    # What the demand is about is still answered from its section: the amount, the time.
    assert cited(answerer.answer("抵押贷能不能保证七成"))[0] == ("抵押贷", "贷款额度")
    assert cited(answerer.answer("税金贷我们A级，你保证30分钟出结果吗"))[0] == ("税金贷", "办理流程与时效")


def test_the_product_the_asking_clause_names_leads_those_the_story_mentions(answerer: QuestionAnswerer):
    question = ("我是做服装加工的，厂子开了五年，最近接了几个外贸大单，资金周转有点紧张，"
                "老板让我问问你们的信用贷最多能借多少？")
    assert cited(answerer.answer(question))[0][0] == "信用贷"


def test_a_legal_form_the_documents_never_mention_is_not_answered_in_english_either(answerer: QuestionAnswerer):
    answer = answerer.answer("Can a sole proprietorship apply for the tax loan?")
    assert not answer.grounded and answer.reason == "not_covered"
    assert "sole proprietor" in answer.answer


def test_how_to_obtain_a_credential_is_not_answered_in_english_either(answerer: QuestionAnswerer):
    answer = answerer.answer("How do I apply for high-tech enterprise certification?")
    assert not answer.grounded and answer.reason == "not_covered"
    # A loan obtained with a certificate is the bank's to describe.
    assert answerer.answer("How can we get a loan with our patent certificate?").grounded


def test_an_english_security_is_read_through_the_glossary(answerer: QuestionAnswerer):
    # "house" is the glossary's word for the documents' residential property; a car is in no passage.
    assert answerer.answer("Can I use my house as collateral?").grounded
    assert not answerer.answer("Can I use my car as collateral?").grounded


def test_a_complaint_story_is_about_no_product_and_its_time_is_the_complaints(answerer: QuestionAnswerer):
    # 办过贷款 and 客户经理 tell the client's story; the time asked is that of handling a complaint.
    answer = answerer.answer("我们去年在你们那办过贷款，最近想投诉一下某个客户经理的服务态度，"
                             "打电话投诉已经一个礼拜了还没回音，想问你们按规定一般多少天之内要给处理结果？")
    assert cited(answer)[0] == ("服务渠道与联系方式", "投诉处理时限")
    assert "15日内作出处理决定" in answer.answer


def test_buying_a_flat_with_the_loan_asks_the_rule_on_use(answerer: QuestionAnswerer):
    answer = answerer.answer("贷出来的钱能不能顺手拿去买套房啊，反正公司以后也要用的")
    assert answer.grounded and "不得用于购买房产" in answer.answer


def test_a_long_message_asking_an_faq_in_its_story_gets_that_entry(answerer: QuestionAnswerer):
    # The entry 纳税信用等级是C级或D级，还能贷款吗 is told in the client's words, in a story.
    answer = answerer.answer("去年税务上出了点问题，纳税信用被评成C级了，还有没有什么办法能在你们这融到资？")
    assert answer.grounded and "足值房产或土地抵押" in answer.answer


def test_who_pays_when_the_debtor_does_not_is_asked_of_repayment(answerer: QuestionAnswerer):
    # The bill's 还款方式 says what happens at maturity: 若承兑人拒付…行使追索权.
    answer = answerer.answer("万一到期对方不付钱咋办？", ["我们收了张商票想在你们这贴现"])
    assert ("票据贴现", "还款方式") in cited(answer) and "行使追索权" in answer.answer


def test_a_topic_in_the_clients_own_affairs_is_their_story_not_their_question(answerer: QuestionAnswerer):
    # 房贷 is no topic of the handbook, but here it is only what the owner is still paying off.
    answer = answerer.answer("我们是一家做医疗影像算法的公司，成立三年，高企证书刚拿到。公司是轻资产，只有一堆服务器，"
                             "老板自己的房子也还在还房贷。想问下科技贷是不是必须拿房产抵押？要是要抵押就算了。")
    assert answer.grounded and "无需提供房产抵押" in answer.answer
    assert not answerer.answer("我想问下你们房贷利率现在多少").grounded


def test_a_fee_rate_is_asked_of_that_fee(answerer: QuestionAnswerer):
    # 担保费率 is the 担保费's rate: 专精特新贷 prices it (一般不超过1%), 科技贷 does not.
    assert "不超过1%" in answerer.answer("专精特新贷的担保费率一般是多少").answer
    assert not answerer.answer("科技贷这边找担保机构的话，担保费率一般是多少").grounded


def test_an_english_question_naming_a_headings_word_gets_that_section(answerer: QuestionAnswerer):
    answer = answerer.answer("What hours can I talk to a real person on your hotline?")
    assert cited(answer)[0][1] == "Customer Service Hotline" and "8:00 to 20:00" in answer.answer


def test_an_faqs_own_example_figure_need_not_be_repeated_to_ask_it(answerer: QuestionAnswerer):
    # 我们公司才成立半年，能在锦程银行贷款吗 is asked by a company of eight months holding bills.
    answer = answerer.answer("我们公司刚成立八个月，做建材贸易的，前几天收了客户几张电子银行承兑汇票，现在急着用钱，"
                             "听说你们好多贷款都要求成立满一年，那像我们这种情况还能办点啥？")
    assert "票据贴现不设成立年限要求" in answer.answer


def test_an_faq_asked_in_other_words_completes_two_products_sections(answerer: QuestionAnswerer):
    # 大客户的单子 in the story names 订单融资 too; the IP loan's FAQ entry still answers the timing.
    answer = answerer.answer("我们公司有三个发明专利，想做质押贷款。你们这边专利评估的钱是谁出？另外评估一般要多久啊，"
                             "年底还有个大客户的单子等着交货。")
    assert "评估费用由锦程银行承担" in answer.answer and "5至10个工作日" in answer.answer
