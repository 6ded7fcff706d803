"""Silence where the documents are silent: what a question names that the knowledge base does not.

General rules, each checked against the knowledge base itself rather than a list of test
questions:

* ``uncovered_topics``: banking and legal topics next to SME lending (公积金, 定期存款, LPR, 房贷,
  起诉…) that clients bring to a bank's assistant. A topic counts only when the knowledge base
  never mentions it, so a bank whose handbook does cover deposits answers deposit questions.
* ``unasked_focus``: the things a question asks about (the nouns of its asking clauses, aspect
  wording and product names set aside) that the knowledge base never mentions: 权重, 网址, 名单,
  个体工商户. Asked about a product, "the product's nearest section" would be an answer to
  another question.
* ``procedures_of_others``: how to obtain a credential the documents only require (高新技术企业
  认定怎么申报, 入库怎么操作): another body's procedure, which no passage describes.
* ``unmentioned_forms``: the client's legal form, ownership or rights (个体工商户, 外资, 软件著作权)
  when the KB never mentions them: whether a product is open to them is not in the documents.
* ``unknown_acronyms`` and ``unknown_english_things``: an acronym (POS机, ETC), or what an English
  question asks the bank to offer or accept (leasing, crypto as collateral), never used by the KB.
* ``unknown_share``: how much of a question's content (its nouns, by weight) the knowledge base
  never uses. When nothing else anchors the question (no product, no FAQ, no section), a large
  share means the nearest passage would be an answer to another question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import jieba.posseg as pseg
import numpy as np

from assistant.answering.beyond import ADJACENT_TOPICS, LEGAL_FORMS, SITUATIONS
from assistant.answering.guard import CLAUSE_ENDS, asking_clauses
from knowledge_base.aspects import without_cues
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.tokenize import STOPWORDS, is_dictionary_word

STORY_CHARS = 30  # a message this long tells a story around its question
_OWN_AFFAIRS = re.compile(r"[贷办借还用开]过|之前|以前|曾经|原来|上次|还在|正在|一直在")
_PRODUCT_SUFFIX = re.compile(r"(?=(贷(?!款)|融资|租赁|保函|信用证|保理))")
_FUNCTION = re.compile(r"[的了是在和与及或吗呢吧啊我你他们这那个笔些么要想能会可以办申请没有下"
                       r"来去做给把被还再也都就什哪怎多少几]")
_NOUN_TAGS = ("n", "nr", "ns", "nt", "nz", "eng")
# Credentials and filings a client obtains from others (高新技术企业认定, 科技型中小企业入库): the
# documents name them as conditions; how to obtain them is another body's procedure.
_CREDENTIAL = r"认定|入库|认证|备案|年检|评定|申报|补贴"
# A subsidy asked where to claim (贴息要去哪个部门申请): a government office's, not the bank's. (贴息
# alone is also the discount interest of a bill: 贴息怎么算 is the bank's to answer.)
_SUBSIDY_WHERE = re.compile(r"(贴息|补贴|补助|奖励)[^，,。？?]{0,4}(去|到|找)?(哪个部门|哪个单位|哪里|哪儿)")
_PROCEDURE_ASKED = re.compile(
    rf"(?P<asked>{_CREDENTIAL})(是|的|要|需要|得|都)?(去|到)?(满足|具备|准备|提供|带|交)?(什么|啥|哪些|哪个)?"
    r"(怎么|如何|去哪|在哪|哪里|部门|流程|条件|材料|资料|手续|操作|标准|步骤|要求|多久|难不难|好办)"
    rf"|(怎么|如何|去哪|在哪|哪里)(去|才能)?(申报|申请|办理?|操作|做|弄)?(?P<done>{_CREDENTIAL})")
_DESCRIBED = r"(的)?(流程|条件|材料|手续|步骤|标准)"
_EN_LOAN = re.compile(r"\b(loan|financ\w*|credit|money|funds?)\b")  # get a loan with our certificate: ours to answer
_EN_DESCRIBED = r"s? (process|procedure|steps)"
_EN_CREDENTIAL = "certification|certificate|recognition|accreditation|designation"
_EN_PROCEDURE_ASKED = re.compile(rf"\b(how|where)\b[^?.]{{0,16}}"
                                 rf"\b(apply( to [^?.]{{0,40}}?)? for|get|obtain|register for)\b"
                                 rf"(?P<thing>[^?.]{{0,40}}?\b(?P<w>{_EN_CREDENTIAL})s?)\b")
_LEADING = re.compile(r"^(我们|我|想问|请问|问下|那个|这个|公司|去|办|要|的)+")
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?![A-Za-z])")
_COMMON_ACRONYMS = frozenset("app ok pdf".split())
_EN_OFFERED = re.compile(r"\b(offer|provide|have|support|accept|issue|sell|handle|get)\s+(a |an |any |the |your )?"
                         r"(?P<w>[a-z]{4,})\b")
_EN_OURS = re.compile(r"\b(our|my)(\s+[a-z-]+){0,2}\s*$")  # must our patent have left: not asked of the bank
_EN_SECURITY = re.compile(r"\b(?P<w>[a-z]{3,})\s+as\s+(collateral|security|a pledge|a guarantee)\b")
_EN_COMMON = frozenset("loan loans money credit company business some more this that them their what better lower "
                       "higher bigger larger longer shorter faster quicker cheaper good much many back".split())
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]+")
# 借点 / 低点 ("a little"), 问问 (a verb said twice): tagged as nouns, naming nothing.
_NOT_A_THING = re.compile(r"[\u4e00-\u9fff]点|(.)\1")
GENERIC_NOUNS = frozenset("东西 区别 机会 对方 情况 问题 事情 办法 时候 地方 方面 方式 意思 这种 那种 人家 大家 "
                           "自己 时间 现在 今年 去年 明年 今天 明天 水平 程度 现钱 现金 名字 名称 关系".split())


def clause_words(clause: str) -> Iterator[tuple[int, str, str]]:
    """(position, word, part-of-speech tag) of a clause's words, aspect wording (利率多少, 最长几年)
    blanked: what is left names the things asked about. Dictionary words only (no guessing at
    unknown strings, which are mostly typos)."""
    position = 0
    for word, flag in pseg.cut(without_cues(clause), HMM=False):
        start, position = position, position + len(word)
        yield start, word.strip(), flag


@dataclass(frozen=True)
class _Absent:
    topics: re.Pattern[str] | None  # the adjacent topics no passage mentions
    forms: re.Pattern[str] | None  # the legal forms no passage mentions
    situations: dict[str, re.Pattern[str]]  # the situations no passage speaks of, by how they are asked
    described: frozenset[str]  # the credentials whose procedure some passage describes


class CoverageCheck:
    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb
        self._known: dict[str, bool] = {}

    @cached_property
    def words(self) -> set[str]:
        """The words the KB uses as such: its tokens and glossary words."""
        return set(self.kb.idf) | set(self.kb.glossary.words())

    @cached_property
    def _vocabulary(self) -> set[str]:
        """Every word the KB uses: its tokens, glossary words, and the words of its titles."""
        # (the glossary's English terms too: a client's "house" is the documents' residential property)
        words = set(self.words) | {t.lower() for t in self.kb.glossary.terms() if t.isascii()}
        for title in {c.title for c in self.kb.chunks}:
            words.update(self.kb.tokenizer.words(title))
            words.add(title.lower())
        return words

    @cached_property
    def _absent(self) -> _Absent:
        """What the knowledge base never says, read once from its whole text (at 100k chunks too
        long to read per question, and not worth keeping)."""
        text = "\n".join(c.text for c in self.kb.chunks)
        headings = "\n".join({c.title + " " + c.section for c in self.kb.chunks})
        low = (headings + "\n" + text).lower()
        topics = [t for t in ADJACENT_TOPICS if t.lower() not in low]
        # Latin letters bound an English term, not \b: 和LPR比 has no word boundary before L.
        parts = [rf"(?<![a-z]){re.escape(t.lower())}(?![a-z])" if t.isascii() else re.escape(t) for t in topics]
        forms = [f for f in LEGAL_FORMS if f not in low]
        return _Absent(
            topics=re.compile("|".join(sorted(parts, key=len, reverse=True)), re.I) if parts else None,
            forms=re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True))), re.I) if forms else None,
            situations={kind: asked for kind, (asked, spoken) in SITUATIONS.items() if not spoken.search(text)},
            described=frozenset(w for w in _CREDENTIAL.split("|")
                                if re.search(rf"{w}{_DESCRIBED}|(办理|申请){w}(需|须|要|应)", text))
                      | frozenset(w for w in _EN_CREDENTIAL.split("|") if re.search(rf"{w}{_EN_DESCRIBED}", low)))

    def uncovered_topics(self, question: str) -> list[str]:
        pattern = self._absent.topics
        found = [m.group(0) for m in pattern.finditer(question.lower())] if pattern else []
        if found and len(question) >= STORY_CHARS and not question.isascii():
            # What a long message tells of the client's past or ongoing affairs (老板的房子也还在还房贷)
            # is their story, not what they ask.
            story = "，".join(c for c in re.split(f"[{CLAUSE_ENDS}]", question) if _OWN_AFFAIRS.search(c)).lower()
            found = [t for t in found if t not in story]
        return found

    def unaddressed_situations(self, question: str) -> list[str]:
        """Situations the documents never address, by what the question asks of them: holding two
        products together (发票贷和税金贷能同时申请吗), or a condition that lapses or changes while a
        loan runs (认定明年过期了会怎样, 换了法人). Each counts only when no passage speaks of it."""
        return [kind for kind, asked in self._absent.situations.items() if asked.search(question)]

    def unmentioned_forms(self, question: str) -> list[str]:
        """Legal forms, ownership and rights (个体工商户, 外资, 分公司, 软件著作权) a question gives
        as the client's own that the knowledge base never mentions: whether a product is open to
        them is not in the documents, and its conditions alone would read as a yes or a no."""
        pattern = self._absent.forms
        return list(dict.fromkeys(m.group(0) for m in pattern.finditer(question))) if pattern else []

    def unknown_products(self, question: str) -> list[str]:
        """Product-like names (…贷, …融资, …租赁) that the knowledge base never mentions: 装修贷,
        融资租赁, 出口退税贷 are another bank's or nobody's products, not a nearby one of ours."""
        glossary = set(self.kb.glossary.words())
        out = []
        # Every suffix, even inside another product-like word (有没有融资租赁: 融资, then 租赁).
        for m in _PRODUCT_SUFFIX.finditer(question):
            stem, suffix = question[max(0, m.start() - 4):m.start()], m.group(1)
            if len(stem) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in stem[-2:]):
                continue
            candidates = [stem[-n:] + suffix for n in range(2, len(stem) + 1)]
            if _FUNCTION.search(stem[-2:]):
                continue
            if is_dictionary_word(stem[-1] + suffix) and not is_dictionary_word(stem[-2:]):
                continue  # 银行信贷部: 信贷 is a word of its own, 行信 is not the start of a name
            if self._in_text(stem[-2:] + suffix, rf"{re.escape(stem[-2:])}[\u4e00-\u9fff]?{re.escape(suffix)}"):
                continue  # 预付融资: the documents' 预付类融资, a character left out
            if not any(c.lower() in self._vocabulary or c in glossary or self._in_text(c.lower()) for c in candidates):
                out.append(stem[-2:] + suffix)
        return out

    def _in_text(self, term: str, spelling: str | None = None) -> bool:
        """Whether some passage spells ``term`` out (or matches ``spelling``, a pattern): among the
        few passages BM25 ranks first for it, not the whole text, which at 100k chunks is too long
        to read per question."""
        scores = self.kb.bm25_scores(self.kb.tokenizer.tokens(term))
        if not len(scores) or scores.max() <= 0:
            return False
        top = np.argsort(-scores)[:5] if len(scores) <= 5 else np.argpartition(-scores, 4)[:5]
        texts = [self.kb.chunks[int(i)].text.lower() for i in top if scores[i] > 0]
        return any(re.search(spelling, t) if spelling else term in t for t in texts)

    def unasked_focus(self, question: str) -> list[str]:
        """Chinese nouns of the question's asking clauses that the knowledge base never uses.

        ``question``: product names already blanked. Whole dictionary words only (no guessing at
        unknown strings, which are mostly typos); a word built on a word the KB uses (评估价 on
        评估) counts as known, since the documents speak of the thing. A noun counts when it is
        what is asked for (哪些城市, 网址是多少, 什么口径) or a term of its own (个体工商户), not
        the client's setting (产品在医院卖得还可以)."""
        return list(dict.fromkeys(w for w, asked in self.asked_nouns(question)
                                  if (asked or len(w) >= 3) and not self.known(w)))

    def unknown_acronyms(self, question: str) -> list[str]:
        """Acronyms in a Chinese question's asking clauses (POS机, ETC) that the KB never uses: a
        term of their own, as written (not lower-cased)."""
        if question.isascii():
            return []
        return list(dict.fromkeys(a for clause in asking_clauses(question) for a in _ACRONYM.findall(clause)
                                  if a.lower() not in _COMMON_ACRONYMS and not self.known(a.lower())))

    def asked_nouns(self, question: str) -> Iterator[tuple[str, bool]]:
        """(noun, whether it is what a question word asks for) for the asking clauses' nouns."""
        for clause in asking_clauses(question):
            for start, word, flag in clause_words(clause):
                if (len(word) < 2 or word.isascii() or word in STOPWORDS or word in GENERIC_NOUNS
                        or not flag.startswith(_NOUN_TAGS) or _NOT_A_THING.fullmatch(word)):
                    continue
                end = start + len(word)
                if clause[max(0, start - 1):start + 1] in self.words or clause[end - 1:end + 1] in self.words:
                    continue  # 银行信贷部 cut as 银 | 行信贷: a word the KB uses runs across its edge
                # Asked for (哪些城市, 网址是多少), or offered as security (黄金能拿来质押吗).
                asked = re.search(rf"(哪|什么|啥|多少)(几?[个家些种类])?{re.escape(word)}"
                                  rf"|{re.escape(word)}的?(是|有|在|叫|要|一般|具体)?"
                                  r"(多少|谁|什么|哪|吗|呢|啥|几|怎么|如何)"
                                  rf"|{re.escape(word)}(能|可以|能不能|可不可以)?(拿来|用来|拿去|用于|当|做)?(抵押|质押|担保)"
                                  # Whether it exists at all: 有英文服务吗, 有没有上门服务.
                                  rf"|(有没有|有无|提供|支持)[\u4e00-\u9fff]{{0,2}}{re.escape(word)}|有{re.escape(word)}[\u4e00-\u9fff]{{0,3}}吗"
                                  rf"|{re.escape(word)}(方面)?(有|有没有)(什么|啥)?(要求|限制|规定)"
                                  rf"|用{re.escape(word)}(来)?(抵押|质押|担保)", clause)
                yield word, bool(asked)

    def known(self, word: str) -> bool:
        """Whether the knowledge base uses ``word`` or speaks of the thing (remembered per word: the
        last test reads the whole text)."""
        cached = self._known.get(word)
        if cached is None:
            cached = self._known[word] = self._uses(word)
        return cached

    def _uses(self, word: str) -> bool:
        if word in self._vocabulary:  # the KB's tokens, titles and glossary words
            return True
        parts = [t for t in self.kb.tokenizer.tokens(word) if len(t) >= 2 and t != word]
        if any(t in self._vocabulary for t in parts):
            return True
        # 税额 in 纳税额: a word the KB's word starts or ends with (场地 inside 市场地位 is no word of it).
        return any(known.endswith(word) or known.startswith(word) for known in self._long_words)

    @cached_property
    def _long_words(self) -> list[str]:
        return [w for w in self._vocabulary if len(w) >= 3 and not w.isascii()]

    def procedures_of_others(self, question: str) -> list[str]:
        """Credentials asked how to obtain (高新技术企业认定要啥条件, 入库怎么操作) that no passage
        describes the procedure of: the documents require them, they do not say how they are got."""
        out = []
        for clause in asking_clauses(question):
            for m in _PROCEDURE_ASKED.finditer(clause):
                word = m.group("asked") or m.group("done")
                if word in self._absent.described:
                    continue
                head = re.findall(r"[\u4e00-\u9fff]{0,10}$", clause[:m.start("asked")])[0] if m.group("asked") else ""
                out.append(_LEADING.sub("", head) + word)
            out += [m.group(1) for m in _SUBSIDY_WHERE.finditer(clause)]
        if question.isascii():
            out += self._english_procedures(question.lower())
        # 认定要啥条件，怎么申报: the credential named once, not its verb again.
        named = [t for t in out if t not in _CREDENTIAL.split("|")]
        return list(dict.fromkeys(named or out))

    def _english_procedures(self, question: str) -> list[str]:
        """How do we get HNTE certification: a credential asked how to obtain, in English."""
        return [re.sub(r"^(the|a|an|our|my) ", "", m.group("thing").strip())
                for m in _EN_PROCEDURE_ASKED.finditer(question)
                if m.group("w") not in self._absent.described and not _EN_LOAN.search(m.group("thing"))]

    def unknown_english_things(self, question: str) -> list[str]:
        """What an English question asks the bank to offer or accept (do you offer leasing, accept
        crypto as collateral) when the documents never use that word."""
        low = question.lower()
        words = [m.group("w") for m in _EN_OFFERED.finditer(low) if not _EN_OURS.search(low[:m.start()])]
        words += [m.group("w") for m in _EN_SECURITY.finditer(low)]
        return list(dict.fromkeys(w for w in words if w not in _EN_COMMON and not self.known(w)))

    def unknown_share(self, question: str) -> float:
        """Weight of the question's nouns the knowledge base never uses, over all its content words."""
        glossary = set(self.kb.glossary.words())
        unknown_idf = self.kb.unknown_idf()
        total = unknown = 0.0
        for word, flag in pseg.cut(question):
            word = word.strip().lower()
            if len(word) < 2 or word in STOPWORDS or not _CONTENT.fullmatch(word):
                continue
            known = word in self._vocabulary or word in glossary
            weight = self.kb.idf.get(word, unknown_idf) if known else unknown_idf
            total += weight  # every content word counts in the question's weight…
            if not known and flag.startswith(_NOUN_TAGS):
                unknown += weight  # …but only a thing it names can be missing from the KB
        return unknown / total if total else 0.0

