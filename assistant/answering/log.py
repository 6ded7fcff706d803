"""The answer log: every question answered outside a conversation (CLI, API), for the bank's
content team to see what clients ask and what the knowledge base does not cover yet."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.answering.service import Answer
from assistant.privacy import mask_text
from assistant.store.models import AnswerLog


def record_answer(sessions: sessionmaker[Session], answer: Answer, kb: str, channel: str) -> None:
    top = answer.citations[0] if answer.citations else None
    with sessions.begin() as db:
        db.add(AnswerLog(
            created_at=datetime.now(UTC), channel=channel, kb=kb,
            # Clients paste phone numbers and credit codes into questions; the log does not need them.
            question=mask_text(answer.question)[:2000],
            grounded=answer.grounded, reason=answer.reason,
            top_source=top["source"] if top else None, top_score=top["score"] if top else None,
            latency_ms=answer.latency_ms,
        ))


def knowledge_gaps(sessions: sessionmaker[Session], kb: str, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent questions that were not answered from the documents (out of scope
    or not covered), newest period only; injections and chit-chat are left out."""
    since = datetime.now(UTC) - timedelta(days=days)
    with sessions() as db:
        rows = db.scalars(
            select(AnswerLog.question).where(
                AnswerLog.kb == kb, AnswerLog.grounded.is_(False), AnswerLog.reason == "no_match",
                AnswerLog.created_at >= since,
            )
        ).all()
    return Counter(q.strip() for q in rows).most_common(limit)
