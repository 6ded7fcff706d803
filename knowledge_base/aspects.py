"""What a question asks (its *aspect*) and what a section is about, in the same terms.

A product handbook is organised by aspect: every product document has a 贷款额度, a 参考利率, a
贷款期限 section. So a section's aspect is read from its heading, and a question's aspect from
general wording of the language (多少钱, 几成, how much → amount), not from a bank's glossary;
the words of the knowledge base's own headings are learned on top (``AspectVocabulary``), so a
bank whose handbook has a 收费标准 section gets "收费" questions sent there without any setup.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Each aspect: how headings name it, and how clients ask about it (Chinese and English).
# Order matters where two overlap: the first listed wins for a heading.
_HEADINGS: dict[str, str] = {
    "complaint": r"投诉|complain",
    "fees": r"费用|收费|不会收取|fees?\b|charges?",
    "amount": r"额度|金额|amount|(credit|loan) limit",
    "rate": r"利率|利息|interest|rate",
    "term": r"期限|\bterm\b|tenor",
    "materials": r"材料|资料|documents|materials",
    "eligibility": r"条件|适用对象|准入|eligib|who can apply",
    "guarantee": r"担保|抵押|质押|collateral|guarantee|security",
    "repayment": r"还款|repay",
    "process": r"流程|时效|时限|步骤|process|steps|how long|timing|turnaround|time limit",
    "channel": r"热线|网点|渠道|客户经理|联系|hotline|branch|channels?|contact|relationship manager|online",
    "fraud": r"诈骗|密码|账户.{0,2}安全|fraud|scam|password",
    "privacy": r"个人信息|隐私|personal (data|information)|privacy",
    "use": r"资金用途|用途|use of (funds|proceeds)",
    "approval": r"不承诺|审批结果|no promise|approval (outcome|result)",
    "overview": r"简介|概述|overview|introduction",
}
# Asking to be told it will surely pass, in everyday words (稳了吧, 随便就能过, 通融一下, sure to get):
# an approval aspect here, a demand for a promise in the composer.
CERTAINTY_WORDS = (r"稳了|稳不稳|稳吗|十拿九稳|板上钉钉|没跑|(随便|轻松|容易)就?能?(过|批|通过|贷到)"
                   r"|通融|破例|特批|开个?绿灯|网开一面|(sure|certain|bound) to (get|be approved|pass)")
_QUESTIONS: dict[str, str] = {
    "amount": r"(?<!出)额度|多少钱|贷多少|借多少|拿多少|融多少|给多少|配多少|能借到|能贷到|多少万|几成|几倍"
              r"|[一二两三四五六七八九]成(?![立本功])|[借贷拿融给批](得|到)(更?多|多少)|多少(贷款|额度)|换(来|到)?多少|[借贷拿融批](到|给我)?\d+(\.\d+)?万"
              r"|最多能?[借贷拿融给批]|最多.{0,4}多少(?!年|个月|天)|[借贷拿融给配批贴]多少(?!年|个月|天)|最高(能|可以)?[借贷批]?多少|上限|比例"
              r"|抵押率|质押率|金额的?多少|(贷|借)得?更多|[借贷融拿批抵][^，,。？?利息率期限费]{0,8}的(多少|几成)"
              r"|\bmax\b|\bltv\b|loan[- ]to[- ]value|how (big|large)|(biggest|largest) (loan|amount|credit)"
              r"|how much|amount|limit|up to|maximum|borrow"
              r"|what percentage|how many times",
    "rate": r"利率|利息|年化|息|几个点|多少点|贵不贵|便宜|划算|成本|\d+\.\d+%|价格|价钱|(最低|优惠|最优)的?价"
            r"|interest|\brates?\b|apr|pricing|how expensive|cheap(er|est)?\b|more expensive|costlier",
    "term": r"期限|(借|贷|用|分)(多久|几年|多长|多少年)|最长.{0,4}?(多久|几年|多少年|多长|几个月|多少个月)|几年还"
            r"|多久的(票|贷款)|[借贷用]得?更(久|长)"
            r"|(?<!成立)(?<!经营)年限|多少个月"  # (成立年限 is a condition on the company, not a term)
            r"|\bterm\b|tenor|how long can|how many (years|months)|longest|maximum (term|period|duration)"
            r"|how long (is|are) the (loan|term)",
    "materials": r"材料|资料|准备(什么|哪些|啥)|提交(什么|哪些|啥)|带(什么|哪些|啥)|证件|手续"
                 r"|documents|paperwork|materials"
                 r"|what (do|does|should) (i|we|my company) (need to )?(submit|provide|bring|prepare)",
    "eligibility": r"条件|要求|门槛|资格|符合|够格|准入|(能|可以)(申请|办|做|贷|融资?)\s*吗|能不能(申请|办|做|贷)"
                   r"|谁(能|可以)(办|申请|贷|做)|哪些人(能|可以)|能不能[^，,。？?]{1,5}(贷款|申请|办理?|融资)"
                   r"|有没有戏|没戏|有(没有)?机会.{0,4}(贷|借|申请|办)"
                   r"|\d+\s*(周岁|岁)|多大(岁数|年纪)|几岁"  # the owner's age is a condition (老板60岁了可以吗)
                   r"|(哪些|哪种|什么样?的?|啥样?的?)(企业|公司|客户)(能|可以)?(申请|办|做|贷)"
                   r"|(能|可以)(申请|办|做|贷).{0,6}[不么]$"
                   # 还能拿去质押吗, 能在你们这贴现吗: whether what the client holds qualifies
                   r"|(能|可以)(不能)?[^，,。？?]{0,6}(质押|抵押|贴现)[^，,。？?]{0,4}(吗|不|么)"
                   # 能用这个订单去贷款吗, 能申请你们那个看研发实力的贷款吗: whether the client qualifies
                   r"|(能|可以)(不能)?(用|拿|凭|靠)[^，,。？?]{1,10}(贷款?|借|融资?|申请)[^，,。？?]{0,2}(吗|么|不)"
                   r"|(能|可以)申请[^，,。？?]{1,12}(贷款?|融资)[^，,。？?]{0,2}(吗|么|不)"
                   r"|还能[^，,。？?]{0,10}(贷|借|申请|办|融资)|行不行|也(行|可以|能)吗|最[少低]要(?![借贷])|至少要"
                   r"|以上才(能|可以)|(才|就)(能|可以)(质押|抵押|贴现|申请)|(怎么|如何|有(什么|啥|没有))规定"
                   r"|minimum|at least"
                   r"|eligib|qualif|requirement|who can apply"
                   r"|can (we|i|a company) (still )?(apply|get)"
                   r"|criteria|\bmust (we|i|the company)\b|how old|years in business",
    "guarantee": r"担保|抵押|质押|押|保证人|增信|(?<!投诉)登记(?!投诉)"
                 r"|collateral|guarant(ee|or)|security|pledge|secured",
    "repayment": r"还款|怎么还|还钱|还本|付息|提前.{0,3}还|早(点|些|一点)?.{0,3}还|还(上|掉|清)|随借随还"
                 r"|还.{0,4}本金|一次性?还|怎么付|按(月|季)(还|付)|按月还是按季|分期(还|付)?|先还利息|先息后本"
                 r"|等额本(息|金)|续贷|能续|续期|展期"
                 r"|拒付|(到期|对方|买方|承兑人|客户)[^，,。？?]{0,4}不(付|给)(钱|款)?"  # who pays at maturity
                 r"|repay|pay (it |the loan )?back|early|prepay(?!ment[- ](based )?financ)"  # (a kind of financing)
                 r"|instal+ments?",
    # 怎么办 alone (还不上怎么办) asks what to do, not how to apply: 怎么办贷款 does.
    "process": r"流程|步骤|怎么(申请|弄|办(?=[^\s，,。？?！!呢啊吧]))|如何(申请|办理)"
               r"|多久.{0,6}(批|到账|放款|出|审|下来|知道|反馈|结果|意见|(钱|资金).?到)"
               r"|(审批|放款|到账|出结果|下款|批|钱到)[^，,。？?]{0,3}(快|慢)|(批|审|放款|到账|下来)[^，,。？?]{0,4}(多久|多长时间|几天)"
               r"|(几|多少)(天|分钟|个工作日)|审批.{0,4}(时间|时效|多久|多长时间|几天)|多快|最快|时效|到账|放款"
               r"|(?<![借贷用])多长时间|(?<![借贷拿])到钱|哪个快|(在|去|到)哪(儿|里)?.{0,2}(申请|办)"
               r"|\d+\s*(分钟|小时|个?工作日|天)内?(能|就)?(出|放款|到账|批|下来)"
               r"|(什么时候|啥时候|哪天)(能|可以|才能)?(到(?!期)|放款|下款|批|下来|出结果|拿到)"
               r"|how (fast|quickly|soon)|how long (does|will|until|before|to)|process|steps|how (do|can) (i|we) apply"
               r"|working days|turnaround|approval time",
    "fees": r"费用|收费|手续费|服务费|(另外|额外|其他|别的).{0,8}(钱|费)|还(要|得)?.{0,4}(交|掏|花|付).{0,10}(钱|费)"
            r"|收不收(钱|费)|(要|得|需要)花钱|要不要(花)?钱|收钱"
            r"|fees?\b|charges?|costs?\b|commission",
    "channel": r"电话|热线|客服|网点|柜台|营业时间|几点|周六|周末|公众号|手机银行|手机(上|端|里)|网银|线上|网上"
               r"|客户经理|当面"
               r"|真人|人工(?!审)|hotline|phone|\bcall\b|real person|live agent|talk to (a|someone|somebody)"
               r"|branch|opening hours|online|relationship manager|contact|\bvisit\b|weekend"
               r"|saturday",
    "complaint": r"投诉|不满意|有意见|给个?说法|complain",
    "fraud": r"诈骗|骗子|骗局|验证码|密码|保证金|押金|自称|fraud|scam|verification code|password|sms code|\botp\b"
             r"|(deposit|fee) (up ?front|before)|pay .{0,20} before (the )?(loan|disbursement)",
    "privacy": r"个人信息|隐私|泄露|卖给|personal (data|information)|privacy",
    "use": r"用途|挪|炒股|买(点|些)?股票|[买换](一?套|个)?[^，,。？?]{0,3}房子?|理财"
           r"|(钱|资金|贷款)(能|可以)?(用来|用于|拿来|拿去)(?![^，,。？?]{0,4}(抵押|质押|担保))"
           r"|use (the|of) (loan|funds|money)|buy (a )?(house|home|flat|property)"
           r"|(invest|put) .{0,20}(stocks?|shares|stock market)",
    "approval": r"包过|打包票|包票|承诺|保证.{0,6}(批|通过|下来|放款|下款|贷到)"
                r"|保证(?=[^，,。？?]{0,6}(给|额度|[成满]))"  # (保证七成: 七成 is still the amount asked)
                r"|一定(能|可以|会).{0,4}(批|通过|下来|贷到|下款)|肯定(能|会|可以)?.{0,4}(批|通过|下款|放款)|(下款|批|通过|没问题)吧|稳批|必过"
                rf"|{CERTAINTY_WORDS}|好就?能?(过|批|通过|贷到)"
                r"|guarantee[^?.]{0,40}\b(approv\w*|pass)"
                r"|definitely (get|be approved)"
                r"|百分之?百|100%.{0,4}(批|通过|放款)|批得下来吗|能批吗"
                r"|guarantee(d)? (approval|to be approved)",
    "overdue": r"逾期|晚还|还不上|没还上|拖欠|迟还|按时还|忘了?还|没按时还"
               r"|late (payment|repayment)|overdue|miss(ed|ing)? (a |an |the |our )?(re)?payment"
               r"|(can't|cannot|can not|unable to) repay|pay(ing)? late|not (re)?pa(y|id) on time",
}
_HEADING_RE = {a: re.compile(p, re.I) for a, p in _HEADINGS.items()}
_QUESTION_RE = {a: re.compile(p, re.I) for a, p in _QUESTIONS.items()}
# 多久 alone asks for a term (借多久) unless it is about the application (多久能批): see "process".
# Said as a condition or an exception, not asked: 除了利息以外…, 材料齐全后多久….
_EXCEPT = re.compile(r"除了[^，,。？?！!]{0,10}?(以外|之外|外)|apart from [a-z ]{0,20}|besides [a-z ]{0,20}"
                     r"|(材料|资料)(都)?(齐全|备齐|交齐|齐了|提交|交上去)(了)?(以后|之后|后)?"
                     r"|(?<=晚还|迟还|延还|晚交|迟交|延交)了?几天", re.I)  # late: overdue, not a timing


def section_aspect(section: str) -> str | None:
    """The aspect a section heading names (贷款额度 → amount, 办理流程与时效 → process)."""
    section = re.sub(r"^(问|Q)\s*[:：]\s*", "", section or "", flags=re.I)
    for aspect, pattern in _HEADING_RE.items():
        if pattern.search(section):
            return aspect
    return None


def heading_aspects(section: str) -> set[str]:
    """Every aspect a heading names (投诉处理时限: a complaint, and its timing)."""
    return {aspect for aspect, pattern in _HEADING_RE.items() if pattern.search(section or "")}


# Aspects a product's own sections answer; the others (a scam, privacy…) are the bank's in general.
PRODUCT_ASPECTS = frozenset({"amount", "rate", "term", "materials", "eligibility", "guarantee", "repayment",
                             "process", "fees", "overview", "approval"})


@dataclass
class AspectVocabulary:
    """Question wording per aspect: the general patterns plus the words of the KB's own headings."""

    learned: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_headings(cls, headings: Iterable[tuple[str, str]], words: Callable[[str], list[str]]
                      ) -> AspectVocabulary:
        """From (document, heading) pairs: a heading word is learned for an aspect when headings
        of that aspect use it in at least two documents, and headings of no other aspect do."""
        counts: dict[str, set[str]] = defaultdict(set)
        documents: dict[tuple[str, str], set[str]] = defaultdict(set)
        for source, heading in set(headings):
            aspect = section_aspect(heading)
            if aspect is None or len(heading) > 16:
                continue
            for w in words(heading):
                if len(w) >= 2:
                    counts[w].add(aspect)
                    documents[(w, aspect)].add(source)
        learned: dict[str, set[str]] = defaultdict(set)
        for w, aspects in counts.items():
            aspect = next(iter(aspects))
            if len(aspects) == 1 and len(documents[(w, aspect)]) >= 2:
                learned[aspect].add(w)
        return cls(dict(learned))

    def aspects(self, text: str) -> list[str]:
        """Aspects the question asks about, the one it is most about first: in Chinese the asked
        part comes last (…的抵押率是多少), in English first (What is the rate…)."""
        low = _EXCEPT.sub(" ", text.lower())  # 除了利息以外还要交什么费用: the fees are asked, not the rate
        spans: dict[str, list[tuple[int, int]]] = {}
        for aspect, pattern in _QUESTION_RE.items():
            spans[aspect] = [m.span() for m in pattern.finditer(low) if m.end() > m.start()]
        for aspect, words in self.learned.items():
            for w in words:
                start = low.find(w.lower())
                while start >= 0:
                    spans.setdefault(aspect, []).append((start, start + len(w)))
                    start = low.find(w.lower(), start + 1)
        spans = {a: v for a, v in spans.items() if v}
        # A match inside a longer match of another aspect is part of that word (抵押 in 抵押率).
        every = [(s, e, a) for a, v in spans.items() for s, e in v]
        for aspect in list(spans):
            if all(_inside(s, e, aspect, every) for s, e in spans[aspect]):
                del spans[aspect]
        if "process" in spans and "term" in spans and not _QUESTION_RE["term"].search(
                _QUESTION_RE["process"].sub(" ", low)):
            del spans["term"]  # 多久能批 matched both; only the process is asked
        if "guarantee" in spans and ("fraud" in spans or "approval" in spans):
            del spans["guarantee"]  # 保证金 is a scam's word, guarantee approval a demand: no security asked
        if "overdue" in spans and "repayment" in spans and text.isascii():
            del spans["repayment"]  # "repay late" is asked about lateness (the first English aspect)
        if text.isascii():
            return sorted(spans, key=lambda a: min(s for s, _ in spans[a]))
        return sorted(spans, key=lambda a: -max(e for _, e in spans[a]))


def without_cues(text: str) -> str:
    """``text`` with the general wording of every aspect blanked (利率多少, 最长几年, 要什么材料):
    what is left names the things asked about."""
    low = text.lower()
    for pattern in _QUESTION_RE.values():
        low = pattern.sub(lambda m: " " * len(m.group(0)), low)
    return low


def without_conditions(text: str) -> str:
    """``text`` with what is said as a condition or exception blanked (晚还几天, 材料齐全后), the
    same length, so positions still match the original."""
    return _EXCEPT.sub(lambda m: " " * len(m.group(0)), text.lower())


def _inside(start: int, end: int, aspect: str, every: list[tuple[int, int, str]]) -> bool:
    return any(a != aspect and s <= start and end <= e and (e - s) > (end - start) for s, e, a in every)
