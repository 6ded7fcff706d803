"""Routing a turn: rules first (offline, readable by compliance), the knowledge base second.

Rules catch what must never be missed (a complaint, a request for a person); the knowledge base
decides between a financing question and something out of scope. An LLM classifier could be
consulted for the undecided rest, but routing never depends on one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.answering.guard import classify_scope
from assistant.answering.service import Answer, QuestionAnswerer

Route = Literal["question", "complaint", "withdraw_complaint", "lead", "document", "handover", "greeting",
                "thanks", "out_of_scope"]
ROUTES: tuple[str, ...] = ("question", "complaint", "withdraw_complaint", "lead", "document", "handover", "greeting",
                           "thanks", "out_of_scope")

HANDOVER = re.compile(
    r"转人工|人工客服|跟人说|和人说|人工服务|找人工|要人工|接人工|转接人工|^人工$|真人|活人|找客服|客服人员|不想和机器|不要机器人|跟机器人说不清"
    r"|找(你们)?(客户)?经理(聊|谈|说)|让.{0,4}(工作人员|经理).{0,4}(联系|打电话)"
    r"|\bhuman\b|real person|\bagent\b|speak (to|with) (someone|a person|staff)|talk to (someone|a person|staff)"
    r"|live (chat|person|support)|customer service (rep|representative)",
    re.I,
)
WITHDRAW = re.compile(
    r"(撤销|撤回|取消|收回|不再)(我的|这个|那个|刚才的|之前的)?投诉|投诉.{0,8}(撤销|撤回|不用处理了|取消掉|算了)|不投诉了"
    r"|withdraw.{0,20}complaint|cancel.{0,12}complaint|drop.{0,12}complaint",
    re.I,
)
COMPLAINT = re.compile(
    r"投诉|举报|维权|申诉|乱扣|乱收|多扣|被扣|扣了我|扣我|盗刷|被骗|骗了|骗子|坑人|欺诈|算错|态度.{0,3}(差|恶劣|不好)|服务.{0,2}(差|烂)"
    r"|不满意|太过分|12378|起诉|律师|曝光|泄露|泄漏|骚扰|一直没人处理|没人管|讨个说法|给个说法|退钱|退还"
    r"|complain|complaint|unauthori[sz]ed|without (our |my )?permission|rude|overcharg|ripped off|\bscam|fraud|refund",
    re.I,
)
# Questions about the complaint process are questions, not complaints (投诉一般多久处理完？).
COMPLAINT_PROCESS_QUESTION = re.compile(
    r"投诉.{0,8}(多久|几天|时限|期限|流程是|电话是|热线是|渠道有哪些|怎么处理的)|how long.{0,30}complaint", re.I)
LEAD = re.compile(
    r"(想|要|需要|打算|准备|希望|计划|急需|想要)(申请|办|贷|借|融资|一笔|资金|周转)|帮我(申请|办|贷)|给我(贷|批)"
    r"|(缺|差)(钱|资金)|资金(紧张|周转不过来|缺口)|有(融资|贷款|资金)需求|怎么(才能)?贷到|能(给|帮)我们?贷"
    r"|\b(want|need|would like|'d like|looking)\b.{0,12}\b(loan|borrow|financing|funding|credit line|apply)"
    r"|apply(ing)? for (a |the )?(loan|financing|credit)",
    re.I,
)
DOCUMENT = re.compile(
    r"(上传|发给你|发你|帮我看|看看|核验|验证|识别|检查|审核|验真|查验).{0,10}(发票|合同|营业执照|执照|图片|照片|文件|pdf|扫描件)"
    r"|(发票|合同|营业执照).{0,8}(真假|真伪|核验|验真|查验|识别|看一下|有没有问题)"
    r"|(check|verify|upload|look at).{0,20}(invoice|contract|licence|license|document)",
    re.I,
)
FINANCE = re.compile(
    r"贷|融资|利率|利息|额度|还款|抵押|担保|授信|征信|开户|账户|发票|票据|贴现|网点|客服|热线|材料|审批|放款|续贷|逾期|年费|手续费"
    r"|投诉|银行|\bloan|interest|rate|credit|collateral|repay|branch|account|invoice|mortgage|guarantee|financ",
    re.I,
)
QUESTION_SHAPE = re.compile(
    r"[?？]|吗|呢|多少|怎么|什么|哪些|哪个|哪里|几|能否|可以.{0,4}吗|是否|how|what|which|can i|do you", re.I)


@dataclass
class RouteDecision:
    route: Route
    answer: Answer | None = None  # the knowledge base's answer when it was consulted


class Router:
    def __init__(self, answerer: QuestionAnswerer) -> None:
        self.answerer = answerer

    def route(self, text: str, has_attachment: bool = False, history: list[str] | None = None) -> RouteDecision:
        if has_attachment:
            return RouteDecision("document")
        head = text.strip()[:2000]
        if not head:
            return RouteDecision("out_of_scope")
        rule = self.rule_route(head)
        if rule is not None:
            return RouteDecision(rule)
        answer = self.answerer.answer(head, history, use_llm=False)
        if answer.reason in ("greeting", "thanks"):
            return RouteDecision(answer.reason, answer)  # type: ignore[arg-type]
        if answer.reason in ("injection", "chitchat"):
            return RouteDecision("out_of_scope", answer)
        if answer.grounded or FINANCE.search(head):
            return RouteDecision("question", answer)
        return RouteDecision("out_of_scope", answer)

    @staticmethod
    def rule_route(text: str) -> Route | None:
        scope = classify_scope(text)
        if scope == "injection":
            return "out_of_scope"
        if HANDOVER.search(text):
            return "handover"
        if WITHDRAW.search(text):
            return "withdraw_complaint"
        if COMPLAINT.search(text) and not COMPLAINT_PROCESS_QUESTION.search(text):
            return "complaint"
        if LEAD.search(text):
            return "lead"
        if DOCUMENT.search(text):
            return "document"
        if scope in ("greeting", "thanks"):
            return scope
        return None

    def is_digression(self, text: str, flow: str) -> RouteDecision | None:
        """A question or pleasantry in the middle of a flow: answer it, then resume at the same step."""
        head = text.strip()[:2000]
        scope = classify_scope(head)
        if scope in ("greeting", "thanks"):
            return RouteDecision(scope)
        if flow == "complaint" and COMPLAINT.search(head) and not COMPLAINT_PROCESS_QUESTION.search(head):
            return None  # part of the complaint, not a side question
        if not QUESTION_SHAPE.search(head):
            return None
        answer = self.answerer.answer(head, use_llm=False)
        return RouteDecision("question", answer) if answer.grounded else None
