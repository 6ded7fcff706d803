"""Alerts to staff: a hot lead or an urgent complaint is posted to a WeCom group-robot webhook.

Posted from a background thread with bounded retries and exponential backoff, so a slow or
broken webhook never delays a client's reply. Alerts carry masked contact details only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx

from assistant.dialogue import Reply
from assistant.dialogue.messages import HandoverRequested, LeadSubmitted, TicketRegistered
from assistant.privacy import mask_text

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, url: str | None, retries: int = 3, backoff_s: float = 1.0, public_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.url, self.retries, self.backoff_s, self.public_url = url, retries, backoff_s, public_url
        self._sleep = sleep
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="notify")

    def after_turn(self, reply: Reply) -> Future[bool] | None:
        """Alert when this turn produced a hot lead or an urgent ticket; returns the pending post."""
        if not self.url:
            return None
        text = None
        for event in reply.events:
            if isinstance(event, LeadSubmitted) and event.tier == "hot":
                text = self._hot_lead(event)
            elif isinstance(event, TicketRegistered) and event.urgent:
                text = self._urgent_complaint(event)
        hand = reply.data.get("handover") if isinstance(reply.data.get("handover"), dict) else {}
        if text is None and hand.get("urgent") and any(isinstance(e, HandoverRequested) for e in reply.events):
            # An urgent complaint asking for a person (staff inbox, issue 11); a registered ticket alerted above.
            text = f"**加急：客户等待人工接入** #{hand.get('id')}\n> 请尽快在控制台认领" + self._link(
                f"/console/handovers/{hand.get('id')}")
        if text is None:
            return None
        return self._pool.submit(self.post, {"msgtype": "markdown", "markdown": {"content": text}})

    def _link(self, path: str) -> str:
        return f"\n[在控制台查看]({self.public_url.rstrip('/')}{path})" if self.public_url else ""

    def _hot_lead(self, lead: LeadSubmitted) -> str:
        products = "、".join(lead.products) or "—"
        due = lead.sla_due_at.isoformat() if lead.sla_due_at else "—"
        return (f"**新的高意向融资线索** #{lead.lead_id}\n> 评分：{lead.score}（{lead.tier}）\n"
                f"> 推荐产品：{products}\n> 回访时限：{due}" + self._link(f"/console/leads/{lead.lead_id}"))

    def _urgent_complaint(self, ticket: TicketRegistered) -> str:
        return (f"**加急投诉** {ticket.number}\n> 处理时限：{ticket.due_at.isoformat()}\n> 请尽快联系客户"
                + self._link(f"/console/complaints/{ticket.number}"))

    def post(self, payload: dict[str, Any]) -> bool:
        """POST with retries; True when the robot accepted it (HTTP 2xx and errcode 0)."""
        assert self.url
        payload = {**payload, "markdown": {"content": mask_text(payload.get("markdown", {}).get("content", ""))}} \
            if payload.get("msgtype") == "markdown" else payload
        delay = self.backoff_s
        for attempt in range(self.retries + 1):
            try:
                response = httpx.post(self.url, json=payload, timeout=5.0)
                body = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                    else {}
                if response.is_success and body.get("errcode", 0) == 0:
                    return True
                log.warning("alert webhook refused (attempt %d): HTTP %s %s", attempt + 1, response.status_code,
                            str(body)[:200])
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("alert webhook failed (attempt %d): %s", attempt + 1, exc)
            if attempt < self.retries:
                self._sleep(delay)
                delay *= 2
        log.error("alert dropped after %d attempts", self.retries + 1)
        return False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
