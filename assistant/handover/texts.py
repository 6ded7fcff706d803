"""What the client reads about a hand-over: waiting, who has them, what happens when nobody is there.

Kept apart from the dialogue texts so the lead can move them into the one catalogue in one piece.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "queued": {
        "zh": "正在为您转接人工客服，您前面还有 {ahead} 位客户在等待。{wait}在此期间您发送的消息工作人员都能看到；"
              "也可以拨打{hotline}。",
        "en": "Passing you to a member of staff; {ahead} client(s) ahead of you. {wait}"
              "Staff will see everything you write meanwhile; you can also call {hotline}.",
    },
    "wait_estimate": {"zh": "预计等待约 {minutes} 分钟。", "en": "Expected wait: about {minutes} min. "},
    "wait_unknown": {"zh": "", "en": ""},
    "after_hours": {
        "zh": "正在为您转接人工客服。现在是非工作时间（工作日 {opens}–{closes}），暂时没有工作人员在线。"
              "我们已为您登记回电，工作人员将在 {due} 前联系您；急事请拨打{hotline}。",
        "en": "Passing you to a member of staff. We are closed now (business hours {opens}–{closes} on "
              "working days) and no member of staff is online. A callback is booked: staff will contact you "
              "by {due}. For anything urgent call {hotline}.",
    },
    "no_staff": {
        "zh": "正在为您转接人工客服。现在暂时没有工作人员在线。我们已为您登记回电，工作人员将在 {due} 前联系您；"
              "您也可以在这里留言，或拨打{hotline}。",
        "en": "Passing you to a member of staff. No member of staff is online right now. A callback is "
              "booked: staff will contact you by {due}. You can leave a message here or call {hotline}.",
    },
    "still_waiting": {
        "zh": "您的消息已转给工作人员，您前面还有 {ahead} 位客户在等待，请稍候。",
        "en": "Your message has been passed to staff; {ahead} client(s) ahead of you. Please hold on.",
    },
    "still_waiting_callback": {
        "zh": "您的消息已记录，工作人员将在 {due} 前联系您。",
        "en": "Your message is noted; staff will contact you by {due}.",
    },
    "claimed": {"zh": "{name} 已接入，正在为您服务。", "en": "{name} has joined and will help you now."},
    "released": {"zh": "人工服务已结束，接下来由智能助手为您服务。",
                 "en": "The member of staff has handed you back to the assistant."},
    "closed": {"zh": "人工服务已结束，感谢您的耐心。如还有问题，可以继续在这里提问。",
               "en": "The conversation with staff has ended. Thank you. You can keep asking questions here."},
    "cancelled": {"zh": "好的，已取消转人工，继续由智能助手为您服务。",
                  "en": "OK, the request for a person is cancelled; the assistant is back."},
}


def text(key: str, lang: str, **values: object) -> str:
    entry = TEXTS[key]
    return entry.get(lang, entry["zh"]).format(**values)
