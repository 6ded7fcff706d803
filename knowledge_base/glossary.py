"""The bank's glossary: how clients say what the handbook says.

Clients write 能借多少 / how much can I borrow where the handbook says 贷款额度, and 专利贷 where it
says 知识产权质押贷. The glossary maps such wording to the handbook's own *concepts*: a group's
first entry is the concept, the others are phrases or, prefixed with ``re:``, regular expressions.
Retrieval then searches for the concept and checks that a passage covers it (see retrieval.py).

The glossary is part of a knowledge base (stored with it at ingest), so each bank maintains its
own wording in a YAML file beside its documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from knowledge_base.errors import KnowledgeBaseError


@dataclass(frozen=True)
class ConceptMatch:
    concept: str
    kind: str  # "term" or "product"
    start: int
    end: int


@dataclass(frozen=True)
class Glossary:
    groups: tuple[tuple[str, ...], ...] = ()
    products: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Glossary:
        if path is None or not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            groups = tuple(tuple(str(w) for w in g if str(w).strip()) for g in data.get("groups") or [] if g)
            products = {str(k): tuple(str(a) for a in (v or [])) for k, v in (data.get("products") or {}).items()}
            glossary = cls(groups=groups, products=products)
            glossary._patterns  # noqa: B018 — compile now so a bad regex fails at ingest, not per question
        except (yaml.YAMLError, re.error, AttributeError, TypeError) as exc:
            raise KnowledgeBaseError(f"{path}: 同义词表无效 (invalid glossary: {exc})") from exc
        return glossary

    @classmethod
    def from_dict(cls, data: dict | None) -> Glossary:
        """From the form stored in a knowledge base's manifest (see ``to_dict``)."""
        data = data or {}
        return cls(groups=tuple(tuple(g) for g in data.get("groups", [])),
                   products={k: tuple(v) for k, v in data.get("products", {}).items()})

    def to_dict(self) -> dict:
        return {"groups": [list(g) for g in self.groups], "products": {k: list(v) for k, v in self.products.items()}}

    @cached_property
    def _patterns(self) -> list[tuple[str, str, re.Pattern[str]]]:
        patterns = []
        for group in self.groups:
            patterns.append((group[0], "term", _compile(group)))
        for name, aliases in self.products.items():
            patterns.append((name, "product", _compile((name, *aliases))))
        return patterns

    def words(self) -> list[str]:
        """Plain Chinese terms (not regexes), for the tokenizer's dictionary."""
        return [w for w in self.terms() if not w.isascii()]

    def terms(self) -> list[str]:
        """Every plain term (not regexes), in any language."""
        out = [w for g in self.groups for w in g if not w.startswith("re:")]
        for name, aliases in self.products.items():
            out.append(name)
            out.extend(a for a in aliases if not a.startswith("re:"))
        return out

    def matches(self, question: str) -> list[ConceptMatch]:
        """Concepts the question mentions, each once, with the span of its first mention."""
        text = question.lower()
        found: dict[str, ConceptMatch] = {}
        for concept, kind, pattern in self._patterns:
            m = pattern.search(text)
            if m and concept not in found:
                found[concept] = ConceptMatch(concept, kind, m.start(), m.end())
        # One stretch of the question is one mention: a match inside a longer one (质押 inside
        # 知识产权质押贷, 纳税 inside 纳税信用等级) is dropped. Equal spans may name two concepts
        # (罚钱 is both 罚息 and 违约金); at equal length products are considered first.
        ordered = sorted(found.values(), key=lambda m: (-(m.end - m.start), m.kind != "product"))
        kept: list[ConceptMatch] = []
        for m in ordered:
            if not any(k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start)
                       for k in kept):
                kept.append(m)
        found = {m.concept: m for m in kept}
        return sorted(found.values(), key=lambda m: m.start)

    def expansions(self, question: str) -> list[str]:
        return [m.concept for m in self.matches(question)]

    def products_in(self, text: str) -> list[str]:
        """Product names mentioned in ``text`` (by name or alias), in order of appearance."""
        return [m.concept for m in self.matches(text) if m.kind == "product"]


def _compile(entries: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for entry in sorted(entries, key=len, reverse=True):
        if entry.startswith("re:"):
            parts.append(f"(?:{entry[3:]})")
        elif entry.isascii():
            parts.append(rf"\b{re.escape(entry.lower())}\b")
        else:
            parts.append(re.escape(entry.lower()))
    return re.compile("|".join(parts))
