"""A loopback server speaking the OpenAI chat-completions protocol, for evaluations and tests.

Not part of the product. The default responder is the "scripted-good model": it answers by
quoting the numbered passage the prompt puts first (retrieval's best) — and, for a comparison,
the passage of each product the question names — citing each with [n]. Tests pass their own
responder to script failures: stalls, HTTP errors, garbage JSON, invented figures.

    python -m eval.fake_llm_server --port 8765        # then SME_LLM_BASE_URL=http://127.0.0.1:8765/v1
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFUSAL = "抱歉，现有资料中没有找到这个问题的答案。"
MAX_QUOTE_CHARS = 400
_PASSAGE = re.compile(r'<段落 编号="(\d+)" 出处="([^"]*)">\n(.*?)\n</段落>', re.S)
_QUESTION = re.compile(r"<客户消息>\n(.*?)\n</客户消息>", re.S)
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
_COMPARISON = re.compile(r"哪个|哪一个|哪种|对比|比较|区别|相比|\bwhich\b|\bcompare|\bversus\b|\bvs\b", re.I)


@dataclass
class Completion:
    """What the server does with one request."""

    text: str = ""
    status: int = 200  # anything else is sent as an OpenAI-style error
    raw: bytes | None = None  # sent as the body instead of a proper completion (malformed output)
    stall_s: float = 0.0  # wait before answering (a hung endpoint)
    piece_chars: int = 3  # streamed in pieces of this many characters
    piece_delay_s: float = 0.0


@dataclass
class ChatRequest:
    body: dict
    received: float = field(default_factory=time.monotonic)
    first_piece_sent: float | None = None  # time.monotonic() when the first streamed text went out

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def user_text(self) -> str:
        users = [m.get("content", "") for m in self.body.get("messages", []) if m.get("role") == "user"]
        return users[-1] if users else ""

    @property
    def system_text(self) -> str:
        return "".join(m.get("content", "") for m in self.body.get("messages", []) if m.get("role") == "system")

    @property
    def passages(self) -> list[tuple[int, str, str]]:
        """(number, label, text) of each passage block in the prompt."""
        return [(int(n), label, text) for n, label, text in _PASSAGE.findall(self.user_text)]

    @property
    def question(self) -> str:
        m = _QUESTION.search(self.user_text)
        return m.group(1) if m else ""

    def passage_with(self, needle: str) -> int:
        """The number of the first passage containing ``needle`` (0 when none does)."""
        return next((n for n, _, text in self.passages if needle in text), 0)


Responder = Callable[[ChatRequest], Completion]


def quote_best_passage(request: ChatRequest) -> Completion:
    """The scripted-good model: quote every passage it is given, each with [n].

    The extractive composer passes only the passages its answer uses (one per product and aspect
    asked), so a good model uses them all."""
    passages = request.passages
    if not passages:
        return Completion(REFUSAL)
    chosen = passages
    parts = [f"{_quote(text, request.question)}[{n}]" for n, _, text in chosen]
    return Completion("\n".join(parts))


def _quote(text: str, question: str) -> str:
    if len(text) <= MAX_QUOTE_CHARS:
        return text.strip()
    wanted = _bigrams(question)
    sentences = _SENTENCE.findall(text)
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(_bigrams(sentences[i]) & wanted), i))
    kept, length = [], 0
    for i in ranked:
        if length + len(sentences[i]) <= MAX_QUOTE_CHARS or not kept:
            kept.append(i)
            length += len(sentences[i])
    return "".join(sentences[i] for i in sorted(kept)).strip()


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


class FakeLlmServer:
    """``with FakeLlmServer(responder) as server:`` → ``server.base_url`` (…/v1), ``server.requests``."""

    def __init__(self, responder: Responder = quote_best_passage, host: str = "127.0.0.1", port: int = 0,
                 model: str = "scripted") -> None:
        self.responder = responder
        self.model = model
        self.requests: list[ChatRequest] = []
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a stalled reply must not hold the test run at shutdown
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-llm", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeLlmServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeLlmServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(server: FakeLlmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests and eval own stdout
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"error": {"message": "invalid JSON"}})
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found"}})
                return
            request = ChatRequest(body)
            server.requests.append(request)
            reply = server.responder(request)
            if reply.stall_s:
                time.sleep(reply.stall_s)
            if reply.status != 200:
                self._json(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            elif reply.raw is not None:
                self._send(200, "application/json", reply.raw)
            elif request.stream:
                self._stream(request, reply)
            else:
                self._json(200, _completion(reply.text, server.model))

        def _stream(self, request: ChatRequest, reply: Completion) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
            pieces = [reply.text[i:i + reply.piece_chars] for i in range(0, len(reply.text), reply.piece_chars)]
            try:
                self._event(_chunk(ident, server.model, {"role": "assistant", "content": ""}, None))
                for piece in pieces:
                    if reply.piece_delay_s:
                        time.sleep(reply.piece_delay_s)
                    self._event(_chunk(ident, server.model, {"content": piece}, None))
                    if request.first_piece_sent is None:
                        request.first_piece_sent = time.monotonic()
                self._event(_chunk(ident, server.model, {}, "stop"))
                if (request.body.get("stream_options") or {}).get("include_usage"):
                    self._event({"id": ident, "object": "chat.completion.chunk", "created": int(time.time()),
                                 "model": server.model, "choices": [], "usage": _usage(reply.text)})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (deadline): nothing to do
            self.close_connection = True

        def _event(self, data: dict) -> None:
            self.wfile.write(b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n")
            self.wfile.flush()

        def _json(self, status: int, data: dict) -> None:
            self._send(status, "application/json", json.dumps(data, ensure_ascii=False).encode())

        def _send(self, status: int, content_type: str, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def _usage(text: str) -> dict:
    return {"prompt_tokens": 0, "completion_tokens": len(text), "total_tokens": len(text)}


def _completion(text: str, model: str) -> dict:
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                         "finish_reason": "stop"}], "usage": _usage(text)}


def _chunk(ident: str, model: str, delta: dict, finish: str | None) -> dict:
    return {"id": ident, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback OpenAI-compatible scripted-good model (evaluation only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = FakeLlmServer(host=args.host, port=args.port).start()
    print(f"serving the scripted-good model at {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()


if __name__ == "__main__":
    main()
