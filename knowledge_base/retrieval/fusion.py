"""Fusion: several rankings into one candidate list. Chosen when the pipeline is assembled."""

from __future__ import annotations

from typing import Protocol

from knowledge_base.retrieval.types import Fused, Ranking


class Fusion(Protocol):
    def run(self, rankings: list[Ranking]) -> Fused: ...


class ReciprocalRankFusion:
    """RRF: each ranking contributes 1/(k + rank); robust when the retrievers' scores differ in scale."""

    def __init__(self, k: int = 60) -> None:
        self.k = k

    def run(self, rankings: list[Ranking]) -> Fused:
        fused: dict[int, float] = {}
        for ranking in rankings:
            for rank, i in enumerate(ranking.ids):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.k + rank + 1)
        first = rankings[0].scores if rankings else {}
        ids = sorted(fused, key=lambda i: (-fused[i], -first.get(i, 0.0)))
        # Scaled so that the best possible single-ranking candidate is about 1.
        return Fused(ids, fused, {i: s * self.k for i, s in fused.items()})


class MaxNormalisedFusion:
    """Sum of each ranking's scores divided by its best score: with one retriever, its own order."""

    def run(self, rankings: list[Ranking]) -> Fused:
        fused: dict[int, float] = {}
        position: dict[int, int] = {}
        for ranking in rankings:
            top = max(ranking.scores.values(), default=0.0) or 1.0
            for rank, i in enumerate(ranking.ids):
                fused[i] = fused.get(i, 0.0) + ranking.scores.get(i, 0.0) / top
                position.setdefault(i, rank)
        ids = sorted(fused, key=lambda i: (-fused[i], position[i]))
        return Fused(ids, fused, dict(fused))
