"""The bank's glossary: synonym groups and product aliases used to expand questions.

Clients say 能借多少 where the handbook says 贷款额度, and 专利贷 where it says 知识产权质押贷.
The glossary is part of a knowledge base (copied into it at ingest), so each bank maintains its
own wording as a YAML file beside its documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge_base.errors import KnowledgeBaseError


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
        except yaml.YAMLError as exc:
            raise KnowledgeBaseError(f"{path}: 同义词表不是有效的 YAML (invalid glossary YAML: {exc})") from exc
        groups = tuple(tuple(str(w) for w in g if str(w).strip()) for g in data.get("groups") or [] if g)
        products = {str(k): tuple(str(a) for a in (v or [])) for k, v in (data.get("products") or {}).items()}
        return cls(groups=groups, products=products)

    def words(self) -> list[str]:
        """Every term, for the tokenizer's dictionary."""
        out = [w for g in self.groups for w in g]
        for name, aliases in self.products.items():
            out.append(name)
            out.extend(aliases)
        return out

    def expansions(self, question: str) -> list[str]:
        """Canonical terms for the glossary words the question contains."""
        found: list[str] = []
        for group in self.groups:
            canonical = group[0]
            if canonical not in question and any(w in question for w in group[1:]):
                found.append(canonical)
        for name, aliases in self.products.items():
            if name not in question and any(a in question for a in aliases):
                found.append(name)
        return found

    def products_in(self, text: str) -> list[str]:
        """Product names mentioned in ``text`` (by name or alias), in order of appearance."""
        positions: dict[str, int] = {}
        for name, aliases in self.products.items():
            hits = [text.find(t) for t in (name, *aliases) if t and t in text]
            if hits:
                positions[name] = min(hits)
        # A shorter name inside a longer one (信用贷 in 政府风险补偿贷?) must not count twice.
        names = sorted(positions, key=positions.get)
        return [n for n in names if not any(n != m and n in m and positions[m] <= positions[n] for m in names)]
