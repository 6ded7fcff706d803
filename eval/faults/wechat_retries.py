"""A burst of duplicate WeChat retries across two workers: each MsgId answered once, stored once.

PostgreSQL, two workers (a retry lands on either). Each of ``messages`` MsgIds is posted
``copies`` times at once; every copy must get the same passive reply or WeChat's empty
``success``, and the database must hold exactly one client message per MsgId. Then numbered
choices: each client gets the menu on one request and answers "1" on the next (either worker);
the stored message must be the choice's text, not "1".
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, select
from wechatpy import parse_message
from wechatpy.utils import WeChatSigner

from assistant.store.db import make_engine
from assistant.store.models import Conversation, Message
from eval.faults.common import write_result
from eval.load.server import Service, pg_database, scratch_dir

TOKEN = "fault-wechat-token"
QUESTIONS = ["科技贷最多能贷多少？", "发票贷的额度是多少？", "税金贷的利率是多少？", "抵押贷可以贷多久？"]


def _post(client: httpx.Client, xml: str, nonce: str) -> httpx.Response:
    timestamp = str(int(time.time()))
    signer = WeChatSigner()
    signer.add_data(TOKEN, timestamp, nonce)
    return client.post("/wechat", params={"signature": signer.signature, "timestamp": timestamp, "nonce": nonce},
                       content=xml.encode(), headers={"Content-Type": "application/xml"})


def _xml(openid: str, msg_id: int, content: str) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_bank]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def _content(response: httpx.Response) -> str:
    return "" if response.text == "success" else parse_message(response.text).content


def run(messages: int = 20, copies: int = 4, numbered_clients: int = 10) -> dict[str, Any]:
    with scratch_dir("sme-fault-wechat-") as work, pg_database("sme_fault") as url:
        with Service(work, url, workers=2, extra_env={"SME_WECHAT_TOKEN": TOKEN}) as service, \
                httpx.Client(base_url=service.url, timeout=30) as client, ThreadPoolExecutor(16) as pool:
            lock, replies = threading.Lock(), {}

            def send(i: int, copy: int) -> None:
                response = _post(client, _xml(f"oRetry{i:03d}", 9_000_000 + i, QUESTIONS[i % 4]), f"n{i}-{copy}")
                with lock:
                    replies.setdefault(i, []).append((response.status_code, _content(response)))

            list(pool.map(lambda args: send(*args), [(i, c) for i in range(messages) for c in range(copies)]))
            menus = list(pool.map(lambda i: _post(client, _xml(f"oNum{i:03d}", 8_000_000 + i, "你好"), f"m{i}"),
                                  range(numbered_clients)))
            picks = list(pool.map(lambda i: _post(client, _xml(f"oNum{i:03d}", 8_100_000 + i, "1"), f"p{i}"),
                                  range(numbered_clients)))
        stored, picked = _stored(url, messages, numbered_clients)
    inconsistent = [i for i, got in replies.items()
                    if any(status != 200 for status, _ in got) or len({c for _, c in got if c}) != 1]
    duplicates = {i: n for i, n in stored.items() if n != 1}
    first_choice = [_first_choice(_content(m)) for m in menus]
    wrong_picks = [i for i in range(numbered_clients) if picked.get(i) != first_choice[i]]
    passed = not inconsistent and not duplicates and not wrong_picks and all(p.status_code == 200 for p in picks)
    return write_result("wechat_retries", {
        "passed": passed, "messages": messages, "copies_each": copies, "inconsistent_replies": inconsistent,
        "stored_not_once": duplicates, "numbered_clients": numbered_clients, "wrong_numbered_picks": wrong_picks,
        "first_choice_example": first_choice[0] if first_choice else None})


def _first_choice(menu: str) -> str | None:
    for line in menu.splitlines():
        if line.startswith("1. "):
            return line[3:]
    return None


def _stored(url: str, messages: int, clients: int) -> tuple[dict[int, int], dict[int, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(select(Conversation.user_id, func.count()).join(Message).where(
                Message.role == "user", Conversation.user_id.like("oRetry%")).group_by(Conversation.user_id)).all()
            stored = {int(user[6:]): n for user, n in rows}
            for i in range(messages):
                stored.setdefault(i, 0)
            picks = db.execute(select(Conversation.user_id, Message.text).join(Message).where(
                Message.role == "user", Conversation.user_id.like("oNum%")).order_by(Message.id)).all()
            picked = {int(user[4:]): text for user, text in picks}  # the last message of each client
    finally:
        engine.dispose()
    return stored, picked


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
