"""The default composer: answers built from the bank's own sentences, no LLM needed.

It quotes; it never rewrites a figure. A FAQ match is answered with the FAQ's answer; otherwise
the best passage is quoted whole when short, or its sentences that best match the question.
A question naming two or more products is answered product by product, each with its citation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from assistant.answering.coverage import CoverageCheck
from assistant.answering.faq_match import FAQ_MATCH
from assistant.answering.guard import without_instructions
from assistant.answering.language import Language
from assistant.answering.messages import Messages
from assistant.answering.names import NameCheck
from assistant.answering.plan import Plan, Planner, without_lacks
from assistant.answering.stated import StatedCheck
from knowledge_base.aspects import CERTAINTY_WORDS, section_aspect
from knowledge_base.chunking import split_sentences
from knowledge_base.retrieval import Hit, RetrievalPipeline

log = logging.getLogger(__name__)

MAX_PARTS = 5
UNKNOWN_SHARE = 0.42  # share of a question's nouns unknown to the KB beyond which retrieval is not trusted
FAQ_BESIDE_SECTIONS = 0.35
FOLLOW_UP_CHARS = 16  # a message this short, naming no product, may only make sense with the one before
QUOTE_WHOLE_CHARS = 240
QUOTE_WHOLE_LIST_CHARS = 700
MAX_QUOTE_CHARS = 260
# A demand for certainty (包过, 保证能批, the exact rate) gets the reference range and no promise.
_DEMAND_RE = re.compile(r"包过|打包票|包票|承诺|保证.{0,6}(批|通过|下来|放款|下款|贷到|利率|利息|给|额度|[成万满])"
                        r"|一定(能|可以|会).{0,4}(批|通过|贷|下)|肯定(能|会|可以)?.{0,4}(批|通过|下款|放款)|(下款|批|通过|没问题)吧|百分之?百|100%"
                        rf"|{CERTAINTY_WORDS}"
                        r"|确切|准确|精确|具体.{0,4}多少|到底是?多少|准数|准话|是不是就是|定死|一口价"
                        r"|保证\s*\d|确保|说死|拍胸脯|直说|直接(说|告诉)|明确(说|告诉)|确定的?数|给个(实|确定)"
                        r"|guarantee|exact (rate|figure|number)|for sure|promise", re.I)
_COMPARED = re.compile(r"[和跟与比].{1,12}(哪个|哪种|谁|比|区别|不同|一样)|还是")
_LIST_ITEM = re.compile(r"(?<=[：:；;。])\s*[-•·]\s+")
_TERMS_RE = re.compile(r"利率|利息|年化|费用|收费|额度|期限|多久|多长|rate|interest|fee|amount|term|limit", re.I)


@dataclass
class Composition:
    text: str
    grounded: bool
    hits: list[Hit] = field(default_factory=list)
    reason: str = ""  # why not grounded: "no_match", "injection", "greeting", …


class ExtractiveComposer:
    def __init__(self, retriever: RetrievalPipeline, messages: Messages, threshold: float, top_k: int = 5) -> None:
        self.retriever = retriever
        self.messages = messages
        self.threshold = threshold
        self.top_k = top_k
        self.planner = Planner(retriever)
        self.coverage = CoverageCheck(retriever.kb)
        self.names = NameCheck(retriever.kb, self.coverage.known)
        # The bank's fees for every product (本行不会收取的费用, 办贷款要交哪些费用): what a product's
        # own documents leave unsaid about a fee, these may say.
        fees = [c.text for c in retriever.kb.chunks
                if section_aspect(c.section) == "fees"
                or (c.kind == "faq" and c.question and "fees" in self.planner.vocabulary.aspects(c.question))]
        self.stated = StatedCheck(self.coverage.known, self.coverage.words, retriever.kb.glossary, fees)

    def products_in(self, text: str) -> list[str]:
        return self.planner.subjects.named(self.planner.pinyin.correct(text))

    def compose(self, question: str, lang: Language, history: list[str] | None = None) -> Composition:
        topics = self.coverage.uncovered_topics(question)
        if topics:
            return Composition(self.messages.not_covered(lang, topics), False, [], "not_covered")
        plan = self.planner.plan(question, lang, history)
        if uncovered := self._uncovered(plan):
            return Composition(self.messages.not_covered(lang, uncovered), False, [], "not_covered")
        parts = self.planner.sections_for(plan) if plan.aspects else []
        answered = {a for _, a, _ in parts}
        missing = [a for a in plan.aspects if a not in answered]
        if missing and not plan.subjects:
            # Asked about what no product section covers (资金用途, a scam): the general documents.
            parts += self.planner.general_sections(plan, missing)
        # Two products or more (a comparison, or one named in the story): an entry about one of them
        # only when it is asked in other words, and then only beside their sections.
        faq = self.planner.faqs.closest(plan, FAQ_BESIDE_SECTIONS if len(plan.subjects) < 2 else FAQ_MATCH)
        if not plan.subjects and history and len(plan.text) <= FOLLOW_UP_CHARS:
            # 要带啥，多久能开好？ after 想开个对公账户: the FAQ entry the two messages ask together.
            carried = self.planner.faqs.closest(replace(plan, text=f"{history[-1]} {plan.text}"), FAQ_MATCH)
            if carried is not None and (faq is None or carried[1] > faq[1]):
                return self._answer(plan, [("", "", carried[0])])
        if faq is not None:
            hit, closeness = faq
            # A demand for certainty (科技贷肯定能批吧) is answered with what the bank says about approval
            # and the reference rate below, not with the FAQ entry that happens to share its words.
            if (not parts and closeness >= FAQ_MATCH and len(plan.subjects) < 2
                    and not (plan.subjects and _DEMAND_RE.search(plan.text))):
                return self._checked(plan, [("", "", hit)])
            if parts and all(h.index != hit.index for _, _, h in parts):
                # An FAQ worded like the client's question leads when the product was only guessed
                # from the situation (one product, never two); otherwise the product's own section
                # leads and the FAQ completes it.
                leads = plan.subject_from == "situation"
                parts = [("", "", hit), *parts] if leads and closeness >= FAQ_MATCH else [*parts, ("", "", hit)]
        # The use of funds is the product's (its overview) and the bank's rule for every loan.
        general = missing + [a for a in plan.aspects if a == "use" and a not in missing]
        if general and plan.subjects and len(parts) < MAX_PARTS:
            parts += [p for p in self.planner.general_sections(plan, general)
                      if all(p[2].index != h.index for _, _, h in parts)]
        if plan.subjects and "rate" not in answered and _DEMAND_RE.search(plan.text):
            # 发票贷肯定能批吧？: no promise, and the reference range the client can rely on.
            parts += [p for p in self.planner.sections_for(replace(plan, aspects=["rate"]))
                      if all(p[2].index != h.index for _, _, h in parts)]
        parts = parts[:MAX_PARTS]
        if not parts:
            parts = self._retrieved(plan)
            if parts is None:
                return Composition(self.messages.out_of_scope(lang), False, [], "no_match")
        return self._checked(plan, parts)

    def _uncovered(self, plan: Plan) -> list[str]:
        """What the question asks about that the documents never speak of, checked before any
        passage is chosen (the rules are in ``coverage.py`` and ``names.py``); empty: nothing."""
        coverage, text = self.coverage, plan.text
        # A product the bank does not offer is not a nearby one it does (only a KB of products can tell).
        # Compared with one of ours (网商贷和你们的发票贷哪个划算), it is still not ours to describe.
        compared = bool(plan.subjects) and bool(_COMPARED.search(plan.asked))
        if self.planner.subjects.products and (not plan.subjects or compared) and (
                unknown := coverage.unknown_products(text)):
            return unknown
        # 我是个体工商户，能申请税金贷吗: the documents never say whether the product is open to them.
        if (set(plan.aspects) & {"eligibility", "guarantee"} or not plan.aspects) and (
                forms := coverage.unmentioned_forms(text)):
            return forms
        # 发票贷和税金贷能同时申请吗 / 认定过期了贷款会怎样 / 高新技术企业认定怎么申报 / 担保公司那边要审多久.
        if found := (coverage.unaddressed_situations(text) or coverage.procedures_of_others(plan.asked)
                     or self.names.steps_of_others(text)):
            return found
        # A branch in Shanghai, Sequoia as a partner, do you offer leasing: words no passage uses.
        if text.isascii() and (found := self.names.unknown_english_names(text) + coverage.unknown_english_things(text)):
            return found
        # 发票贷的评分权重 / 供应链融资平台的网址 / 西湖路支行 / POS机: what the documents never name.
        return coverage.unasked_focus(self.planner.subjects.without_names(text)) + coverage.unknown_acronyms(plan.asked)

    def _checked(self, plan: Plan, parts: list[tuple[str, str, Hit]]) -> Composition:
        if self.names.asks_for_names(plan.question) and not self.names.names_any(
                [h.chunk.text for _, _, h in parts], self._own_names):
            # 合作的评估机构是哪几家: the documents say there are such firms, not which.
            return Composition(self.messages.not_covered(plan.lang, []), False, [], "not_covered")
        # 发票贷的集中度超过多少 / 认股选择权多少比例: the product's documents never give that detail. Not
        # when the product was guessed from the client's story, told in the client's own words.
        # (What the money is for — 买设备, 发工资 — is answered by the rule on use, whatever it names.)
        # A product guessed from the story is checked only for the time of a step (评估要几天): the
        # other rules read the client's words against the product's, which a story does not use.
        if "use" not in plan.aspects:
            asked = self.planner.subjects.without_names(plan.text)
            about = self.planner.subjects.passages_about(plan.subjects, plan.docs_lang)
            passages = [h.chunk.text for _, _, h in parts]
            guessed = plan.subject_from == "situation"
            if unstated := self.stated.unstated(asked, passages, about, steps_only=guessed):
                if without_figure := [u for u in unstated if u.figure]:
                    text = self.messages.figure_not_stated(plan.lang, [u.thing for u in without_figure],
                                                           time=all(u.time for u in without_figure))
                else:
                    text = self.messages.not_covered(plan.lang, [u.thing for u in unstated])
                return Composition(text, False, [], "not_covered")
        return self._answer(plan, parts)

    @cached_property
    def _own_names(self) -> set[str]:
        """The bank's own name and its documents' titles: naming these names no one else."""
        titles = {c.title for c in self.retriever.kb.chunks}
        return titles | {self.messages.bank_name, self.messages.bank_name_en} | set(self.planner.subjects.products)

    def _retrieved(self, plan: Plan) -> list[tuple[str, str, Hit]] | None:
        """No section answers the plan directly: the passages retrieval finds, or None (abstain)."""
        query = plan.text if plan.subjects else without_lacks(plan.text)  # (没房没专利: not what is sought)
        if plan.subject_from == "history":
            query = " ".join(plan.subjects) + " " + query
        edition = self.planner.subjects.sources_in(plan.docs_lang)
        if len(plan.subjects) >= 2:
            # Products compared on something no heading names: each product's best passage.
            parts = []
            for subject in plan.subjects:
                source = self.planner.subjects.source(subject, plan.docs_lang)
                result = self.retriever.run(f"{subject} {self.planner.subjects.without_names(query)}", top_k=1,
                                            sources={source} if source else None)
                if result.hits:
                    parts.append((subject, "", result.hits[0]))
            if parts:
                return parts
        # No filter when the edition is the whole knowledge base (a filter costs a pass over it).
        sources = edition if edition and len(edition) < len(self.planner.subjects.language) else None
        if plan.subjects and edition:
            sources = sources or set(edition)
            # About one product: its document or the general ones, not another product's.
            sources = (sources - self.planner.subjects.product_sources) | self.planner.subject_sources(plan)
        if not plan.subjects and self.coverage.unknown_share(plan.text) >= UNKNOWN_SHARE:
            return None  # nothing anchors the question, and much of what it names is not in the KB
        result = self.retriever.run(query, top_k=self.top_k, sources=sources)
        if not result.hits or result.relevance < self.threshold:
            return None
        best = result.hits[0]
        product = next((k for k, p in self.planner.subjects.products.items()
                        if best.chunk.source in p.sources.values()), None)
        return [(product or "", "", best)]

    def _answer(self, plan: Plan, parts: list[tuple[str, str, Hit]]) -> Composition:
        lang = plan.lang
        hits = [h for _, _, h in parts]
        if plan.docs_lang == "en":
            text, hits = self._english(plan, hits)
        elif len(parts) == 1:
            text = _cite_line(self.quote(hits[0], plan.text), hits, lang)
        else:
            lines = [f"【{citation_label(h, brackets=False)}】{self.quote(h, plan.text)} [{n}]"
                     for n, h in enumerate(hits, 1)]
            intro = ["According to the bank's documents:"] if lang == "en" else []
            text = "\n".join(intro + lines) + "\n" + sources_line(hits, lang)
        if plan.lang == "en" and plan.docs_lang == "zh":
            text += "\n" + self.messages.chinese_only(lang)
        if _DEMAND_RE.search(plan.text):
            text += "\n" + self.messages.no_guarantee(lang)
        elif _TERMS_RE.search(plan.text) or any(_TERMS_RE.search(h.chunk.text) for h in hits):
            text += "\n" + self.messages.compliance(lang)
        return Composition(text, True, hits)

    def _english(self, plan: Plan, hits: list[Hit]) -> tuple[str, list[Hit]]:
        """An answer from the English edition: each passage, then the Chinese original it translates
        (the authoritative wording) right below it, so the two are read, and cited, together."""
        lines = ["According to the bank's documents:"]
        cited: list[Hit] = []
        for hit in hits:
            cited.append(hit)
            lines.append(f"【{citation_label(hit, brackets=False)}】{self.quote(hit, plan.text)} [{len(cited)}]")
            original = self._original(hit)
            if original is not None and all(h.index != original.index for h in cited):
                cited.append(original)
                lines.append(f"  {self.messages.chinese_original(plan.lang)} {self.quote(original, plan.text)}"
                             f" [{len(cited)}]")
        return "\n".join(lines) + "\n" + sources_line(cited, plan.lang), cited

    def _original(self, hit: Hit) -> Hit | None:
        """The Chinese passage an English one translates, when the editions are paired."""
        i = self.planner.originals.get(hit.index)
        return None if i is None else Hit(self.retriever.kb.chunks[i], 1.0, 1.0, index=i, match=1.0)

    def quote(self, hit: Hit, question: str) -> str:
        """The exact words of the passage that answer the question (lists stay lists)."""
        return _LIST_ITEM.sub("\n- ", self._quote(hit, question))

    def _quote(self, hit: Hit, question: str) -> str:
        chunk = hit.chunk
        sentences, dropped = without_instructions(split_sentences(chunk.text))
        if dropped:
            log.warning("not quoting %d instruction-like sentence(s) of %s", dropped, chunk.source)
        # A list (the materials to bring) is quoted whole: half a list reads as the whole of it.
        whole = QUOTE_WHOLE_LIST_CHARS if _LIST_ITEM.search(chunk.text) or "\n-" in chunk.text else QUOTE_WHOLE_CHARS
        if chunk.kind == "faq" or len(chunk.text) <= whole:
            return "".join(sentences) if dropped else chunk.text
        kb = self.retriever.kb
        wanted = set(kb.tokenizer.tokens(question)) | {t for term in kb.glossary.expansions(question)
                                                       for t in kb.tokenizer.tokens(term)}
        scored = []
        for i, sentence in enumerate(sentences):
            present = set(kb.tokenizer.tokens(sentence))
            scored.append((sum(kb.idf.get(t, 0.0) for t in wanted & present), i))
        chosen: list[int] = []
        length = 0
        for score, i in sorted(scored, key=lambda s: (-s[0], s[1])):
            if score <= 0 and chosen:
                break
            if length + len(sentences[i]) > MAX_QUOTE_CHARS and chosen:
                continue
            chosen.append(i)
            length += len(sentences[i])
        return "".join(sentences[i] for i in sorted(chosen))


def citation_label(hit: Hit, brackets: bool = True) -> str:
    """How a source is named to a client: 《科技贷》 · 贷款额度, or the FAQ's question, and the page."""
    chunk = hit.chunk
    label = f"《{chunk.title}》" if brackets else chunk.title
    if chunk.kind == "faq" and chunk.question:
        label += f" · Q: {chunk.question}" if chunk.question.isascii() else f" · 问：{chunk.question}"
    elif chunk.section and chunk.section != chunk.title:
        label += f" · {chunk.section}"
    if chunk.page:
        label += f" · 第{chunk.page}页"
    return label


def sources_line(hits: list[Hit], lang: Language, numbers: list[int] | None = None) -> str:
    """来源：[1] 《…》 · …；[2] … — ``numbers`` when the citations are not simply 1, 2, 3…"""
    prefix = "Sources: " if lang == "en" else "来源："
    numbers = numbers or list(range(1, len(hits) + 1))
    return prefix + "；".join(f"[{n}] {citation_label(h)}" for n, h in zip(numbers, hits, strict=True))


def _cite_line(body: str, hits: list[Hit], lang: Language) -> str:
    if lang == "en":
        return f"According to the bank's documents: {body} [1]\n" + sources_line(hits, lang)
    return f"{body} [1]\n" + sources_line(hits, lang)
