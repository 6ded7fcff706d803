"""Understanding a question before retrieving: about what (subject), asking what (aspects).

``Planner.plan`` reads the question (typos corrected by sound), names its products or infers
one from the client's situation or the conversation, and lists the aspects it asks about;
``Planner.sections_for`` then picks, for each product and aspect, the section of that product's
document that answers it, in the client's language when the knowledge base has that edition;
``general_sections`` the general documents' sections, and ``faqs`` (``faq_match.py``) the FAQ
entries asked in other words.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from assistant.answering.faq_match import FaqMatcher
from assistant.answering.guard import asking_clauses
from assistant.answering.language import Language
from knowledge_base.aspects import PRODUCT_ASPECTS, AspectVocabulary, heading_aspects, section_aspect
from knowledge_base.pinyin import PinyinMatcher
from knowledge_base.retrieval import Hit, RetrievalPipeline
from knowledge_base.spelling import SpellingCorrector
from knowledge_base.subjects import SubjectFinder

MAX_SUBJECTS = 4
MAX_ASPECTS = 3
BANK_ASPECTS = frozenset({"complaint", "fraud", "privacy"})  # the bank's in general, never one product's
GENERAL_PER_ASPECT = 2
HISTORY_TURNS = 4
# What the client says they lack (没有房子也没有专利) is no clue to the product they need.
_NEGATED_THINGS = re.compile(r"(没有|没|无|不是|不用|并非)(任何|什么)?[^，,。？?！!也又和、]{1,6}")
# What is left of an elliptical follow-up once its product is removed: 那…呢？, 还有…的？
_FILLER = re.compile(r"[那么还有再请问的呢吗啊呀吧？?。！!，,、\s]")


@dataclass
class Plan:
    question: str  # as asked
    text: str  # typos corrected
    lang: Language
    docs_lang: str  # the edition answered from: the client's language when the KB has it
    subjects: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    subject_from: str = ""  # "named", "situation", "history"
    asked: str = ""  # the clauses that ask (a long message's story set aside); ``text`` when all do


class Planner:
    def __init__(self, retriever: RetrievalPipeline) -> None:
        kb = retriever.kb
        self.retriever = retriever
        self.kb = kb
        self.subjects = SubjectFinder(kb)
        headings = [c.section for c in kb.chunks if c.kind != "faq" and c.section]
        self.vocabulary = AspectVocabulary.from_headings(
            [(c.source, c.section) for c in kb.chunks if c.kind != "faq" and c.section], kb.tokenizer.words)
        titles = {c.title for c in kb.chunks}
        # Key terms: document titles, the glossary's words, and the headings that name an aspect.
        aspect_headings = {h for h in headings if section_aspect(h)}
        key_terms = set(titles) | aspect_headings
        for text in titles | aspect_headings:
            key_terms.update(kb.tokenizer.words(text))
        key_terms.update(w for w in kb.glossary.words() if len(w) >= 2)
        # The FAQ's questions are asked in clients' words: their longer words are asked, and mistyped, too.
        key_terms.update(w for c in kb.chunks if c.kind == "faq" and c.question
                         for w in kb.tokenizer.words(c.question) if len(w) >= 3)
        # Only the domain's key terms are targets: in a large vocabulary homophones abound.
        self.pinyin = PinyinMatcher(key_terms, (), set(kb.idf))
        self.spelling = SpellingCorrector(kb.idf)  # every word of the KB, English ones included
        # Which chunks answer which aspect of which document (a section may span chunks).
        self.sections: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(kb.chunks):
            if c.kind == "faq" and c.question:
                continue
            aspect = section_aspect(c.section)
            if aspect:
                self.sections.setdefault((c.source, aspect), []).append(i)

        self.originals = self._pair_editions()
        self.faqs = FaqMatcher(kb, retriever.analyzer, self.subjects, self.vocabulary)
        # Sections of the documents about no product (compliance notes, channels, guides), by
        # language and aspect.
        product_sources = {s for p in self.subjects.products.values() for s in p.sources.values()}
        self._general: dict[str, dict[str, list[int]]] = {}
        self._general_sources: dict[str, set[str]] = {}
        for (source, aspect), ids in self.sections.items():
            if source not in product_sources:
                lang = self.subjects.language.get(source, "zh")
                self._general.setdefault(lang, {}).setdefault(aspect, []).extend(ids)
        for source, lang in self.subjects.language.items():
            if source not in product_sources:
                self._general_sources.setdefault(lang, set()).add(source)

    def _pair_editions(self) -> dict[int, int]:
        """English chunk → the Chinese chunk it translates: the same section of the paired document.

        A product's editions are paired by title (Invoice Loan (发票贷)); another document by its
        shape, when exactly one Chinese document has the same number of sections."""
        sections: dict[str, list[list[int]]] = {}
        for i, c in enumerate(self.kb.chunks):
            groups = sections.setdefault(c.source, [])
            if not groups or self.kb.chunks[groups[-1][0]].section != c.section:
                groups.append([])
            groups[-1].append(i)
        language = self.subjects.language
        product_of = {s: p for p in self.subjects.products.values() for s in p.sources.values()}
        pairs: dict[int, int] = {}
        for source, groups in sections.items():
            if language.get(source) != "en":
                continue
            if source in product_of:
                zh = product_of[source].sources.get("zh")
            else:
                same = [s for s, g in sections.items() if language.get(s) == "zh" and s not in product_of
                        and len(g) == len(groups)]
                zh = same[0] if len(same) == 1 else None
            if zh is None or len(sections[zh]) != len(groups):
                continue
            for en_group, zh_group in zip(groups, sections[zh], strict=True):
                for k, i in enumerate(en_group):
                    pairs[i] = zh_group[min(k, len(zh_group) - 1)]
        return pairs

    # Understanding ------------------------------------------------------------------------
    def plan(self, question: str, lang: Language, history: list[str] | None = None) -> Plan:
        text = self.spelling.correct(self.pinyin.correct(question))
        docs_lang = "en" if lang == "en" and self.subjects.sources_in("en") else "zh"
        # (English asks up front and in one sentence: its commas do not set a story aside.)
        asked = text if text.isascii() else "，".join(asking_clauses(text)) or text
        plan = Plan(question, text, lang, docs_lang, asked=asked)
        plan.subjects = self.subjects.named(text) or self.subjects.partly_named(text)
        # 接了几个外贸大单…信用贷最多能借多少: the product the asking clause names leads; those the
        # story mentions (大单, 按时交税) follow.
        if len(plan.subjects) > 1 and asked != text and (in_asked := self.subjects.named(asked)):
            plan.subjects = list(dict.fromkeys(in_asked + plan.subjects))
        plan.subject_from = "named" if plan.subjects else ""
        recent = [] if plan.subjects else [self.pinyin.correct(earlier) for earlier in (history or [])[-HISTORY_TURNS:]]
        # A product the client named earlier outranks one guessed from this message's words.
        if named := next((n for n in map(self.subjects.named, reversed(recent)) if n), []):
            plan.subjects, plan.subject_from = named, "history"
        if not plan.subjects:
            situated = self.subjects.situated(self.kb.tokenizer.tokens(without_lacks(text)))
            if situated:
                plan.subjects, plan.subject_from = [situated], "situation"
        if not plan.subjects and history:
            # A situation told over several messages (拿了800万股权投资 / 想再配套点贷款扩产) is
            # read as one story: one message of it alone may point elsewhere.
            situated = self.subjects.situated(self.kb.tokenizer.tokens(" ".join(recent)))
            if situated:
                plan.subjects, plan.subject_from = [situated], "history"
        plan.subjects = plan.subjects[:MAX_SUBJECTS]
        # What is asked is in the asking clauses, first; the story around them (之前在别的银行贷过款都
        # 按时还了) uses aspect words too, which come after.
        plan.aspects = list(dict.fromkeys(self.vocabulary.aspects(self.subjects.without_names(plan.asked))
                                          + self.vocabulary.aspects(self.subjects.without_names(text))))
        if "fraud" in plan.aspects:
            plan.aspects = ["fraud"]  # 有人打电话要保证金: the call and the deposit are the scam's setting
        if "complaint" in plan.aspects and "process" in plan.aspects:
            # 投诉…多少天之内给处理结果: the time asked is the complaint's, not a loan application's.
            # It leads, and the timing stays asked: it picks the complaint's 投诉处理时限 section.
            plan.aspects = ["complaint"] + [a for a in plan.aspects if a != "complaint"]
        plan.aspects = plan.aspects[:MAX_ASPECTS]
        if plan.subject_from == "situation" and plan.aspects and (
                not set(plan.aspects) & PRODUCT_ASPECTS or set(plan.aspects) & BANK_ASPECTS):
            # A scam call, a complaint about a manager: about no product, whatever words the story uses.
            plan.subjects, plan.subject_from = [], ""
        elliptical = not _FILLER.sub("", self.subjects.without_names(text))
        if not plan.aspects and (plan.subject_from == "history" or elliptical):
            # 科技贷呢？ after 发票贷利率多少？: the earlier question's aspects carry over too.
            for earlier in reversed((history or [])[-HISTORY_TURNS:]):
                plan.aspects = self.vocabulary.aspects(self.subjects.without_names(earlier))[:MAX_ASPECTS]
                if plan.aspects:
                    break
        return plan

    # Choosing passages ---------------------------------------------------------------------
    def general_sections(self, plan: Plan, aspects: list[str] | None = None) -> list[tuple[str, str, Hit]]:
        """No product in question: sections of the general documents (compliance notes, service
        channels, guides) whose heading is the aspect asked (防范金融诈骗 for a scam question), and
        the general passage whose words match the question best, when it is another one."""
        if not self.subjects.products:
            return []  # papers, not a handbook: their headings do not follow a product's aspects
        general = self._general.get(plan.docs_lang, {})
        out: list[tuple[str, str, Hit]] = []
        asked = plan.aspects if aspects is None else aspects
        for aspect in asked:
            # No general section on it (晚还了会怎样; 逾期 has none): the FAQ entries about no product that ask it.
            ids = general.get(aspect) or self.faqs.asking(plan, aspect)
            if not ids:
                continue
            # A heading naming the other aspects asked too is the one (投诉处理时限 for 投诉要等多久).
            fit = {i: len(heading_aspects(self.kb.chunks[i].section) & set(plan.aspects)) for i in ids}
            best_fit = max(fit.values())
            ids = [i for i in ids if fit[i] == best_fit]
            # Then, in English, a heading the question names a word of (the hotline for "…on your
            # hotline?"); Chinese headings share too many general words (营业, 服务) to tell.
            if plan.docs_lang == "en":
                asked = set(self.kb.tokenizer.tokens(plan.text))
                named = [i for i in ids if asked & set(self.kb.tokenizer.tokens(self.kb.chunks[i].section or ""))]
                ids = named or ids
            if len(ids) == 1:
                ranked = [Hit(self.kb.chunks[ids[0]], 1.0, 1.0, index=ids[0], match=1.0)]
            else:
                result = self.retriever.run(plan.text, top_k=10, sources={self.kb.chunks[i].source for i in ids})
                ranked = [h for h in result.hits if h.index in ids]
            # Two sections at most: a scam is in 防范金融诈骗 and in 保护账户和密码安全.
            for hit in ranked[:GENERAL_PER_ASPECT]:
                if all(h.index != hit.index for _, _, h in out):
                    out.append(("", aspect, hit))
        sources = self._general_sources.get(plan.docs_lang)
        if out and sources:
            result = self.retriever.run(plan.text, top_k=1, sources=sources)
            if result.hits and result.hits[0].chunk.kind != "faq" and all(
                    h.index != result.hits[0].index for _, _, h in out):
                out.append(("", "", result.hits[0]))
        return out

    def sections_for(self, plan: Plan) -> list[tuple[str, str, Hit]]:
        """(subject, aspect, passage) for each product and aspect the plan names."""
        out: list[tuple[str, str, Hit]] = []
        for subject, aspect in itertools.product(plan.subjects, plan.aspects):
            source = self.subjects.source(subject, plan.docs_lang)
            if source is None:
                continue
            hit = self._section(plan, source, aspect)
            if hit is not None and all(h.index != hit.index for _, _, h in out):
                out.append((subject, aspect, hit))
        return out

    def _section(self, plan: Plan, source: str, aspect: str) -> Hit | None:
        # What the money may be used for is told in a product's overview (主要用于研发投入…).
        ids = self.sections.get((source, aspect))
        if not ids and aspect == "use":
            ids = self.sections.get((source, "overview"))
        if ids and len(ids) == 1:
            return Hit(self.kb.chunks[ids[0]], 1.0, 1.0, index=ids[0], match=1.0)
        result = self.retriever.run(plan.text, top_k=5, sources={source})
        if ids:
            for hit in result.hits:
                if hit.index in ids:
                    return hit
            return Hit(self.kb.chunks[ids[0]], 1.0, 1.0, index=ids[0], match=1.0)
        return None  # the product's document has no section for this aspect

    def subject_sources(self, plan: Plan) -> set[str]:
        return {s for s in (self.subjects.source(k, plan.docs_lang) for k in plan.subjects) if s}


def without_lacks(text: str) -> str:
    """``text`` with what the client says they lack (没有专利, 没房) taken out: no clue to what they need."""
    return _NEGATED_THINGS.sub("，", text)
