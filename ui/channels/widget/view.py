"""What the widget shows, in the client's language: its labels, the bot's messages, an upload's
summary for the chat and the detailed check list. Every line comes from the catalogue
(``assistant/catalogue/client.yaml``, sections ``widget``, ``fields``, ``checks``, ``doc_types``).
"""

from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.catalogue import CHECKS, DOC_TYPES, FIELDS, label
from assistant.dialogue import Reply
from ui.texts import message as t

# The fields an upload's summary names, per document type, in this order.
SUMMARY_FIELDS = {
    "invoice": ("total_amount", "seller_name", "issue_date", "invoice_number"),
    "contract": ("amount", "party_a", "party_b", "signing_date"),
    "business_licence": ("name", "credit_code", "established_date"),
}
MONEY = {"amount", "total_amount", "tax_amount"}
VERDICTS = ("pass", "review", "fail", "unreadable", "unchecked")


def language_of(lang: str | None) -> str:
    return "en" if lang == "en" else "zh"


def bot_messages(reply: Reply, lang: str) -> list[dict[str, Any]]:
    """The reply, then each source folded in a native <details> (keyboard- and screen-reader-friendly);
    the passage is escaped, since it is the bank's text shown as text."""
    out: list[dict[str, Any]] = [{"role": "assistant", "content": reply.text}]
    for i, c in enumerate(reply.citations[:3], 1):
        name = c.get("section") or c.get("title") or c.get("source")
        title = html.escape(t("widget_source", lang, i=str(i), title=str(name))[:80])
        passage = html.escape(str(c.get("text", ""))[:800])
        out.append({"role": "assistant",
                    "content": f"<details class='sources'><summary>{title}</summary>{passage}</details>"})
    return out


def money(value: str) -> str:
    try:
        return f"¥{Decimal(value):,.2f}"
    except (InvalidOperation, ValueError):
        return value


def upload_summary(document: dict[str, Any], lang: str) -> str:
    """The verdict and the checks in a few lines, for the chat where the client is looking (on a phone the
    detailed panel is below the fold): what was read, how many checks passed, which need a look."""
    fields = document.get("fields") or {}
    facts = [f"{label(FIELDS, name, lang)} {money(fields[name]) if name in MONEY else fields[name]}"
             for name in SUMMARY_FIELDS.get(str(document.get("doc_type")), ()) if fields.get(name)]
    parts: list[str] = []
    if facts:
        doc_type = label(DOC_TYPES, str(document.get("doc_type")), lang)
        parts.append(t("widget_summary_read", lang, doc_type=doc_type,
                       facts=t("widget_summary_join", lang).join(facts)))
    checks = document.get("checks") or []
    counts: list[str] = []
    passed = [c for c in checks if c.get("status") == "pass"]
    if passed:
        counts.append(t("widget_summary_passed", lang, count=str(len(passed))))
    for status, key in (("warn", "widget_summary_review"), ("fail", "widget_summary_failed")):
        found = [c for c in checks if c.get("status") == status]
        if found:
            items = t("widget_summary_list_sep", lang).join(_check_line(c, lang) for c in found[:3])
            counts.append(t(key, lang, count=str(len(found)), items=items))
    if counts:
        parts.append(t("widget_summary_checks", lang, counts=t("widget_summary_join", lang).join(counts)))
    if checks:
        parts.append(t("widget_summary_more", lang))
    return "\n".join(parts)


def _check_line(check: dict[str, Any], lang: str) -> str:
    """A check as the client reads it: its own line in Chinese, its name in English (the lines are Chinese)."""
    if lang == "zh" and check.get("message"):
        return str(check["message"])
    return label(CHECKS, str(check.get("name")), lang)


def checks_html(document: dict[str, Any], lang: str) -> str:
    """The detailed panel under the chat: every check with its mark, the verdict, the note."""
    verdict = document.get("verdict")
    verdict_text = t(f"widget_verdict_{verdict}", lang) if verdict in VERDICTS else str(verdict)
    rows = "".join(
        f"<li class='check-{html.escape(str(c['status']))}'>{_mark(c['status'], lang)}"
        f"{html.escape(_panel_line(c, lang))}</li>"
        for c in document["checks"])
    note = f"<p><small>{html.escape(document['note'])}</small></p>" if document.get("note") else ""
    title = html.escape(t("widget_checklist", lang, name=document["filename"], verdict=verdict_text))
    return f"<div class='checklist'><b>{title}</b><ul>{rows}</ul>{note}</div>"


def _panel_line(check: dict[str, Any], lang: str) -> str:
    message = str(check.get("message") or check.get("name"))
    if lang == "zh":
        return message
    return t("widget_check_detail", lang, name=label(CHECKS, str(check.get("name")), lang), detail=message)


def _mark(status: str, lang: str) -> str:
    return t(f"widget_mark_{status}", lang) if status in ("pass", "warn", "fail") else ""
