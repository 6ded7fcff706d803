"""Count what is in the database against what the simulated clients sent and were told.

Each session's user messages must lie between what the server acknowledged (200) and what was
sent: fewer is a lost message; more than acknowledged is a turn stored whose reply never arrived
(counted, not lost). Every ticket number and lead id a client was given must exist, every upload
acknowledged must have its document row, and every stored client message its stored reply.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from assistant.store.db import make_engine
from assistant.store.models import ComplaintTicket, Conversation, Document, Lead, Message


def account(ledger: list[dict[str, Any]], database_url: str, channel: str = "api") -> dict[str, Any]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as db:
            conversations = dict(db.execute(select(Conversation.user_id, Conversation.id)
                                            .where(Conversation.channel == channel)).all())
            by_role = Counter({(cid, role): n for cid, role, n in db.execute(
                select(Message.conversation_id, Message.role, func.count()).group_by(Message.conversation_id,
                                                                                     Message.role)).all()})
            documents = Counter(dict(db.execute(select(Document.conversation_id, func.count())
                                                .group_by(Document.conversation_id)).all()))
            tickets = {n: u for n, u in db.execute(select(ComplaintTicket.number, ComplaintTicket.user_id)
                                                   .where(ComplaintTicket.channel == channel)).all()}
            leads = {i: u for i, u in db.execute(select(Lead.id, Lead.user_id).where(Lead.channel == channel)).all()}
    finally:
        engine.dispose()
    sent = acked = stored = lost = stored_unacked = replies_missing = 0
    uploads_acked = uploads_lost = 0
    tickets_given = leads_given = 0
    tickets_lost: list[str] = []
    leads_lost: list[int] = []
    for row in ledger:
        cid = conversations.get(row["session"])
        users = by_role.get((cid, "user"), 0) if cid is not None else 0
        bots = by_role.get((cid, "bot"), 0) if cid is not None else 0
        sent, acked, stored = sent + row["sent"], acked + row["acked"], stored + users
        lost += max(0, row["acked"] - users)
        stored_unacked += max(0, users - row["acked"])
        replies_missing += max(0, users - bots)
        uploads_acked += row["uploads_acked"]
        uploads_lost += max(0, row["uploads_acked"] - (documents.get(cid, 0) if cid is not None else 0))
        tickets_given += len(row["tickets"])
        tickets_lost += [t for t in row["tickets"] if tickets.get(t) != row["session"]]
        leads_given += len(row["leads"])
        leads_lost += [i for i in row["leads"] if leads.get(i) != row["session"]]
    sessions = {row["session"] for row in ledger}
    return {
        "sessions": len(ledger), "messages_sent": sent, "messages_acked": acked, "messages_stored": stored,
        "messages_lost": lost, "messages_stored_unacked": stored_unacked, "replies_missing": replies_missing,
        "uploads_acked": uploads_acked, "uploads_lost": uploads_lost,
        "tickets_given": tickets_given, "tickets_stored": sum(1 for u in tickets.values() if u in sessions),
        "tickets_lost": len(tickets_lost), "leads_given": leads_given,
        "leads_stored": sum(1 for u in leads.values() if u in sessions), "leads_lost": len(leads_lost),
        "complete": lost == 0 and uploads_lost == 0 and not tickets_lost and not leads_lost and replies_missing == 0,
    }
