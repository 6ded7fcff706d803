"""Whether the documents state what a question asks, once the passages to answer from are chosen.

A question about one of our products, worded with the handbook's own words, can still ask for a
detail the handbook never gives (投贷联动的认股选择权约定多少比例, 发票贷的客户集中度超过多少会
降额度). The
nearest section then reads like an answer and is not one. Two general rules, read against the
product's own documents rather than a list of questions:

* **an absent term**: a thing the asking clause asks about (科技贷对年龄有没有要求) that neither
  the passages nor any document about the product mention, while other documents use that very
  word: they speak of it, this product's documents do not.
* **an unstated quantity**: the clause asks how much, how long or what share of a thing
  (认股选择权多少比例, 集中度超过多少), and no sentence about that thing carries a figure, or
  says there is none to pay or what decides it (评估费由本行承担, 不收取保证金, 以当地政策为准).

* **a minimum asked, a maximum given**: 最低能贷多少, 起贷金额, 最短贷多久, when the passages
  give only a ceiling (最高500万元, 最长36个月).
* **a fee unpriced**: 担保费收几个点, 年费要交多少 — a fee the passages and the product's documents
  never name, or name with no figure and no word that there is none to pay (需按约定支付担保费).
* **the time of another step**: 签完合同多久能放款, 评估一般要几天 — the time the client asks is
  that of one step (放款, 评估); a figure for another step (5个工作日内给出审批意见) is not it.

Chinese questions only: English questions are answered from a translated edition whose words
follow the Chinese originals only loosely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import jieba

from assistant.answering.coverage import GENERIC_NOUNS, clause_words
from assistant.answering.guard import asking_clauses
from knowledge_base.aspects import section_aspect, without_conditions
from knowledge_base.chunking import split_sentences
from knowledge_base.glossary import Glossary
from knowledge_base.tokenize import STOPWORDS, is_dictionary_word

# How a clause asks for a figure, and the figure kinds that answer it.
_QUANTITY = re.compile(r"多少|几(?!乎|种|家|项|类|个(?!点|月|工作日))|多久|多长|多大|多高|多低|比例|百分之几")
_LOAN_ASKED = re.compile(r"[贷借融批拿给](的|到|得到|下来)?$")
_FIGURE = re.compile(r"\d|[一二两三四五六七八九十半]+个?(工作日|天|日|月|年|成|倍|周|小时)")
_NOTHING_TO_PAY = re.compile(r"不收取|无需|不需要|免费|免收|承担|不超过|不低于|以.{0,8}为准")
_TERM_TAGS = ("n", "vn")  # things, not doings: 不能, 告诉, 满足 name nothing that could be absent
# Words of the question's setting, or general words for what is asked, never the thing itself.
_SETTING = GENERIC_NOUNS | frozenset("企业 公司 贷款 银行 要求 规定 范围 结果 资质 项目 种类 类型 条件".split())
# A thing is what a question word asks for when one follows it closely: 年龄有没有要求, 手机号多少.
_ASKED_AFTER = re.compile(r"^的?(是|有|在|叫|要|一般|具体|能|可以)?"
                          r"(多少|谁|什么|哪|吗|呢|啥|几|怎么|如何|有没有|要不要)|^(方面)?(有|有没有)(什么|啥)?(要求|限制|规定)")


# A minimum asked of the amount or term, and how a passage states one (a floor, or a range).
_MINIMUM_ASKED = re.compile(r"(最低|最少|至少|最小)(能|可以|要)?(贷|借|批|申请|融|办|贴)?(多少|几)"
                            r"|起贷|起借|起批|起步金额|起点金额|最短(能|可以)?(贷|借|用)?(多久|几)")
_MINIMUM_STATED = re.compile(r"最低|最少|起(贷|借|点|步)|不(低|少)于|至少|最短"
                             r"|\d(万元|元)?(至|到|~|-)\d+(万元|元|个月|年)")
_RATE_WORDS = re.compile(r"利率|利息|年化|点")  # 利率最低多少: a rate's range states its floor
# The steps of a loan's process, as clients and the documents name them; the first is the name used.
_STEPS = {
    "放款": r"放款|下款|到账|提款|提用|打款|放下来|到达|拿到钱|钱.?到",
    "审批": r"审批|批下来|批复|审核|出额度|批(?=[了完]|下来|通过)",
    "评估": r"评估",
    "确认": r"确认",
    "登记": r"登记",
    "尽职调查": r"尽调|尽职调查|调查",
    "备案": r"备案",
    "签约": r"签约|签(订|完|好|了)?合同|签完",
    "再次申请": r"(再|重新)次?(申请|提交|办)",  # after a refusal: 被拒了多久能再申请
}
_STEP_RE = {step: re.compile(p) for step, p in _STEPS.items()}
_TIME_ASKED = re.compile(r"多久|多长时间|几天|几个工作日|几个小时|多少天|多快|什么时候|啥时候")
_DONE = re.compile(r"^(完|好|下来|通过|过了|办妥|完成|了|以后|之后|后)")
_TIME_STATED = re.compile(r"\d+\s*(至\d+)?\s*个?(工作日|天|日|小时|分钟)|当日|当天|实时|即时|即可|立即")
# A fee by name (担保费, 年费, 账户管理费) and a clause asking what it costs or who pays it.
_FEE_ASKED = re.compile(r"多少|几个?点|几|贵不贵|贵吗|怎么收|怎么算|什么标准|多高|收不收|交不交|要不要(交|付|出)?"
                        r"|谁(出|付|承担|掏)|有没有|吗|要钱")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# Words before a fee that do not make it another fee (不收取贷款承诺费: 承诺费 of any loan).
_FEE_CONTEXT = frozenset("贷款 收取 支付 缴纳 交纳 承担 需要 约定 按照 以及 企业 客户 相关 其他 任何".split())
_AFTER = re.compile(r"^.*(以后|之后|后)")  # 抵押登记办妥后2个工作日内放款: the time is of what follows


@dataclass(frozen=True)
class Unstated:
    thing: str
    figure: bool  # True: the documents speak of it but give no figure; False: they never mention it
    time: bool = False  # the figure missing is a time (签完合同多久放款)


class StatedCheck:
    def __init__(self, known: Callable[[str], bool], words: Collection[str], glossary: Glossary,
                 fee_passages: list[str] | None = None) -> None:
        self._fee_passages = fee_passages or []  # the bank's fees for every product
        self._known = known  # whether the knowledge base uses a word at all (税额 in 纳税额 counts)
        self._words = words  # the words the knowledge base uses as such
        self.glossary = glossary

    def _spellings(self, word: str) -> set[str] | None:
        """The word and the bank's words for the same thing (估值 → 评估); None when the word
        names a product (备料 is how clients say 订单融资): a product is not a detail."""
        matches = self.glossary.matches(word)
        if any(m.kind == "product" for m in matches):
            return None
        return {word} | {m.concept for m in matches}

    def terms(self, clause: str) -> list[tuple[int, str, bool]]:
        """(position, word, asked) of the things an asking clause names, aspect wording blanked;
        ``asked`` when a question word follows the word (年龄有没有要求)."""
        out: list[tuple[int, str, bool]] = []
        for start, word, flag in clause_words(clause):
            if (len(word) >= 2 and not word.isascii() and flag.startswith(_TERM_TAGS) and word not in STOPWORDS
                    and word not in _SETTING and not section_aspect(word) and self._known(word)):
                asked = bool(_ASKED_AFTER.search(clause[start + len(word):].lstrip()))
                out.append((start, word, asked))
        return out

    def unstated(self, question: str, passages: list[str], documents: Iterable[str],
                 steps_only: bool = False) -> list[Unstated]:
        """What ``question`` (product names blanked) asks that no passage and no document about
        the product states: a term asked about that they never mention, or the thing whose figure
        is asked and never given. ``documents`` empty: no product in question, passages only."""
        if question.isascii():
            return []
        documents = list(documents)
        corpus = passages + documents
        missing: list[Unstated] = []
        if steps_only:
            return list(dict.fromkeys(u for clause in asking_clauses(question)
                                      for u in _step_time(clause, corpus, _before(question, clause))))
        for clause in asking_clauses(question):
            terms = [(p, w, asked, spellings) for p, w, asked in self.terms(clause)
                     if (spellings := self._spellings(w)) is not None]
            mentioned = {w: any(s in text for s in spellings for text in corpus) for _, w, _, spellings in terms}
            if documents:
                # Only a word the knowledge base itself uses (年龄, in another product's conditions):
                # one it merely contains (税额 in 纳税总额) is the client's wording for what it says.
                missing += [Unstated(w, False) for _, w, asked, _ in terms
                            if asked and not mentioned[w] and w in self._words]
            quantity = _QUANTITY.search(without_conditions(clause))  # not 晚还几天 ("a few days")
            if quantity and _LOAN_ASKED.search(clause[max(0, quantity.start() - 3):quantity.start()]):
                quantity = None  # A级能贷多少: what is counted is the loan, the grade is its condition
            before = [(p, w, spellings) for p, w, _, spellings in terms if quantity and p < quantity.start()]
            if before and mentioned[before[-1][1]]:
                start, thing, spellings = before[-1]  # the nearest thing before 多少: 集中度超过多少
                about = [s for text in corpus for s in split_sentences(text) if any(w in s for w in spellings)]
                if not any(_FIGURE.search(s) or _NOTHING_TO_PAY.search(s) for s in about):
                    missing.append(Unstated(_compound(clause, start, thing), True))
            # (A step asked of no product is checked against the passages chosen: 评估要几天 answered
            # with some product's process would be another product's time.)
            missing += _step_time(clause, corpus, _before(question, clause))
            missing += _fee(clause, corpus + self._fee_passages)
            if documents:
                missing += self._minimum(clause, passages, terms)
        return list(dict.fromkeys(missing))

    @staticmethod
    def _minimum(clause: str, passages: list[str], terms: list[tuple[int, str, bool, set[str]]]) -> list[Unstated]:
        """最低能贷多少 answered by passages that give only a ceiling: the floor is not stated. When
        the clause names what the floor is of (商标剩余有效期至少几年), a floor of that thing."""
        asked = _MINIMUM_ASKED.search(clause)
        if asked is None or _RATE_WORDS.search(clause):
            return []
        of = [spellings for p, _, _, spellings in terms if p < asked.start()][-1:]
        # A sentence stating a floor of something other than a rate (利率最低的是哪个产品 is not one).
        if any(_MINIMUM_STATED.search(s) and not _RATE_WORDS.search(s)
               and all(any(w in s for w in spellings) for spellings in of)
               for text in passages for s in split_sentences(text)):
            return []
        return [Unstated("期限" if "最短" in asked.group(0) else "额度", True)]


def _step_time(clause: str, corpus: list[str], told: str = "") -> list[Unstated]:
    """The time of the step a clause asks about (签完合同多久能放款: 放款; 评估一般要几天: 评估),
    when no sentence of the passages or the product's documents gives a time for that step.
    ``told``: the message before the clause, where the step counted from may be (审批过了，…多久放款)."""
    when = _TIME_ASKED.search(clause)
    if when is None:
        return []
    found = [(m.start(), m.end(), step) for step, pattern in _STEP_RE.items() for m in pattern.finditer(clause)]
    done = _completed(clause[:when.start()]) | _completed(told)
    after = [(s, step) for s, _, step in found if when.end() <= s <= when.end() + 4]
    before = [(e, step) for _, e, step in found if when.start() - 8 <= e <= when.start() and step not in done]
    if after:
        step = min(after)[1]
    elif before:
        step = max(before)[1]
    else:
        return []
    # The approval is the gate to the money: its time answers 多久放款 unless the client asks from
    # after it (批下来以后几天能放款, 签完合同多久放款).
    answering = {step} | ({"审批"} if step == "放款" and not done & {"审批", "签约"} else set())
    for text in corpus:
        for part in re.split(r"[，,；;。\n]", text):
            part = _AFTER.sub("", part)
            if _TIME_STATED.search(part) and any(_STEP_RE[s].search(part) for s in answering):
                return []
    mentioned = any(_STEP_RE[step].search(text) for text in corpus)
    return [Unstated(step, True, time=True) if mentioned else Unstated(step, False)]


def _fee(clause: str, corpus: list[str]) -> list[Unstated]:
    """A fee asked what it costs (担保费收几个点) that no sentence of the passages or the product's
    documents names with a figure, or with a word that there is none to pay (由锦程银行承担)."""
    fees = _fees(clause) if _FEE_ASKED.search(clause) else []
    if not fees:
        return []
    sentences = [s for text in corpus for s in split_sentences(text)]  # read once for every fee named
    missing = []
    for fee in fees:
        about = [s for s in sentences if _same_fee(s, fee, clause)]
        if not any(_FIGURE.search(s) or _NOTHING_TO_PAY.search(s) for s in about):
            missing.append(Unstated(fee, bool(about)))
    return missing


def _same_fee(sentence: str, fee: str, clause: str) -> bool:
    """Whether ``sentence`` speaks of the fee the clause asks about: 开户手续费 is not the 手续费 of a
    discount, a word before the fee that the client did not use makes it another one."""
    for m in re.finditer(re.escape(fee), sentence):
        qualifier = sentence[max(0, m.start() - 2):m.start()]
        if (len(qualifier) < 2 or not _CJK.fullmatch(qualifier) or qualifier in clause
                or qualifier in _FEE_CONTEXT or not is_dictionary_word(qualifier)):
            return True
    return False


def _fees(clause: str) -> list[str]:
    """The fees a clause names: a word ending in 费 (管理费, 年费), or 费 with the word before it
    (担保 + 费); 费用, fees in general, names none."""
    words = jieba.lcut(clause, HMM=False)
    fees = []
    for i, word in enumerate(words):
        if word in ("费", "费率") and i and _CJK.fullmatch(words[i - 1]):
            fees.append(words[i - 1] + "费")  # 担保 + 费率: the rate of the 担保费
        elif len(word) >= 2 and word.endswith("费") and _CJK.fullmatch(word):
            fees.append(word)
        elif len(word) >= 4 and word.endswith("费率") and _CJK.fullmatch(word):
            fees.append(word[:-1])
    return fees


def _completed(text: str) -> set[str]:
    """The steps ``text`` tells as done (签完合同, 批下来以后, 审批过了): the ones a time is counted from."""
    return {step for step, pattern in _STEP_RE.items() for m in pattern.finditer(text)
            if _DONE.match(text[m.end():m.end() + 2]) or re.search("[完好了]", m.group(0))}


def _before(question: str, clause: str) -> str:
    """What the message says before ``clause`` (where the step a time counts from may be)."""
    return question[:question.find(clause)] if clause in question else ""


def _compound(clause: str, start: int, word: str) -> str:
    """The word with the nouns right before it, as the client wrote them (认股 + 选择权 → 认股选择权):
    how the thing is named back to the client."""
    for position, token, flag in reversed(list(clause_words(clause[:start]))):
        if not token or position + len(token) != start or not flag.startswith(_TERM_TAGS):
            break
        start, word = position, token + word
    return word
