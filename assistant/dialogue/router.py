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

Route = Literal["question", "complaint", "withdraw_complaint", "complaint_status", "lead", "document", "handover",
                "greeting", "thanks", "out_of_scope"]
ROUTES: tuple[str, ...] = ("question", "complaint", "withdraw_complaint", "complaint_status", "lead", "document",
                           "handover", "greeting", "thanks", "out_of_scope")

HANDOVER = re.compile(
    r"转人工|人工客服|跟人说|和人说|人工服务|找人工|要人工|接人工|转接人工|^人工$|真人|活人|找客服|客服人员|不想和机器|不要机器人|跟机器人说不清"
    r"|找(你们)?(客户)?经理(聊|谈|说)|让.{0,4}(工作人员|经理).{0,4}(联系|打电话)|转[人仁认任]工|转人$"
    r"|(客户)?经理的?(电话|手机|联系方式).{0,3}(给我|发我|告诉我|多少)|(给我|要).{0,3}(客户)?经理的?(电话|联系方式)"
    r"|talk to (a |an |the |your )?(relationship manager|manager|banker|staff member|representative)"
    r"|(让|叫|请).{0,4}(客户经理|经理|工作人员|人工|客服).{0,6}(打给我|联系我|给我打|打电话|回电)"
    r"|(跟|和|找)(你们的?)?(工作人员|人工|真人|客户经理).{0,4}(通话|说|谈|聊|沟通)|联系.{0,2}人工|^人工[!！。.\s]*$"
    r"|找(个|一个)?.{0,4}人(来)?(跟|和)我(说|讲|聊)"
    r"|(relationship manager|someone|a person|staff|an agent).{0,20}call (me|us)"
    r"|\bhuman\b|real person|\bagent\b|speak (to|with) (someone|a person|staff)|talk to (someone|a person|staff)"
    r"|live (chat|person|support)|customer service (rep|representative)",
    re.I,
)
# 人工服务是几点到几点？ asks about the service, it does not ask for it.
HANDOVER_INFO = re.compile(r"几点|营业时间|服务时间|什么时候|工作时间|opening hours|what time", re.I)
WITHDRAW = re.compile(
    r"(撤销|撤回|取消|收回|不再)(我的|这个|那个|刚才的|之前的)?投诉|投诉.{0,8}(撤销|撤回|不用处理了|取消掉|算了|撤了|撤掉|取消吧|作废)"
    r"|不投诉了"
    r"|withdraw.{0,20}complaint|cancel.{0,12}complaint|drop.{0,12}complaint",
    re.I,
)
COMPLAINT = re.compile(
    r"投诉|投述|举报|维权|申诉|乱扣|乱收|多扣|被扣|扣了我|扣我|盗刷|被骗|骗了|骗子|坑人|欺诈|算错|态度.{0,3}(差|恶劣|不好)|服务.{0,2}(差|烂)"
    r"|不满意|太过分|12378|起诉|律师|曝光|泄露|泄漏|骚扰|一直没人处理|没人管|讨个说法|给个说法|退钱|退还"
    r"|complain|complaint|unauthori[sz]ed|without (our |my )?permission|rude|overcharg|ripped off|\bscam|fraud|refund",
    re.I,
)
# Asking where a complaint stands (我的投诉处理到哪了 / status of TS-…): a lookup, not a new complaint.
COMPLAINT_STATUS = re.compile(
    r"(投诉|工单|单号|TS-?\d{8}-?\d{4}).{0,20}(进度|进展|处理到|到哪|哪一步|状态|怎么样了|有人跟进|跟进了吗|有结果|有没有结果"
    r"|什么时候有结果|处理了吗|处理好了吗|办到哪|处理了没|受理了吗|怎么还没|为啥延期|为什么延期|延期了)"
    r"|查(询|一下|下|查)?.{0,8}(投诉|工单).{0,4}(进度|进展|状态|结果)|check on (my |the )?(ticket|complaint)"
    r"|(status|progress|update).{0,30}(complaint|ticket)|(complaint|ticket).{0,40}(status|progress|update)",
    re.I)
# …and about one's own complaint (投诉之后多久能有结果？ is about the process).
MINE = re.compile(r"我|我们|那个|这个|刚才|之前|上次|单号|工单|TS-?\d|\bmy\b|\bour\b|ticket", re.I)
# Questions about the complaint process are questions, not complaints (投诉一般多久处理完？): a message
# that mentions complaining, is shaped as a question and reports no grievance of its own.
COMPLAINT_PROCESS_QUESTION = re.compile(
    r"投诉.{0,8}(多久|几天|时限|期限|流程是|电话是|热线是|渠道有哪些|怎么处理的)|how long.{0,30}complaint"
    r"|(哪些|什么|怎么|如何|哪里|哪个).{0,6}(渠道|途径|方式|电话).{0,4}投诉|投诉.{0,10}(结果|处理).{0,10}(不满意|还能|怎么办)"
    r"|(how|where|what).{0,30}(complain|complaint)", re.I)
GRIEVANCE = re.compile(
    r"我要投诉|要投诉|想投诉|投诉你们|投诉一下|必须投诉|扣了|收了我|多扣|乱收|乱扣|被扣|盗刷|态度.{0,3}(差|恶劣)|骂|骗"
    r"|i want to complain|i'd like to complain|charged (us|me)|without (our|my) consent|rude", re.I)
# 最多能贷多少 / What documents do I need to apply…: financing interest asked as a question is answered
# (and registering is offered); 帮我申请 / 想贷300万扩产 is the request itself.
APPLY_NOW = re.compile(r"帮我们?(申请|办|登记|贷)|(申请|办|贷)吧|我要(申请|办理)|给我们?(办|申请)|想申请|要申请"
                       r"|能帮我们?(贷|申请|办)|help (us|me) apply|i'?d like to apply|we want to apply"
                       r"|\d+(\.\d+)?\s*(万|亿|w\b)|[一二两三四五六七八九十百千]+\s*(万|亿)"
                       r"|\b\d+(\.\d+)?\s*(million|k)\b|sign me up|please (register|apply)", re.I)
LEAD = re.compile(
    r"(想|要|需要|打算|准备|希望|计划|急需|想要)(申请|办|贷|借|融资|一笔|资金|周转|贴现)|帮我(申请|办|贷)|给我(贷|批)"
    r"|(想|要|需要|打算|准备)(?!了解|问|咨询|知道|看看)[^，,。？?]{0,8}(贷款|融资|借款)|缺口|(给|帮)我们?办"
    r"|(贷|借|融资)\s*\d+(\.\d+)?\s*(万|亿|w\b)|(还是|那就?)(办|申请|贷)吧|想\s*apply|[带代待]款\s*\d"
    r"|(需要|想要|要|想|缺|差)\s*[\d一二两三四五六七八九十百千.]+\s*(个)?(万|亿|w\b)"
    r"|(想|要|需要|打算|准备)(做|办|搞|弄|用).{0,8}(融资|贷款|贷)"
    r"|[\d一二两三四五六七八九十百千]\s*(万|亿|w\b).{0,6}(扩产|扩大|设备|进货|备货|周转|流动资金|研发|装修|抵押|抵压)"
    r"|\b(we|i)\s+(need|want|would like|'d like)\s+(about\s+)?(rmb\s*|cny\s*|¥)?\d+(\.\d+)?\s*"
    r"(million|m\b|k\b|thousand)"
    r"|(缺|差)(钱|资金)|资金(紧张|周转不过来|缺口)|有(融资|贷款|资金)需求|怎么(才能)?贷到|能(给|帮)我们?贷"
    r"|\b(want|need|would like|'d like|looking)\b.{0,12}\b(loan|borrow|financing|funding|credit line|apply"
    r"|working capital)"
    r"|apply(ing)? for (a |the )?(loan|financing|credit)",
    re.I,
)
PERSONAL = re.compile(r"买(辆|台|个)?车.{0,4}(自己|家用|家里)|(自己|家里|家用|私家)(开|住)的?|个人(消费|住房|买房|买车)"
                      r"|(房贷|车贷)(利率|多少|怎么)|for my (own )?(car|house|flat|apartment)|personal loan", re.I)
DOCUMENT = re.compile(
    r"(上传|发给你|发你|帮我看|看看|核验|验证|识别|检查|审核|验真|查验).{0,10}(发票|合同|营业执照|执照|图片|照片|文件|pdf|扫描件)"
    r"|(发票|合同|营业执照).{0,8}(真假|真伪|核验|验真|查验|识别|看一下|有没有问题)"
    r"|(check|verify|upload|look at).{0,20}(invoice|contract|licence|license|document)"
    r"|(发票|合同|营业执照|执照|承兑汇票|汇票).{0,12}(发给你|发你|发过来|给你看|核对|核一下|核下|看下|对不对|扫描件|副本)"
    r"|(发|传)(几张|一张|个|份)?.{0,4}(发票|合同|执照).{0,4}给你"
    r"|(here'?s|here is|attached).{0,20}(invoice|contract|licen[cs]e)"
    r"|(invoice|contract).{0,30}(valid|genuine|real)",
    re.I,
)
FINANCE = re.compile(
    r"贷|融资|利率|利息|额度|还款|抵押|担保|授信|征信|开户|账户|发票|票据|贴现|网点|客服|热线|材料|审批|放款|续贷|逾期|年费|手续费"
    r"|投诉|银行|\bloan|interest|rate|credit|collateral|repay|branch|account|invoice|mortgage|guarantee|financ",
    re.I,
)
# Greetings and thanks said in a few words (好的，谢谢 / Thank you so much! / 你好呀小助手).
SMALL_TALK_FILLER = (r"(好的?|好嘞|嗯|哦|ok|okay|明白了|清楚了|知道了|了解了|很清楚了|没有其他问题了"
                     r"|没别的了|再见|拜拜|bye|啊|呀|啦|哈|你|您"
                     r"|非常|很|so much|a lot|very much|小助手|助手|there|打扰了|喂|[，,。.!！?？~\s])*")
GREETING = re.compile(rf"^{SMALL_TALK_FILLER}(你好|您好|hi|hello|hey|good (morning|afternoon|evening)"
                      r"|早上好|下午好|晚上好|新年好"
                      rf"|在吗|嗨|哈喽){SMALL_TALK_FILLER}$", re.I)
THANKS = re.compile(rf"^{SMALL_TALK_FILLER}(谢谢|多谢|感谢|谢啦|谢了|thanks?|thank you|thx|辛苦了)(你的帮助|解答|感谢)?"
                    rf"{SMALL_TALK_FILLER}(谢谢|感谢)?{SMALL_TALK_FILLER}$", re.I)
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
        # A request to deceive the bank gets its fraud warning, however little it says of loans
        # (营业执照上的成立时间能不能改早一点): not the general "I cannot help with that".
        if answer.grounded or answer.reason == "fraud" or FINANCE.search(head):
            return RouteDecision("question", answer)
        return RouteDecision("out_of_scope", answer)

    @staticmethod
    def rule_route(text: str) -> Route | None:
        scope = classify_scope(text)
        if scope == "injection":
            return "out_of_scope"
        if HANDOVER.search(text) and not HANDOVER_INFO.search(text):
            return "handover"
        if WITHDRAW.search(text):
            return "withdraw_complaint"
        if COMPLAINT_STATUS.search(text) and MINE.search(text) and not GRIEVANCE.search(text):
            return "complaint_status"
        if COMPLAINT.search(text) and not _asks_about_complaining(text):
            return "complaint"
        if PERSONAL.search(text):
            return "out_of_scope"  # the bank's SME assistant does not take personal loans
        if LEAD.search(text) and not (QUESTION_SHAPE.search(text) and not APPLY_NOW.search(text)):
            return "lead"
        if DOCUMENT.search(text):
            return "document"
        if scope in ("greeting", "thanks"):
            return scope
        if len(text) <= 30 and THANKS.match(text.strip()):
            return "thanks"
        if len(text) <= 30 and GREETING.match(text.strip()):
            return "greeting"
        return None

    @staticmethod
    def wants_financing(text: str) -> bool:
        """A question that shows interest in financing (最多能贷多少): registering is offered after the answer."""
        return bool(LEAD.search(text))

    def is_digression(self, text: str, flow: str) -> RouteDecision | None:
        """A question or pleasantry in the middle of a flow: answer it, then resume at the same step."""
        head = text.strip()[:2000]
        scope = classify_scope(head)
        if scope in ("greeting", "thanks"):
            return RouteDecision(scope)
        if flow == "complaint" and COMPLAINT.search(head) and not _asks_about_complaining(head):
            return None  # part of the complaint, not a side question
        if not QUESTION_SHAPE.search(head):
            return None
        answer = self.answerer.answer(head, use_llm=False)
        return RouteDecision("question", answer) if answer.grounded else None


def _asks_about_complaining(text: str) -> bool:
    """投诉一般多久处理完 / 可以通过哪些渠道投诉: about the process, with no grievance of its own."""
    if COMPLAINT_PROCESS_QUESTION.search(text) and not GRIEVANCE.search(text):
        return True
    return bool(QUESTION_SHAPE.search(text) and re.search(r"投诉|complain", text, re.I) and not GRIEVANCE.search(text)
                and not re.search(r"扣|收费|费|骗|泄露|骚扰", text))
