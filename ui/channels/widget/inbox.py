"""The widget's side of a hand-over: the waiting banner, live staff messages, the history after a reload.

The widget keeps its session id in the browser (``gr.BrowserState``), so a reload finds the same
conversation; its history is rebuilt from the store. While the conversation is with staff a timer
polls the store each second for staff messages and notices (well inside the 2-second promise);
the client's own turns are shown by the send handler, so the poll skips them.
"""

from __future__ import annotations

import html
from typing import Any

from ui.channels.rest.messages import session_snapshot
from ui.services import Services
from ui.texts import message as t

POLL_S = 1.0


def banner(state: dict[str, Any]) -> str:
    """The line over the chat while a person is involved; empty otherwise."""
    hand, lang = state.get("handover") or {}, state.get("lang") or "zh"
    if hand.get("status") == "held":
        name = html.escape(str(hand.get("staff_name") or t("widget_staff_default", lang)))
        return t("widget_banner_held", lang, name=name)
    if hand.get("status") == "waiting":
        if hand.get("callback_due"):
            return t("widget_banner_callback", lang, due=str(hand["callback_due"]))
        return t("widget_banner_waiting", lang, ahead=str(hand.get("ahead", 0)))
    return ""


def as_chat(message: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """A stored message as a Chatbot entry; text is escaped so HTML shows as text."""
    text = html.escape(message["text"])
    if message["role"] == "client":
        return {"role": "user", "content": text}
    if message["role"] == "staff":
        return {"role": "assistant",
                "content": t("widget_staff_says", lang, name=html.escape(message.get("staff_name") or ""), text=text)}
    return {"role": "assistant", "content": text}


def restore(svc: Services, state: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """After a reload: the whole conversation of the stored session, and whether to keep watching it."""
    sid = state.get("session_id")
    if not sid or not svc.signer.session_ok(sid):
        return [], {}
    snapshot = session_snapshot(svc, sid, 0)
    history = [as_chat(m, state.get("lang") or "zh") for m in snapshot["messages"] if m["text"]]
    last = snapshot["messages"][-1]["id"] if snapshot["messages"] else 0
    return history, {**state, "last_id": last, "handover": snapshot["handover"]}


def news(svc: Services, state: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Staff messages and hand-over notices since the last look (the client's own turns are already shown)."""
    sid = state.get("session_id")
    if not sid:
        return [], state
    snapshot = session_snapshot(svc, sid, int(state.get("last_id") or 0))
    fresh = [as_chat(m, state.get("lang") or "zh") for m in snapshot["messages"]
             if m["role"] == "staff" or m.get("notice")]
    last = snapshot["messages"][-1]["id"] if snapshot["messages"] else state.get("last_id", 0)
    return fresh, {**state, "last_id": last, "handover": snapshot["handover"]}


def watching(state: dict[str, Any]) -> bool:
    return (state.get("handover") or {}).get("status") in ("waiting", "held")
