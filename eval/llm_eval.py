"""What the LLM composer did on an evaluation run, measured on what the client received.

``unsupported_figures`` re-checks every grounded answer independently of the composer's own
checks: each figure in the reply's text (the sources and compliance lines excepted) must appear in
one of the citations given with it. The count is the number the issue wants at zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assistant.answering.figures import unsupported_figures

_NOT_CLAIMS = ("来源：", "Sources: ", "（以上为参考信息", "(Indicative terms only")


def answer_body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(_NOT_CLAIMS))


def figures_without_source(answer: dict) -> list[str]:
    if not answer.get("grounded"):
        return []  # refusals quote the bank's hotline from settings, not the documents
    sources = [c.get("text", "") for c in answer.get("citations") or []]
    return [f.text for f in unsupported_figures(answer_body(answer.get("answer", "")), sources)]


def summary(answers: Iterable[tuple[dict, str, str]]) -> dict:
    """From (answer JSON, composer, fallback reason) per question: composer use and unsupported figures."""
    composers: Counter[str] = Counter()
    fallbacks: Counter[str] = Counter()
    unsupported: list[str] = []
    for answer, composer, reason in answers:
        composers[composer] += 1
        if reason:
            fallbacks[reason] += 1
        unsupported.extend(figures_without_source(answer))
    return {"llm_answers": composers.get("llm", 0), "extractive_answers": composers.get("extractive", 0),
            "llm_fallbacks": dict(sorted(fallbacks.items())), "unsupported_figures_to_client": len(unsupported),
            "unsupported_figures_examples": unsupported[:10]}
