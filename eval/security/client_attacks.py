"""Attacks a client (no login) can run: widget file read, WeChat replay and downgrade, floods,
pixel bombs, malformed input, what one client learns about another."""

from __future__ import annotations

import io
import json
import random
import socket
import time
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlparse

import httpx
from PIL import Image
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from eval.ocr.generate import invoice_sample
from eval.security.server import AES_KEY, APPID, TOKEN

Result = dict[str, Any]


def result(name: str, severity: str, expected: str, observed: Any, passed: bool) -> Result:
    return {"attack": name, "severity": severity, "expected": expected, "observed": observed, "passed": passed}


def _gradio_event(client: httpx.Client, file: dict[str, Any]) -> dict[str, Any]:
    config = client.get("/widget/config").json()
    upload = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "upload")
    fn = next(i for i, d in enumerate(config["dependencies"])
              if any(t[0] == upload and t[1] == "upload" for t in d["targets"]))
    session = uuid.uuid4().hex[:11]
    client.post("/widget/gradio_api/queue/join", json={"data": [file, [], {}], "fn_index": fn,
                                                        "session_hash": session, "event_data": None})
    with client.stream("GET", "/widget/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                return json.loads(line[5:])
    return {}


def widget_file_read(url: str, data_dir: str) -> Result:
    observed = {}
    for target in ("/etc/passwd", f"{data_dir}/secret_key", f"{data_dir}/assistant.db"):
        with httpx.Client(base_url=url, timeout=60) as browser:
            browser.get("/widget/")
            done = _gradio_event(browser, {"path": target, "orig_name": "licence.png",
                                           "meta": {"_type": "gradio.FileData"}})
        text = json.dumps(done, ensure_ascii=False)
        observed[target] = "refused" if (not done.get("success") or "未能接收" in text) else "READ"
    no_cookie = httpx.post(url + "/widget/gradio_api/upload", files={"files": ("a.exe", b"MZ", "x/y")}).status_code
    observed["upload route without the widget cookie"] = no_cookie
    passed = all(v == "refused" for k, v in observed.items() if k.startswith("/")) and no_cookie == 403
    return result("widget reads a server file by a forged FileData path", "high",
                  "every path refused; the upload route needs the widget's cookie", observed, passed)


def _wechat(url: str, xml: str, ts: str, nonce: str, safe: bool) -> int:
    signer = WeChatSigner()
    signer.add_data(TOKEN, ts, nonce)
    params = {"signature": signer.signature, "timestamp": ts, "nonce": nonce}
    body = xml
    if safe:
        body = WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, nonce, ts)
        start = body.index("<MsgSignature>") + len("<MsgSignature>")
        params |= {"encrypt_type": "aes",
                   "msg_signature": body[start:body.index("</MsgSignature>")].removeprefix("<![CDATA[")
                   .removesuffix("]]>")}
    return httpx.post(url + "/wechat", params=params, content=body.encode(), timeout=30).status_code


def _xml(openid: str, text: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_bank]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def wechat_replay_and_downgrade(url: str) -> Result:
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    genuine = _wechat(url, _xml("oVictim", "你好", 71001), ts, nonce, safe=True)
    replayed = _wechat(url, _xml("oAttacker", "我要投诉", 71002), ts, nonce, safe=True)
    downgraded = _wechat(url, _xml("oAttacker", "你好", 71003), str(int(time.time())), uuid.uuid4().hex[:10], False)
    observed = {"genuine": genuine, "captured triple, other message": replayed, "plaintext with AES set": downgraded}
    return result("WeChat replay of a captured signature; plaintext downgrade", "medium",
                  "genuine 200; replay and plaintext 403", observed,
                  genuine == 200 and replayed == 403 and downgraded == 403)


def chat_flood(url: str) -> Result:
    with httpx.Client(base_url=url, timeout=30) as client:
        session = client.post("/api/sessions").json()["session_id"]
        started, codes = time.monotonic(), []
        for _ in range(80):
            codes.append(client.post("/api/chat", json={"session_id": session, "message": "你好"}).status_code)
            if time.monotonic() - started > 20:
                break
    counts = {str(code): codes.count(code) for code in sorted(set(codes))}
    return result("80 chats from one session", "medium", "at most 20 answered per minute, the rest 429",
                  counts, codes.count(200) <= 20 and codes.count(429) >= len(codes) - 20)


def _tiff_bomb() -> bytes:
    frames = [Image.new("L", (6000, 6000), 255) for _ in range(10)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return buffer.getvalue()


def pixel_bomb(url: str) -> Result:
    bomb = _tiff_bomb()
    started = time.monotonic()
    response = httpx.post(url + "/api/chat/upload", files={"file": ("scan.tiff", bomb, "image/tiff")}, timeout=120)
    took = time.monotonic() - started
    verdict = response.json().get("document", {}).get("verdict") if response.status_code == 200 else None
    observed = {"bytes": len(bomb), "status": response.status_code, "verdict": verdict, "seconds": round(took, 2)}
    return result("TIFF of 10 × 36-Mpx frames (535 KB)", "high", "refused before decoding, in seconds", observed,
                  verdict == "unreadable" and took < 10)


def _raw(url: str, data: bytes) -> bytes:
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as sock:
        sock.sendall(data)
        return sock.recv(512)


def malformed_input(url: str) -> Result:
    big = _raw(url, b"POST /api/staff/leads/1/qualify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 31457280\r\n\r\n")[:12].decode("latin-1")
    digits = httpx.post(url + "/api/chat", content='{"message": ' + "9" * 5000 + "}",
                        headers={"Content-Type": "application/json"}).status_code
    pdf = invoice_sample(random.Random(1), date.today(), None, as_pdf=True).data
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a\x00.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n" + pdf + b"\r\n--b--\r\n")
    nul = httpx.post(url + "/api/chat/upload", content=body,
                     headers={"Content-Type": "multipart/form-data; boundary=b"}).status_code
    observed = {"30 MB declared, none sent": big, "5000-digit number": digits, "NUL in a file name": nul}
    return result("limits before reading; malformed numbers and names", "medium",
                  "413 without reading; 400; 400", observed, big.endswith("413") and digits == 400 and nul == 400)


def what_clients_learn(url: str) -> Result:
    lines = ["我要投诉", "宁波海纳贸易有限公司", "跳过", "李娜", "13600136000", "2", "1", "其他",
             "网银转账失败", "昨天", "跳过", "请尽快修复", "确认"]
    urgent = []
    for _ in range(2):  # the second "client" types the first one's mobile
        with httpx.Client(base_url=url, timeout=30) as client:
            session = None
            for line in lines:
                body = client.post("/api/chat", json={"session_id": session, "message": line}).json()
                session = body.get("session_id")
            urgent.append(bool(body.get("data", {}).get("urgent")) or "加急" in body.get("reply", ""))
    sample = invoice_sample(random.Random(77), date.today(), None, as_pdf=True).data
    httpx.post(url + "/api/chat/upload", files={"file": ("甲公司发票.pdf", sample, "application/pdf")}, timeout=60)
    second = httpx.post(url + "/api/chat/upload", files={"file": ("x.pdf", sample, "application/pdf")}, timeout=60)
    text = json.dumps(second.json(), ensure_ascii=False)
    observed = {"repeat complaint shown as urgent": urgent,
                "duplicate message names the earlier file": "甲公司" in text}
    return result("repeat-complaint flag and duplicate-invoice message", "low",
                  "nothing about other clients", observed, not any(urgent) and "甲公司" not in text)
