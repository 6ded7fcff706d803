"""FAQ entries asked in other words: a client's question matched to an entry's question.

Both are reduced to their content words and glossary concepts, weighted by rarity in the
knowledge base, and compared by weighted overlap (``closest``). An entry about no product is
also found by the aspect its question asks (``asking``: 如果贷款没能按时还会有什么后果 for a
late-payment question), for an aspect that no section covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge_base.aspects import AspectVocabulary
from knowledge_base.index import KnowledgeBaseIndex
from knowledge_base.retrieval import Hit
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.subjects import SubjectFinder

if TYPE_CHECKING:
    from assistant.answering.plan import Plan

FAQ_MATCH = 0.5  # bigram overlap of a FAQ's question with the client's that makes it the answer
FAQ_RAW_MATCH = 0.3  # the same, counting the question's words the KB never uses
# An FAQ entry asking the aspect, for a question about no product, shares this much of its words.
GENERAL_FAQ_MATCH = 0.1
# A message this long is a story with a question in it; an entry whose words it holds almost all
# of (this share, by weight) is asked by it.
LONG_MESSAGE_CHARS = 30
CONTAINED_MATCH = 0.75
ASKED_FAQ_CHARS = 8  # asking clauses shorter than this (多久？) say too little to match an FAQ alone
_FIGURE_TOKEN = re.compile(r"\d|^[半一二两三四五六七八九十几]+(个)?(年|月|天|周|成|倍)$")
# One of the questions an entry asks together matches a little less than the whole: the entry
# answers more than the client asked.
PART_MATCH_WEIGHT = 0.8


class FaqMatcher:
    def __init__(self, kb: KnowledgeBaseIndex, analyzer: QueryAnalyzer, subjects: SubjectFinder,
                 vocabulary: AspectVocabulary) -> None:
        self.kb = kb
        self.analyzer = analyzer
        self.subjects = subjects
        self.vocabulary = vocabulary
        self.entries = [i for i, c in enumerate(kb.chunks) if c.kind == "faq" and c.question]
        self._cache: dict[int, dict[str, float]] = {}
        self._parts: dict[int, list[dict[str, float]]] = {}
        self._stems = {_stem(t) for t in kb.idf}

    def closest(self, plan: Plan, threshold: float = FAQ_MATCH) -> tuple[Hit, float] | None:
        """The FAQ entry asked in other words (question to question), with how close it is.

        An entry about another product than the one the client means is never the answer."""
        # A long message's story dilutes the match, but may also be what the entry asks about
        # (刚开张半年 + 有办法拿到钱吗): the whole message and its asking clauses, the closer one.
        texts = [plan.text]
        if ASKED_FAQ_CHARS <= len(plan.asked) < len(plan.text):
            texts.append(plan.asked)
        found = [m for m in (self._closest(plan, text) for text in texts)
                 if m[0] is not None and m[1] >= threshold and m[2] >= FAQ_RAW_MATCH]
        # About no product, such an entry answers; about one, it only completes the product's own
        # sections (it is found only when asked for a complement, below a match, and ranks as one).
        contained = FAQ_MATCH if not plan.subjects else threshold if threshold < FAQ_MATCH else None
        if (not found and contained is not None and len(plan.text) >= LONG_MESSAGE_CHARS
                and (held := self._contained(plan)) is not None):
            found = [(held, contained, 1.0)]
        if not found:
            return None
        best, score, _ = max(found, key=lambda m: m[1])
        return Hit(self.kb.chunks[best], score, 1.0, index=best, match=score), score

    def _candidates(self, plan: Plan) -> Iterator[int]:
        """The entries that may answer the plan: in its edition, and not about a product other than
        the ones it is about (an entry about another product than the client means is never the answer)."""
        for i in self.entries:
            if self.subjects.language.get(self.kb.chunks[i].source) != plan.docs_lang:
                continue
            about = self.subjects.faq_subjects(i)
            if not (plan.subjects and about and not set(about) & set(plan.subjects)):
                yield i

    def _contained(self, plan: Plan) -> int | None:
        """The FAQ entry whose question a long message asks in the middle of its story: nearly all
        of the entry's words (by weight) are in the message (纳税信用被评成C级了…还有没有办法融到资
        holds 纳税信用等级是C级或D级，还能贷款吗). One entry only: two such are no answer."""
        words = self._weighted(plan.text)
        held = []
        for i in self._candidates(plan):
            # (A figure of the entry's own example — 才成立半年 — is not what the client must repeat.)
            entry = {t: w for t, w in self._faq_tokens(i).items() if not _FIGURE_TOKEN.search(t)}
            total = sum(entry.values())
            if total and sum(w for t, w in entry.items() if t in words) / total >= CONTAINED_MATCH:
                held.append(i)
        return held[0] if len(held) == 1 else None

    @cached_property
    def _general_faqs(self) -> dict[str, dict[str, list[int]]]:
        """FAQ entries naming no product, by language and the aspect their question asks first
        (如果贷款没能按时还会有什么后果 → overdue)."""
        out: dict[str, dict[str, list[int]]] = {}
        for i in self.entries:
            chunk = self.kb.chunks[i]
            asks = self.vocabulary.aspects(chunk.question or "")
            if asks and not self.subjects.faq_subjects(i):
                lang = self.subjects.language.get(chunk.source, "zh")
                out.setdefault(lang, {}).setdefault(asks[0], []).append(i)
        return out

    def asking(self, plan: Plan, aspect: str) -> list[int]:
        """The FAQ entries about no product whose question asks ``aspect``. For a question about no
        product either, only those also worded somewhat like it: the aspect alone is too little."""
        ids = self._general_faqs.get(plan.docs_lang, {}).get(aspect, [])
        if plan.subjects or not ids:
            return ids
        words = self._weighted(plan.text)
        return [i for i in ids if _weighted_dice(words, self._faq_tokens(i)) >= GENERAL_FAQ_MATCH]

    def _closest(self, plan: Plan, text: str) -> tuple[int | None, float, float]:
        """The FAQ entry closest to ``text``: (chunk index, closeness, closeness counting the
        words the KB never uses)."""
        best, score, raw = None, 0.0, 0.0
        everything = self._weighted(text)
        # Words the knowledge base never uses cannot match an entry; they would only dilute. But
        # a question made mostly of them (a football match) is not that entry in other words.
        asked = {t: w for t, w in everything.items() if t.startswith("§") or t in self._stems}
        for i in self._candidates(plan):
            for n, part in enumerate(self._faq_parts(i)):
                s = _weighted_dice(asked, part) * (1.0 if n == 0 else PART_MATCH_WEIGHT)
                if s > score:
                    best, score, raw = i, s, _weighted_dice(everything, part)
        return best, score, raw

    def _faq_parts(self, i: int) -> list[dict[str, float]]:
        """An entry's question whole, and each of the questions it asks together (申请贷款必须在锦程
        银行开户吗？怎么开对公账户？): a client asking one of them asks that entry."""
        cached = self._parts.get(i)
        if cached is None:
            question = self.kb.chunks[i].question or ""
            # (a part too short to say much alone — 利率多少？ — is matched only within the whole)
            parts = [p for p in re.split(r"(?<=[？?])", question) if len(p.strip()) >= ASKED_FAQ_CHARS]
            cached = self._parts[i] = [self._faq_tokens(i)] + (
                [self._weighted(p) for p in parts] if len(parts) > 1 and not question.isascii() else [])
        return cached

    def _weighted(self, text: str) -> dict[str, float]:
        """A question's content words and glossary concepts, weighted by their rarity in the KB."""
        kb = self.kb
        unknown = kb.unknown_idf()
        query = self.analyzer.run(text)
        # English: all the words and the concepts besides (an English FAQ says "tax credit rating"
        # where the glossary knows "tax grade"); Chinese: the concepts stand for the words.
        words = kb.tokenizer.tokens(text) if text.isascii() else query.words
        weights = {_stem(t): kb.idf.get(t, unknown) for t in words}
        for concept, toks in query.concept_tokens.items():
            weights["§" + concept] = max((kb.idf.get(t, unknown) for t in toks), default=unknown)
        return weights

    def _faq_tokens(self, i: int) -> dict[str, float]:
        cached = self._cache.get(i)
        if cached is None:
            cached = self._cache[i] = self._weighted(self.kb.chunks[i].question or "")
        return cached


def _stem(token: str) -> str:
    """English words reduced to a rough stem (months → month, repaying → repay), for matching
    a question to an FAQ's question; Chinese words are left as they are."""
    if not token.isascii() or len(token) <= 4:
        return token
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)] + keep
    return token


def _weighted_dice(a: dict[str, float], b: dict[str, float]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum(w for t, w in a.items() if t in b) / total if total else 0.0
