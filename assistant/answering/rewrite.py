"""The retrieval query for a follow-up, rewritten from the client's recent messages.

Clients ask in fragments: 科技贷额度多少？ then 那利率呢？ (the product is carried), or
发票贷利率多少？ then 科技贷呢？ (the question is carried to the new product). Both composers
retrieve with the rewritten query; the LLM also sees the turns themselves.
"""

from __future__ import annotations

import re

from knowledge_base.glossary import Glossary

HISTORY_TURNS = 4
# What is left of an elliptical follow-up once its product is removed: 那…呢？, 还有…的？
_ELLIPSIS_FILLER = re.compile(r"[那么还有再请问的呢吗啊呀吧？?。！!，,、\s]")


def rewrite_query(question: str, history: list[str], glossary: Glossary) -> str:
    products = glossary.products_in(question)
    recent = history[-HISTORY_TURNS:]
    if not products:
        for earlier in reversed(recent):
            named = glossary.products_in(earlier)
            if named:
                return " ".join(named) + " " + question
        return question
    if _without_products(question, glossary) or not recent:
        return question
    # Only a product was given (科技贷呢？): ask the previous question about it.
    for earlier in reversed(recent):
        asked = _without_products(earlier, glossary)
        if asked:
            return " ".join(products) + " " + asked
    return question


def _without_products(text: str, glossary: Glossary) -> str:
    """``text`` with product names removed; empty when nothing but filler remains."""
    rest = text.lower()
    for m in sorted(glossary.matches(rest), key=lambda m: -m.start):
        if m.kind == "product":
            rest = rest[: m.start] + " " + rest[m.end :]
    return rest.strip() if _ELLIPSIS_FILLER.sub("", rest) else ""
