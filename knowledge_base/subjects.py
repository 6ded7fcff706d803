"""Which product a question is about: named (by its title, an alias, an English name), or
described by the client's situation (有专利 → 知识产权质押贷: the situation's words gather in
that product's document).

A *product* is a document organised like one: sections for at least three of amount, rate,
term, guarantee, eligibility and materials. Its key is its Chinese title; an English edition
titled "Invoice Loan (发票贷)" is the same product in another language.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from knowledge_base.aspects import section_aspect
from knowledge_base.index import KnowledgeBaseIndex

PRODUCT_ASPECTS = {"amount", "rate", "term", "guarantee", "eligibility", "materials"}
_PRODUCT_SUFFIX = re.compile(r"(贷款|贷|融资)$")
_GENERIC_EN = {"loan", "loans", "financing", "finance", "credit"}
# "credit" as a loan word, not a credit rating ("tax credit grade" is not the Tax Loan).
_CREDIT = r"credit(?![\s-]+(?:rating|grade|score|record|history|report|level))"
_NEGATED = re.compile(r"(没有|没|无|不是|不用|不需要|不要|并非)(任何|什么)?$")
_PAREN = re.compile(r"^(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
# How much the best document must lead the runner-up for a situation to name a product.
SITUATION_LEAD = 1.5


def chunk_language(text: str) -> str:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "en" if latin > 3 * cjk else "zh"


@dataclass
class Product:
    key: str  # the Chinese title: 发票贷
    sources: dict[str, str] = field(default_factory=dict)  # language -> source
    english: str = ""  # Invoice Loan


class SubjectFinder:
    def __init__(self, kb: KnowledgeBaseIndex) -> None:
        self.kb = kb
        self.language: dict[str, str] = {}  # source -> "zh" | "en"
        self._by_language: dict[str, set[str]] = {}
        self._faq_subjects: dict[int, list[str]] = {}
        # Which chunks each document has and which FAQ entries name each product: built the first
        # time they are asked for.
        self._chunks_of: dict[str, list[int]] | None = None
        self._faqs_naming: dict[str, list[int]] = {}
        aspects: dict[str, set[str]] = {}
        titles: dict[str, str] = {}
        for chunk in kb.chunks:
            if chunk.source not in self.language:
                self.language[chunk.source] = chunk_language(chunk.title + chunk.text)
                titles[chunk.source] = chunk.title
            aspect = section_aspect(chunk.section) if chunk.kind != "faq" else None
            if aspect:
                aspects.setdefault(chunk.source, set()).add(aspect)
        self.products: dict[str, Product] = {}
        english: list[tuple[str, str, str]] = []
        for source, title in titles.items():
            if len(aspects.get(source, set()) & PRODUCT_ASPECTS) < 3:
                continue
            m = _PAREN.match(title)
            if self.language[source] == "en" and m:
                english.append((source, m.group(1), m.group(2)))
            elif self.language[source] == "zh":
                self.products.setdefault(title, Product(title)).sources["zh"] = source
        for source, name, key in english:
            product = self.products.setdefault(key, Product(key))
            product.sources["en"] = source
            product.english = name
        self.product_sources = frozenset(s for p in self.products.values() for s in p.sources.values())
        # Plain names are looked up by substring (fast for thousands of products); only regex
        # aliases and English names need a pattern each.
        self._literal: dict[str, str] = {}
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for key, product in self.products.items():
            self._literal[key.lower()] = key
            # A title's stem names the product too (专精特新贷 → 专精特新), when it is long enough
            # not to be a common word (信用, 抵押 are not).
            stem = _PRODUCT_SUFFIX.sub("", key)
            if stem != key and len(stem) >= 3:
                self._literal.setdefault(stem.lower(), key)
            elif stem != key:
                # A short stem (发票, 信用) names the product only as a kind of loan: 凭发票的那个贷款.
                self._patterns.append((key, re.compile(re.escape(stem) + r"的?(那个|那种|这个|这种)?(贷款|贷)")))
            aliases = kb.glossary.products.get(key, ())
            for alias in aliases:
                if not alias.startswith("re:") and not alias.isascii():
                    self._literal.setdefault(alias.lower(), key)
            pattern = _pattern(product.english, [a for a in aliases if a.startswith("re:") or a.isascii()])
            if pattern is not None:
                self._patterns.append((key, pattern))
        self._longest = max((len(n) for n in self._literal), default=0)
        self._partial, self._title_word = self._partial_names()
        self._longest_part = max(map(len, [*self._partial, *self._title_word]), default=0)
        # Which products' (Chinese) documents use each word: few owners make a word distinctive.
        self._owner_docs = {source: key for key, p in self.products.items() for source in p.sources.values()}
        self._owners: dict[str, set[str]] = {}
        for i, chunk in enumerate(kb.chunks):
            key = self._owner_docs.get(chunk.source)
            if key is not None:
                for token in kb.token_set(i):
                    if len(token) >= 2 and token not in key and token not in self.products[key].english.lower():
                        # (its own name is not a situation)
                        self._owners.setdefault(token, set()).add(key)

    def named(self, text: str) -> list[str]:
        """Products the text names, in order of mention (a name inside a longer one is not counted)."""
        low = text.lower()
        spans = self._spans(low)
        kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                           for o in spans)]
        # 没有专利 / 不是国企: what the client does not have names no product.
        return [key for start, _, key in sorted(kept) if not _NEGATED.search(low[max(0, start - 4):start])]

    def _partial_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """Parts of a title that name its product on their own (风险补偿 for 政府风险补偿贷, 知识产权
        for 知识产权质押贷: runs of the title's words of four characters or more, the product
        suffix aside), and the title's words of two characters or more; each kept only when no
        other title has it. Counted, not searched, so thousands of products cost little."""
        runs: dict[str, set[str]] = {}
        words_of: dict[str, set[str]] = {}
        for key in self.products:
            words = [w.lower() for w in self.kb.tokenizer.words(_PRODUCT_SUFFIX.sub("", key))]
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    part = "".join(words[i:j])
                    if len(part) >= 4 and part not in self._literal:
                        runs.setdefault(part, set()).add(key)
                if len(words[i]) >= 2:
                    words_of.setdefault(words[i], set()).add(key)
        unique = {part: next(iter(keys)) for part, keys in runs.items() if len(keys) == 1}
        return unique, {w: next(iter(keys)) for w, keys in words_of.items() if len(keys) == 1}

    def partly_named(self, text: str) -> list[str]:
        """Products named by a part of their title only (本地政府的风险补偿资金池), or by two of its
        words apart (区里有政府补偿资金池), in order of mention: read when no product is named in full."""
        low = text.lower()
        hits: list[tuple[int, str]] = []
        words: dict[str, dict[str, int]] = {}
        for start in range(len(low)):
            for end in range(start + 2, min(len(low), start + self._longest_part) + 1):
                piece = low[start:end]
                if (key := self._partial.get(piece)) is not None:
                    hits.append((start, key))
                if (key := self._title_word.get(piece)) is not None:
                    words.setdefault(key, {}).setdefault(piece, start)
        hits += [(min(found.values()), key) for key, found in words.items() if len(found) >= 2]
        return list(dict.fromkeys(key for _, key in sorted(hits)))

    def without_names(self, text: str) -> str:
        """``text`` with product names blanked (知识产权质押贷 must not read as a guarantee question)."""
        low = text.lower()
        for start, end, _ in sorted(self._spans(low), reverse=True):
            low = low[:start] + " " + low[end:]
        return low

    def _spans(self, low: str) -> list[tuple[int, int, str]]:
        """Every mention of a product: (start, end, key); overlapping mentions included."""
        spans: list[tuple[int, int, str]] = []
        seen: set[str] = set()
        for start in range(len(low)):
            for end in range(min(len(low), start + self._longest), start + 1, -1):
                key = self._literal.get(low[start:end])
                if key is not None and key not in seen:
                    spans.append((start, end, key))
                    seen.add(key)
                    break
        for key, pattern in self._patterns:
            m = pattern.search(low)
            if m and key not in seen:
                spans.append((m.start(), m.end(), key))
                seen.add(key)
        return spans

    def situated(self, tokens: list[str]) -> str | None:
        """The product whose document the question's distinctive words point to, when one clearly
        leads: words found in at most two products' documents (专利, 开票, 汇票), weighted by rarity."""
        scores: dict[str, float] = {}
        support: dict[str, int] = {}
        for token in dict.fromkeys(tokens):
            owners = self._owners.get(token)
            if not owners or len(owners) > 2 or any(ch.isdigit() for ch in token):
                continue  # (a figure the client mentions, 1000万, is no situation)
            for key in owners:
                scores[key] = scores.get(key, 0.0) + math.log(1 + len(self.products) / len(owners))
                support[key] = support.get(key, 0) + (2 if len(owners) == 1 else 1)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] < SITUATION_LEAD * ranked[1][1]:
            return None
        # One word shared with another product is not a situation; one only this product uses is.
        return ranked[0][0] if support[ranked[0][0]] >= 2 else None

    def source(self, key: str, lang: str) -> str | None:
        product = self.products.get(key)
        if product is None:
            return None
        return product.sources.get(lang) or product.sources.get("zh")

    def faq_subjects(self, i: int) -> list[str]:
        """The products FAQ chunk ``i``'s question names (read once per entry)."""
        if i not in self._faq_subjects:
            self._faq_subjects[i] = self.named(self.kb.chunks[i].question or "")
        return self._faq_subjects[i]

    def passages_about(self, keys: list[str], lang: str) -> list[str]:
        """Every passage about these products in an edition: their documents, and the FAQ
        entries whose question names one of them."""
        if self._chunks_of is None:
            self._chunks_of, self._faqs_naming = {}, {}
            for i, chunk in enumerate(self.kb.chunks):
                self._chunks_of.setdefault(chunk.source, []).append(i)
                if chunk.kind == "faq" and chunk.question:
                    for key in self.faq_subjects(i):
                        self._faqs_naming.setdefault(key, []).append(i)
        ids = {i for key in keys if (source := self.source(key, lang)) for i in self._chunks_of.get(source, ())}
        ids.update(i for key in keys for i in self._faqs_naming.get(key, ()))
        return [self.kb.chunks[i].text for i in sorted(ids)]

    def sources_in(self, lang: str) -> set[str]:
        if lang not in self._by_language:
            self._by_language[lang] = {s for s, language in self.language.items() if language == lang}
        return self._by_language[lang]


def _pattern(english: str, aliases: list[str]) -> re.Pattern[str] | None:
    parts = []
    for alias in aliases:
        parts.append(f"(?:{alias[3:]})" if alias.startswith("re:") else rf"\b{re.escape(alias.lower())}\b")
    if english:
        words = re.findall(r"[a-z0-9]+", english.lower())
        distinctive = [w for w in words if w not in _GENERIC_EN]
        parts.append(r"\b" + r"[\s-]+".join(map(re.escape, words)) + r"\b")
        if distinctive and len(distinctive) < len(words):
            # "tech sme loan" names the Tech Loan: its own words, then a loan word soon after; so
            # do its last words alone ("receivables financing" for Accounts Receivable Financing)
            # when they are not a short word any loan may carry (SME).
            for start in range(len(distinctive)):
                tail = distinctive[start:]
                if start and len(tail) == 1 and len(tail[0]) < 5:
                    continue
                gap = r"(?:[\s-]+\w+){0,2}?" if not start else ""  # the last words: right before it
                parts.append(r"\b" + r"[\s-]+".join(map(re.escape, tail))
                             + r"\w*\b" + gap + r"[\s-]+(?:loans?|financ\w*|" + _CREDIT + r")\b")
    return re.compile("|".join(parts)) if parts else None
