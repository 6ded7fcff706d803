"""Choices from the flow file, yes/no, tax credit grades, enterprise labels and free text."""

from __future__ import annotations

import re

from assistant.validators.base import Rejected, Validated, ValidationContext, looks_meaningful, normalise

NEGATIVE = re.compile(r"不同意|不愿意|不可以|不行|不要|不用|拒绝|不确认|不是|不对|^否|^no\b|^nope|don'?t|do not"
                      r"|disagree|refuse", re.I)
POSITIVE = re.compile(r"同意|愿意|可以|好的?|行|确认|没问题|是的?|对的?|嗯|^ok|^yes|^yep|^sure|agree|confirm|correct|"
                      r"consent|^y$", re.I)


def yes_no(text: str, ctx: ValidationContext) -> Validated | Rejected:
    raw = normalise(text)
    if len(raw) > 120:  # "All correct, and I consent to the credit check and being contacted." is an answer
        return Rejected("yes_no")
    if re.search(r"[?？]\s*$|吗|多少|什么|怎么|是否|哪", raw):  # 利率是多少？ asks; its 是 is not a yes
        return Rejected("yes_no")
    if NEGATIVE.search(raw):
        return Validated(False, "否")
    if POSITIVE.search(raw):
        return Validated(True, "是")
    return Rejected("yes_no")


def choice(text: str, ctx: ValidationContext) -> Validated | Rejected:
    """One of the step's ``choices``: by number (1, 2…, as WeChat shows quick replies) or by keyword."""
    raw = normalise(text).lower()
    choices = ctx.options.get("choices", [])
    if m := re.fullmatch(r"\s*(\d{1,2})\s*[.、]?\s*", raw):
        index = int(m[1]) - 1
        if 0 <= index < len(choices):
            return Validated(choices[index]["value"], choices[index]["zh"])
    if len(raw) > 500:
        return Rejected("choice")
    best: tuple[int, dict] | None = None
    for option in choices:
        words = [option["zh"], option.get("en", ""), *option.get("keywords", [])]
        for word in filter(None, words):
            pos = raw.find(word.lower())
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, option)
    if best is None:
        return Rejected("choice")
    return Validated(best[1]["value"], best[1]["zh"])


def tax_credit_grade(text: str, ctx: ValidationContext) -> Validated | Rejected:
    raw = normalise(text).upper()
    if re.search(r"不知道|不清楚|不确定|没评|DON'?T KNOW|NOT SURE|UNKNOWN", raw):
        return Validated("unknown", "不清楚")
    if m := re.search(r"(?<![A-Z])([ABMCD])(?:级|类|\s*GRADE|(?![A-Z]))", raw):
        return Validated(m[1], f"{m[1]}级")
    return Rejected("tax_credit_grade")


LABELS = {
    "specialised_sme": ("专精特新", ("专精特新", "specialised", "specialized")),
    "little_giant": ("小巨人", ("小巨人", "little giant")),
    "high_tech": ("高新技术企业", ("高新", "high-tech", "high tech", "hnte")),
    "tech_sme": ("科技型中小企业", ("科技型", "科技中小", "tech sme", "technology-based")),
}


def labels(text: str, ctx: ValidationContext) -> Validated | Rejected:
    raw = normalise(text).lower()
    found = [key for key, (_, words) in LABELS.items() if any(w in raw for w in words)]
    if found:
        return Validated(found, "、".join(LABELS[k][0] for k in found))
    if re.search(r"^(无|没有|都没有|都不是|不是|没|none|no|nope|n/a)|都没|没有认定", raw, re.I):
        return Validated([], "无")
    return Rejected("labels")


_ACK = re.compile(r"(同意|不同意|好的?|可以|行|是的?|对|确认|确定|嗯|没问题|ok|okay|yes|no|sure|confirm)[。.!！\s]*",
                  re.I)


def free_text(text: str, ctx: ValidationContext) -> Validated | Rejected:
    raw = normalise(text)
    if _ACK.fullmatch(raw):  # 同意 is an answer to a yes/no question, never someone's industry or request
        return Rejected("free_text")
    max_chars = int(ctx.options.get("max_chars", 1000))
    if len(raw) > max_chars:
        return Rejected("too_long")
    if not looks_meaningful(raw, int(ctx.options.get("min_cjk", 2)), int(ctx.options.get("min_words", 2))):
        return Rejected("free_text")
    kept = text.strip()  # the client's own punctuation, not the normalised form
    return Validated(kept, kept if len(kept) <= 60 else kept[:60] + "…")
