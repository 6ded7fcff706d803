"""The web chat widget (Gradio, mounted in the app): chat with expandable sources, quick-reply
buttons inside flows, document upload showing the annotated page and the check list, 转人工.

Each browser tab is one session of the ``web`` channel; its id is issued by the server.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from fastapi import FastAPI
from PIL import Image

from assistant.dialogue import Attachment, IncomingMessage, Reply, TurnEvent, final_reply
from ui.channels.widget import inbox
from ui.channels.widget.guard import (
    UploadRefused,
    UploadRegistry,
    WidgetUploadGuard,
    browser_of,
    checked_upload,
    discard,
)
from ui.security import load_secret
from ui.services import Services
from ui.texts import message as ui_text

log = logging.getLogger(__name__)
MAX_QUICK = 6
# WCAG AA: 4.5:1 for text. Gradio's default orange primary button (3.6:1 with white) and its pale
# placeholder (about 1.9:1) fall short, so both are darkened here.
CSS = """
#chat { min-height: 55vh; }
.quick button { white-space: normal; }
#send, #send button { background: #b91c1c !important; border-color: #b91c1c !important; color: #fff !important; }
#msg textarea::placeholder { color: #595959 !important; opacity: 1; }
.sources summary { cursor: pointer; font-weight: 600; }
.gradio-container h1 { font-size: 1.25rem; margin: 0.2em 0; }
@media (max-width: 640px) { .gradio-container { padding: 4px !important; } #chat { min-height: 60vh; } }
"""


OnMessage = Callable[[IncomingMessage], Iterator[TurnEvent]]


def build_widget(on_message: OnMessage, svc: Services, uploads: UploadRegistry | None = None) -> gr.Blocks:
    s = svc.settings
    uploads = uploads if uploads is not None else UploadRegistry()
    limit = s.upload_max_mb * 1024 * 1024

    def reply_to(message: IncomingMessage) -> Reply:
        return final_reply(on_message(message))

    def session_of(state: dict[str, Any]) -> str:
        if not state.get("session_id"):
            state["session_id"] = svc.signer.new_session_id()
        return state["session_id"]

    def bot_messages(reply: Reply) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"role": "assistant", "content": reply.text}]
        # Each source folds in a native <details>: keyboard- and screen-reader-friendly, unlike nested
        # buttons; the passage is escaped, since it is the bank's text shown as text.
        for i, c in enumerate(reply.citations[:3], 1):
            title = html.escape(f"来源 {i}：{c.get('section') or c.get('title') or c.get('source')}"[:80])
            passage = html.escape(str(c.get("text", ""))[:800])
            out.append({"role": "assistant",
                        "content": f"<details class='sources'><summary>{title}</summary>{passage}</details>"})
        return out

    def quick_updates(reply: Reply | None) -> list[Any]:
        choices = reply.quick_replies if reply else []
        return [gr.update(value=choices[i], visible=True) if i < len(choices) else gr.update(visible=False)
                for i in range(MAX_QUICK)]

    def send(text: str, history: list[dict[str, Any]], state: dict[str, Any]) -> tuple[Any, ...]:
        text = (text or "").strip()
        if not text:
            return ("", history, state, *[gr.update() for _ in range(MAX_QUICK)], gr.update(), gr.update())
        sid = session_of(state)
        reply = reply_to(IncomingMessage("web", sid, sid, text))
        # A person may have written meanwhile: their messages first, then this turn (staff inbox, issue 11).
        fresh, state = inbox.news(svc, state)
        mine = bot_messages(reply) if reply.text else []  # with staff, the bot is silent
        history = [*history, *fresh, {"role": "user", "content": text}, *mine]
        return ("", history, state, *quick_updates(reply), gr.update(value=inbox.banner(state)),
                gr.Timer(active=inbox.watching(state)))

    def poll(history: list[dict[str, Any]], state: dict[str, Any]) -> tuple[Any, ...]:
        fresh, state = inbox.news(svc, state)
        return ([*history, *fresh] if fresh else gr.skip(), state, gr.update(value=inbox.banner(state)),
                gr.Timer(active=inbox.watching(state)))

    def restore(state: dict[str, Any]) -> tuple[Any, ...]:
        history, state = inbox.restore(svc, state or {})
        return (history, state, gr.update(value=inbox.banner(state)), gr.Timer(active=inbox.watching(state)))

    def start_over(state: dict[str, Any]) -> tuple[Any, ...]:
        """The clear button starts over on the server too: the flow in progress is cancelled and the
        next message opens a new session (otherwise the screen would be empty while a flow goes on)."""
        if state.get("session_id"):
            svc.start_over("web", state["session_id"])
        fresh = {"session_id": svc.signer.new_session_id()}
        return (fresh, gr.update(value=""), gr.Timer(active=False), *quick_updates(None))

    def upload(path: str | None, history: list[dict[str, Any]], state: dict[str, Any],
               request: gr.Request) -> tuple[Any, ...]:
        if not path:
            return (history, state, gr.update(), gr.update(), *[gr.update() for _ in range(MAX_QUICK)])
        try:  # the path comes from the browser: only a file this browser uploaded here is opened
            file = checked_upload(path, browser_of(request.headers.get("cookie"), svc.signer), uploads)
        except UploadRefused as exc:
            log.warning("widget upload refused: %s", exc)
            return ([*history, {"role": "assistant", "content": ui_text("upload_refused")}], state,
                    gr.update(visible=False), gr.update(value=""), *[gr.update() for _ in range(MAX_QUICK)])
        name = file.name
        data = file.read_bytes() if file.stat().st_size <= limit else None
        discard(file, uploads)  # the upload store keeps its own copy; Gradio's cache keeps none
        if data is None:
            note = ui_text("file_too_large", mb=str(s.upload_max_mb))
            return ([*history, {"role": "assistant", "content": note}], state, gr.update(visible=False),
                    gr.update(value=""), *[gr.update() for _ in range(MAX_QUICK)])
        sid = session_of(state)
        incoming = IncomingMessage("web", sid, sid, "", Attachment(name, "", data=data))
        reply = reply_to(incoming)
        document = svc.document(reply.document_id)
        history = [*history, {"role": "user", "content": f"[文件] {name}"}, *bot_messages(reply)]
        image = gr.update(visible=False, value=None)
        checks = ""
        if document is not None:
            pages = svc.annotated_pages(reply.document_id)
            if pages:
                image = gr.update(visible=True, value=Image.open(pages[0]))
            checks = _checks_html(document)
        return (history, state, image, gr.update(value=checks), *quick_updates(reply))

    with gr.Blocks(title=f"{s.bank_name} · 小微企业助手", fill_width=True) as blocks:
        # In the browser, so a reload keeps the session (and a person's replies); signed with the app's key.
        state = gr.BrowserState({}, storage_key="sme-chat", secret=hashlib.sha256(
            f"widget-state:{load_secret(s)}".encode()).hexdigest())
        with gr.Row(equal_height=True):
            gr.Markdown(f"# {s.bank_name} · 小微企业金融助手\n融资问答 · 发票合同核验 · 投诉 · 转人工")
            # At the top, so a person is one tap away on a phone without scrolling.
            human = gr.Button("转人工", elem_id="handover", size="sm", scale=0, min_width=80)
        waiting = gr.Markdown("", elem_id="handover-state")
        timer = gr.Timer(inbox.POLL_S, active=False)
        chat = gr.Chatbot(elem_id="chat", height="60vh", label="对话", buttons=["copy"],
                          placeholder="您好！请问有什么可以帮您？例如：科技贷最多能贷多少？")
        with gr.Row(elem_classes="quick"):
            quick = [gr.Button(visible=False, size="sm", elem_id=f"quick-{i}") for i in range(MAX_QUICK)]
        with gr.Row():
            box = gr.Textbox(placeholder="请输入您的问题…", label="请输入您的问题", show_label=False, scale=5,
                             elem_id="msg", max_lines=4)
            send_btn = gr.Button("发送", variant="primary", scale=1, elem_id="send")
        with gr.Row():
            up = gr.UploadButton("上传发票/合同", file_types=["image", ".pdf"], type="filepath", elem_id="upload")
        annotated = gr.Image(label="标注结果", visible=False, elem_id="annotated", interactive=False)
        checks = gr.HTML(elem_id="checks")
        outputs = [box, chat, state, *quick, waiting, timer]
        timer.tick(poll, [chat, state], [chat, state, waiting, timer], show_progress="hidden")
        blocks.load(restore, [state], [chat, state, waiting, timer])
        send_btn.click(send, [box, chat, state], outputs)
        box.submit(send, [box, chat, state], outputs)
        for button in quick:
            button.click(send, [button, chat, state], outputs)
        human.click(lambda h, st: send("转人工", h, st), [chat, state], outputs)
        up.upload(upload, [up, chat, state], [chat, state, annotated, checks, *quick])
        chat.clear(start_over, [state], [state, waiting, timer, *quick])
    return blocks


def _checks_html(document: dict[str, Any]) -> str:
    marks = {"pass": "【通过】", "warn": "【注意】", "fail": "【不通过】"}
    verdicts = {"pass": "通过", "review": "需人工复核", "fail": "不通过", "unreadable": "无法识别",
                "unchecked": "未核验"}
    rows = "".join(f"<li class='check-{html.escape(str(c['status']))}'>{marks.get(c['status'], '')}"
                   f"{html.escape(str(c['message'] or c['name']))}</li>" for c in document["checks"])
    note = f"<p><small>{html.escape(document['note'])}</small></p>" if document.get("note") else ""
    return (f"<div class='checklist'><b>核验清单 · {html.escape(document['filename'])} · "
            f"结论：{html.escape(verdicts.get(document['verdict'], str(document['verdict'])))}</b>"
            f"<ul>{rows}</ul>{note}</div>")


def mount_widget(app: FastAPI, on_message: OnMessage, svc: Services, path: str) -> FastAPI:
    """The widget channel: Gradio blocks built from ``on_message``, mounted at ``path``."""
    uploads = UploadRegistry()
    blocks = build_widget(on_message, svc, uploads)
    app.add_middleware(WidgetUploadGuard, widget_path=path, signer=svc.signer, registry=uploads)
    mounted = gr.mount_gradio_app(app, blocks, path=path, max_file_size=f"{svc.settings.upload_max_mb}mb", css=CSS,
                                  footer_links=[], ssr_mode=False, show_error=False, allowed_paths=[],
                                  blocked_paths=[str(svc.settings.assistant_data_dir.resolve())])
    blocks.has_launched = True  # mounted apps skip Gradio's "was this file uploaded?" check unless set
    return mounted
