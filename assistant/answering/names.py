"""Names: a question asking for them is answered only by a passage that gives some.

A handbook says that appraisal firms, partner investors and relationship managers exist; it does
not say which. A question asking which (哪几家评估机构, 红杉算不算你们认可的机构, 客户经理姓王…他的
新号码) is answered only by a passage that names a person, place or organisation other than the
bank's own, and an English question naming a place or firm no passage uses (a branch in Shanghai)
is not answered at all.

A step another body takes (去不动产登记中心办登记要多久, 担保公司那边审批要多久, 投资机构他们内部
投决多久) is that body's procedure: the documents describe the bank's own steps only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import jieba.posseg as pseg

from assistant.answering.guard import CLAUSE_ENDS, asking_clauses
from knowledge_base.index import KnowledgeBaseIndex

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
             "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤")
# A member of staff by surname, anywhere in the message (那个王经理, 客户经理姓王): the documents name no one.
_NAMED_STAFF = re.compile(rf"[{_SURNAMES}](经理|行长|主任|专员|总监)|(经理|行长|主任|专员|总监)姓[{_SURNAMES}]")
# Asking for names (哪几家评估机构, 合作企业名单, 审批人是谁, which firm): answered only by a passage
# that names some, not by one that says such firms exist.
_NAMING = re.compile(r"哪几家|哪一家|哪家|是谁|谁是|名单|名录"
                     r"|(经理|负责人|行长|审批人|联系人)的?(叫什么|叫啥|姓什么|姓啥|名字)"
                     r"|哪个(支行|分行|网点|营业厅|部门)"
                     # Whether a named party is one of the bank's partners (…是你们的合作投资机构吗).
                     r"|(是|算|算不算|属于|属不属于)(你们|贵行|本行)?的?.{0,10}(合作|指定|认可|准入)"
                     r".{0,6}(机构|地区|城市|企业|公司|银行|伙伴|园区|单位)"
                     r"|都有哪些(机构|公司|企业|银行|城市|地区|单位)"
                     r"|(机构|公司|银行|城市|地区|单位)(都|还)?有哪些|哪些(城市|地区|机构|公司|银行)"
                     r"|which ([a-z-]+ )?(firms?|compan(y|ies)|banks?|institutions?|cit(y|ies)|regions?)"
                     r"|who is|list of", re.I)
_NAME_TAGS = ("nr", "ns", "nt")
_TITLECASE = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]{2,}\b")  # not the first word of a sentence
_COMMON_CAPITALISED = frozenset("i'm i've i'd mr mrs ms dr".split())
_ORGANISATION = re.compile(r"(公司|集团|银行|局|委|会|院|所|中心|机构|基金|资本|创投|厅|部|署|办|社|行)$")
_LEADING_FUNCTION = re.compile(r"[之的于在从自以]")  # 之日起, tagged a place, names nothing
_LEADING_FUNCTION_WORDS = re.compile(r"^(那个|这个|我们|你们|他们|说|是|要|就|的)+")
_ENGLISH_NAME = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z][a-z]+ )*(?:Co|Ltd|Inc|Bank|Group|City|Province)\b")
OWN_NAME_PASSAGES = 3
# Another body, by the suffix of its name (不动产登记中心, 国家知识产权局, 政府性融资担保公司).
_BODY = r"[\u4e00-\u9fff]{1,10}?(?:总局|局|中心|机构|公司|法院|委员会|事务所)"
# Where a step is done (去不动产登记中心办, 在国家知识产权局办) or whose side it is on (担保公司那边,
# 他们内部): the client asks about that body's procedure, not the bank's.
_AT_BODY = re.compile(rf"(?:去|在|到)(?P<at>{_BODY})(?:那边|那里|那儿)?(?:办|申请|登记|交|排队|审)"
                      rf"|(?P<side>{_BODY})(?:那边|那里|那儿|内部)|(?P<they>他们|对方)(?:内部|那边)")
_STEP_ASKED = re.compile(r"多久|几天|多长时间|怎么办|怎么弄|怎么申请|流程|手续|材料|资料|带啥|带什么|答复|排队"
                         r"|网上能办")
_OURS = re.compile(r"你们|贵行|银行|本行")


class NameCheck:
    def __init__(self, kb: KnowledgeBaseIndex, known: Callable[[str], bool]) -> None:
        self.kb = kb
        self.known = known  # whether the knowledge base uses a word at all

    def unknown_english_names(self, question: str) -> list[str]:
        """Names in an English question (a capitalised word mid-sentence: a branch in Shanghai,
        Sequoia as a partner) that no passage uses."""
        return [w for w in dict.fromkeys(_TITLECASE.findall(question.strip()))
                if w.lower() not in _COMMON_CAPITALISED and not self.known(w.lower())]

    def asks_for_names(self, question: str) -> bool:
        """Whether a question asks for names, or is about a person it names anywhere (客户经理姓王,
        那个李经理…他的新号码): the documents name no member of staff."""
        return bool(_NAMED_STAFF.search(question)) or any(_NAMING.search(c) for c in asking_clauses(question))

    def names_any(self, passages: list[str], own: set[str]) -> bool:
        """Whether a passage names a person, place or organisation other than ``own`` (the bank,
        its products): what a question asking for names needs."""
        for text in passages:
            for m in _ENGLISH_NAME.finditer(text):
                if not self._everywhere(m.group(0)):
                    return True
            for word, flag in pseg.cut(text):
                # jieba tags many two-character words as names (齐全, 上门): three characters, or a
                # place with its suffix (朝阳区), is a name.
                named = ((len(word) >= 3 or (flag == "ns" and word[-1] in "省市区县"))
                         and not _LEADING_FUNCTION.match(word)
                         and (flag != "nt" or _ORGANISATION.search(word)))  # 新兴产业: tagged nt, no body
                if (flag in _NAME_TAGS and named and not any(word in o or o in word for o in own)
                        and not self._everywhere(word) and not _owned(text, word, own)):
                    return True
        return False

    def steps_of_others(self, question: str) -> list[str]:
        """The body whose own step the client asks the time or procedure of (去不动产登记中心办抵押登记
        要带啥材料, 投资机构…他们内部投决要多久), in the clause naming it or one right after that does
        not turn to the bank; empty when none."""
        clauses = asking_clauses(question)
        for m in _AT_BODY.finditer(question):
            body = m.group("at") or m.group("side") or self._named_before(question[:m.start()])
            if not body or _OURS.search(body):
                continue
            after = question[max(question.rfind(d, 0, m.start()) for d in CLAUSE_ENDS) + 1:]
            asked = [c for c in clauses if c in after][:2]
            if any(_STEP_ASKED.search(c) and not _OURS.search(c) for c in asked):
                return [f"{_LEADING_FUNCTION_WORDS.sub('', body)}的办理手续和时间"]
        return []

    @staticmethod
    def _named_before(text: str) -> str:
        """The last body a message names before 他们 / 对方 (投资机构给了意向书，他们内部…)."""
        found = re.findall(_BODY, text)
        return found[-1] if found else ""

    def _everywhere(self, name: str) -> bool:
        """A name in many passages is the bank's own (Jincheng Bank, 网上银行), not one a client asks for."""
        return sum(1 for c in self.kb.chunks if name in c.text) >= OWN_NAME_PASSAGES


def _owned(text: str, name: str, own: set[str]) -> bool:
    """锦程银行企业网上银行: a name right after the bank's own is its own channel, not another party."""
    return any(re.search(rf"{re.escape(o)}.{{0,4}}{re.escape(name)}", text) for o in own if len(o) >= 2)

