"""The default composer: answers built from the bank's own sentences, no LLM needed.

It quotes; it never rewrites a figure. A FAQ match is answered with the FAQ's answer; otherwise
the best passage is quoted whole when short, or its sentences that best match the question.
A question naming two or more products is answered product by product, each with its citation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from assistant.answering.guard import without_instructions
from assistant.answering.language import Language
from knowledge_base.chunking import split_sentences
from knowledge_base.retrieval import Hit, RetrievalPipeline, RetrievalResult

log = logging.getLogger(__name__)

QUOTE_WHOLE_CHARS = 240
MAX_QUOTE_CHARS = 260
_TERMS_RE = re.compile(r"利率|利息|年化|费用|收费|额度|期限|多久|多长|rate|interest|fee|amount|term|limit", re.I)


@dataclass
class Composition:
    text: str
    grounded: bool
    hits: list[Hit] = field(default_factory=list)
    reason: str = ""  # why not grounded: "no_match", "injection", "greeting", …


@dataclass(frozen=True)
class Messages:
    """Fixed sentences shown to clients, in the two languages the assistant speaks."""

    bank_name: str
    hotline: str

    def out_of_scope(self, lang: Language) -> str:
        if lang == "en":
            return (f"Sorry, I could not find this in {self.bank_name}'s documents. I can answer questions "
                    "about our SME financing products (amounts, rates, terms, eligibility, materials, process), "
                    f"register a complaint, or put you in touch with a relationship manager. For a person, "
                    f"reply \"human\" or call {self.hotline}.")
        return (f"抱歉，{self.bank_name}的资料中没有找到这个问题的答案。我可以解答本行小微企业融资产品的额度、利率、"
                f"期限、申请条件、材料和办理流程，也可以帮您登记投诉或联系客户经理。如需人工服务，请回复“转人工”"
                f"或拨打客服热线 {self.hotline}。")

    def refused_instruction(self, lang: Language) -> str:
        if lang == "en":
            return ("I can only answer from the bank's documents and cannot change my instructions, quote "
                    f"different terms or approve anything. Ask me about {self.bank_name}'s SME financing "
                    f"products, or call {self.hotline} for a person.")
        return (f"我只能依据{self.bank_name}的资料作答，不能更改既定规则、改动产品条件或作出任何审批承诺。"
                f"欢迎咨询本行小微企业融资产品；如需人工服务，请拨打 {self.hotline}。")

    def greeting(self, lang: Language) -> str:
        if lang == "en":
            return (f"Hello! I am {self.bank_name}'s SME financing assistant. Ask me about loan products, "
                    "eligibility, rates and materials; I can also check an invoice or contract you upload.")
        return (f"您好！我是{self.bank_name}小微企业融资助手，可以为您介绍贷款产品、申请条件、参考利率和所需材料，"
                "也可以帮您初步核对上传的发票或合同。请问有什么可以帮您？")

    def thanks(self, lang: Language) -> str:
        return "You're welcome. Anything else I can help with?" if lang == "en" else "不客气！还有其他可以帮您的吗？"

    def compliance(self, lang: Language) -> str:
        if lang == "en":
            return "(Indicative terms only; the actual amount, rate and term are subject to the bank's approval.)"
        return "（以上为参考信息，实际额度、利率和期限以本行审批结果为准。）"


class ExtractiveComposer:
    def __init__(self, retriever: RetrievalPipeline, messages: Messages, threshold: float, top_k: int = 5) -> None:
        self.retriever = retriever
        self.messages = messages
        self.threshold = threshold
        self.top_k = top_k

    def products_in(self, text: str) -> list[str]:
        return self.retriever.kb.glossary.products_in(text)

    def compose(self, question: str, lang: Language) -> Composition:
        products = self.products_in(question)
        if len(products) >= 2:
            comparison = self._compare(question, products, lang)
            if comparison is not None:
                return comparison
        result = self.retriever.run(question, top_k=self.top_k)
        if not result.hits or result.relevance < self.threshold:
            return Composition(self.messages.out_of_scope(lang), False, result.hits, "no_match")
        best = result.hits[0]
        body = self.quote(best, result)
        text = _cite_line(body, [best], lang)
        if _TERMS_RE.search(question) or _TERMS_RE.search(body):
            text += "\n" + self.messages.compliance(lang)
        return Composition(text, True, result.hits)

    def quote(self, hit: Hit, result: RetrievalResult) -> str:
        """The exact words of the passage that answer the question."""
        chunk = hit.chunk
        sentences, dropped = without_instructions(split_sentences(chunk.text))
        if dropped:
            log.warning("not quoting %d instruction-like sentence(s) of %s", dropped, chunk.source)
        if chunk.kind == "faq" or len(chunk.text) <= QUOTE_WHOLE_CHARS:
            return "".join(sentences) if dropped else chunk.text
        kb = self.retriever.kb
        wanted = set(result.tokens) | {t for term in kb.glossary.expansions(result.query)
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

    def _compare(self, question: str, products: list[str], lang: Language) -> Composition | None:
        kb = self.retriever.kb
        sources_by_title: dict[str, set[str]] = {}
        for source, doc in kb.documents.items():
            sources_by_title.setdefault(doc.get("title", ""), set()).add(source)
        aspect = question
        for name in products:
            for alias in (name, *kb.glossary.products.get(name, ())):
                aspect = aspect.replace(alias, " ")
        lines: list[str] = []
        hits: list[Hit] = []
        for name in products[:4]:
            sources = sources_by_title.get(name)
            if not sources:
                return None
            result = self.retriever.run(f"{name} {aspect}", top_k=1, sources=sources)
            if not result.hits:
                return None
            hit = result.hits[0]
            hits.append(hit)
            lines.append(f"· {name}：{self.quote(hit, result)} [{len(hits)}]")
        intro = "Comparison from the bank's handbook:" if lang == "en" else "根据本行产品资料，对比如下："
        body = intro + "\n" + "\n".join(lines)
        text = body + "\n" + sources_line(hits, lang)
        if _TERMS_RE.search(question) or _TERMS_RE.search(body):
            text += "\n" + self.messages.compliance(lang)
        return Composition(text, True, hits)


def citation_label(hit: Hit) -> str:
    """How a source is named to a client: 《科技贷》 · 贷款额度, or the FAQ's question, and the page."""
    chunk = hit.chunk
    label = f"《{chunk.title}》"
    if chunk.kind == "faq" and chunk.question:
        label += f" · 问：{chunk.question}"
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
