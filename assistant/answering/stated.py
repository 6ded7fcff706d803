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

Chinese questions only: English questions are answered from a translated edition whose words
follow the Chinese originals only loosely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from assistant.answering.coverage import GENERIC_NOUNS, clause_words
from assistant.answering.guard import asking_clauses
from knowledge_base.aspects import section_aspect, without_conditions
from knowledge_base.chunking import split_sentences
from knowledge_base.glossary import Glossary
from knowledge_base.tokenize import STOPWORDS

# How a clause asks for a figure, and the figure kinds that answer it.
_QUANTITY = re.compile(r"多少|几(?!乎|种|家|项|类|个(?!点|月|工作日))|多久|多长|多大|多高|多低|比例|百分之几")
_FIGURE = re.compile(r"\d|[一二两三四五六七八九十半]+个?(工作日|天|日|月|年|成|倍|周|小时)")
_NOTHING_TO_PAY = re.compile(r"不收取|无需|不需要|免费|免收|承担|不超过|不低于|以.{0,8}为准")
_TERM_TAGS = ("n", "vn")  # things, not doings: 不能, 告诉, 满足 name nothing that could be absent
# Words of the question's setting, or general words for what is asked, never the thing itself.
_SETTING = GENERIC_NOUNS | frozenset("企业 公司 贷款 银行 要求 规定 范围 结果 资质 项目 种类 类型 条件".split())
# A thing is what a question word asks for when one follows it closely: 年龄有没有要求, 手机号多少.
_ASKED_AFTER = re.compile(r"^的?(是|有|在|叫|要|一般|具体|能|可以)?"
                          r"(多少|谁|什么|哪|吗|呢|啥|几|怎么|如何|有没有|要不要)")


@dataclass(frozen=True)
class Unstated:
    thing: str
    figure: bool  # True: the documents speak of it but give no figure; False: they never mention it


class StatedCheck:
    def __init__(self, known: Callable[[str], bool], words: Collection[str], glossary: Glossary) -> None:
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

    def unstated(self, question: str, passages: list[str], documents: Iterable[str]) -> list[Unstated]:
        """What ``question`` (product names blanked) asks that no passage and no document about
        the product states: a term asked about that they never mention, or the thing whose figure
        is asked and never given. ``documents`` empty: no product in question, passages only."""
        if question.isascii():
            return []
        documents = list(documents)
        corpus = passages + documents
        missing: list[Unstated] = []
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
            before = [(p, w, spellings) for p, w, _, spellings in terms if quantity and p < quantity.start()]
            if before and mentioned[before[-1][1]]:
                start, thing, spellings = before[-1]  # the nearest thing before 多少: 集中度超过多少
                about = [s for text in corpus for s in split_sentences(text) if any(w in s for w in spellings)]
                if not any(_FIGURE.search(s) or _NOTHING_TO_PAY.search(s) for s in about):
                    missing.append(Unstated(_compound(clause, start, thing), True))
        return list(dict.fromkeys(missing))


def _compound(clause: str, start: int, word: str) -> str:
    """The word with the nouns right before it, as the client wrote them (认股 + 选择权 → 认股选择权):
    how the thing is named back to the client."""
    for position, token, flag in reversed(list(clause_words(clause[:start]))):
        if not token or position + len(token) != start or not flag.startswith(_TERM_TAGS):
            break
        start, word = position, token + word
    return word
